"""Each step of rule 1 alone, on numbers worked by hand (terms/steps.py).

Arrays are events × coverages. Unless said otherwise column 0 is business interruption (the time-element
column, `te = [0]`) and column 1 a liability coverage with defence costs.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from cyberins.model.ids import WaitingPeriodMode
from cyberins.terms.compiled import MODE_CODES
from cyberins.terms.steps import (
    Hourly,
    add_indemnity_period_income,
    apply_coinsurance,
    apply_waiting_period,
    erode_aggregate,
    erode_sublimits,
    limit_each_claim,
    remove_excluded,
    take_retentions,
)


def hourly(income_all: float, income_ip: float, income_wait: float, duration: float, hours: bool = True) -> Hourly:
    """One event, one time-element column (column 0)."""
    return Hourly(
        te=np.array([0]),
        income_all=np.array([[income_all]]),
        income_ip=np.array([[income_ip]]),
        income_wait=np.array([[income_wait]]),
        duration=np.array([[duration]]),
        has_hours=np.array([[hours]]),
    )


def mode(m: WaitingPeriodMode) -> np.ndarray:
    return np.array([MODE_CODES[m]], dtype=np.int8)


def test_an_excluded_pair_loses_its_loss_defence_and_hourly_income() -> None:
    # Event 0: BI excluded (war), liability kept; the BI's 40 hours × 100 of income go too.
    excluded = np.array([[True, False]])
    loss, defence, h = remove_excluded(
        excluded, np.array([[500.0, 700.0]]), np.array([[0.0, 300.0]]), hourly(4_000, 4_000, 1_200, 40), 0.0
    )
    assert loss.tolist() == [[0.0, 700.0]] and defence.tolist() == [[0.0, 300.0]]
    assert (h.income_all[0, 0], h.income_ip[0, 0], h.income_wait[0, 0]) == (0.0, 0.0, 0.0)


def test_the_indemnity_period_adds_only_the_income_inside_it() -> None:
    # 100 outage hours at 1,000 an hour with a 72-hour indemnity period: 72,000 joins 5,000 of extra expense.
    loss = add_indemnity_period_income(np.array([[5_000.0, 0.0]]), hourly(100_000, 72_000, 12_000, 100))
    assert loss.tolist() == [[77_000.0, 0.0]]


@pytest.mark.parametrize(
    ("waiting_mode", "duration", "loss_after", "retention_after"),
    [
        # time retention: the first 12 hours' income (12,000) is not paid; the retention stays 5,000.
        (WaitingPeriodMode.TIME_RETENTION, 100, 65_000, 5_000),
        # trigger: 100 hours is more than 12, so everything from hour 0 is paid.
        (WaitingPeriodMode.TRIGGER, 100, 77_000, 5_000),
        # trigger: exactly 12 hours is not "strictly more", so nothing is paid.
        (WaitingPeriodMode.TRIGGER, 12, 0, 5_000),
        # greater of: the retention becomes max(5,000, 12,000) = 12,000; the loss is untouched here.
        (WaitingPeriodMode.GREATER_OF, 100, 77_000, 12_000),
    ],
)
def test_the_waiting_period_acts_by_its_mode(
    waiting_mode: WaitingPeriodMode, duration: float, loss_after: float, retention_after: float
) -> None:
    loss, retention = apply_waiting_period(
        np.array([[77_000.0, 9.0]]),
        np.array([[5_000.0, 1.0]]),
        hourly(100_000, 72_000, 12_000, duration),
        mode(waiting_mode),
        np.array([12.0]),
        0.0,
    )
    assert loss.tolist() == [[loss_after, 9.0]]
    assert retention.tolist() == [[retention_after, 1.0]]


def test_the_waiting_period_cannot_act_on_a_loss_given_only_as_money() -> None:
    loss, retention = apply_waiting_period(
        np.array([[77_000.0]]),
        np.array([[5_000.0]]),
        hourly(0, 0, 0, 0, hours=False),
        mode(WaitingPeriodMode.TRIGGER),
        np.array([12.0]),
        0.0,
    )
    assert (loss[0, 0], retention[0, 0]) == (77_000.0, 5_000.0)


def test_a_retention_comes_off_defence_costs_first() -> None:
    # Liability: 3,000 of defence and 10,000 of settlement under a 5,000 retention: defence 0, settlement 8,000.
    loss, defence, one = take_retentions(
        np.array([[10_000.0]]),
        np.array([[3_000.0]]),
        np.array([[5_000.0]]),
        per_incident=False,
        defence_given=True,
        zero=0.0,
    )
    assert (loss.tolist(), defence.tolist(), one) == ([[8_000.0]], [[0.0]], None)


def test_one_retention_per_incident_is_the_highest_reached_taken_in_the_policy_order() -> None:
    # Retentions 2,000 and 5,000; the incident reaches both, so one retention of 5,000 is taken: 1,000 of
    # defence and 3,000 of loss on the first coverage, then 1,000 of the second's loss: 0 + 0 and 0 + 6,000 left.
    loss, defence, one = take_retentions(
        np.array([[3_000.0, 7_000.0]]),
        np.array([[1_000.0, 0.0]]),
        np.array([[2_000.0, 5_000.0]]),
        per_incident=True,
        defence_given=True,
        zero=0.0,
    )
    assert loss.tolist() == [[0.0, 6_000.0]] and defence.tolist() == [[0.0, 0.0]]
    assert one.tolist() == [5_000.0]


def test_a_retention_without_defence_costs_never_leaves_a_negative_loss() -> None:
    loss, _, _ = take_retentions(
        np.array([[3_000.0, 9_000.0]]),
        np.zeros((1, 2)),
        np.array([[5_000.0, 5_000.0]]),
        per_incident=False,
        defence_given=False,
        zero=0.0,
    )
    assert loss.tolist() == [[0.0, 4_000.0]]


def test_the_each_claim_limit_holds_defence_inside_it_only_when_expenses_erode() -> None:
    loss, defence, limit = np.array([[80_000.0]]), np.array([[30_000.0]]), np.array([100_000.0])
    inside = limit_each_claim(loss, defence, limit, expenses_erode=True, zero=0.0)
    assert (inside[0].tolist(), inside[1].tolist()) == ([[100_000.0]], [[0.0]])
    apart = limit_each_claim(loss, defence, limit, expenses_erode=False, zero=0.0)
    assert (apart[0].tolist(), apart[1].tolist()) == ([[80_000.0]], [[30_000.0]])


def test_coinsurance_keeps_the_insured_share_of_loss_and_defence() -> None:
    # 20% coinsurance on the first coverage: 10,000 → 8,000 and 500 → 400; none on the second.
    loss, defence = apply_coinsurance(
        np.array([[10_000.0, 10_000.0]]), np.array([[500.0, 500.0]]), np.array([0.2, 0.0])
    )
    assert loss.tolist() == [[8_000.0, 10_000.0]] and defence.tolist() == [[400.0, 500.0]]


def test_sublimits_erode_in_time_order_within_a_policy_year_after_prior_payments() -> None:
    # Sublimit 10,000 with 3,000 already paid: 4,000 then 5,000 (only 3,000 left) then 2,000 (nothing left).
    # Year 1 erodes its own sublimit (the prior payment counts in every year of the table): 8,000 pays 7,000.
    loss = np.array([[4_000.0], [5_000.0], [2_000.0], [8_000.0]])
    period = np.array([0, 0, 0, 1])
    paid = erode_sublimits(loss, period, np.array([10_000.0]), np.array([3_000.0]))
    assert paid.ravel().tolist() == [4_000.0, 3_000.0, 0.0, 7_000.0]


def test_the_aggregate_erodes_coverage_by_coverage_in_the_policy_order() -> None:
    # Aggregate 10,000: event 0 pays 6,000 + 3,000; event 1 has 1,000 left, all on its first coverage.
    loss = np.array([[6_000.0, 3_000.0], [2_000.0, 2_000.0]])
    paid = erode_aggregate(loss, np.array([0, 0]), 10_000.0, 0.0)
    assert paid.tolist() == [[6_000.0, 3_000.0], [1_000.0, 0.0]]


def test_the_steps_give_the_same_cents_on_decimal_arrays() -> None:
    # Coinsurance of 1/3 on 100.00 leaves 66.666…; then the aggregate of 100.01 after 40.00 paid lets 60.01 pass.
    loss, defence = apply_coinsurance(
        np.array([[Decimal("100.00")]], dtype=object),
        np.array([[Decimal(0)]], dtype=object),
        np.array([Decimal(1) / 3], dtype=object),
    )
    assert loss[0, 0].quantize(Decimal("0.01")) == Decimal("66.67")
    paid = erode_aggregate(loss, np.array([0]), Decimal("100.01"), Decimal("40.00"))
    assert paid[0, 0] == Decimal("60.01")

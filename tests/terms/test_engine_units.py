"""Hand-computed settlements for every term and every waiting-period mode (DESIGN.md rules 1-6, 11)."""

from __future__ import annotations

import numpy as np
import pytest

from cyberins.model.ids import Coverage
from cyberins.terms import CompiledTerms, Step, apply_terms
from tests.terms.helpers import BI, pay, policy, table

LEGAL, IR, PRIV = Coverage.LEGAL, Coverage.INCIDENT_RESPONSE, Coverage.PRIVACY_LIABILITY


def bi_policy(mode: str, waiting: float, retention: float = 5_000, indemnity_days: float = 30) -> object:
    return policy(
        {
            "business_interruption": {
                "sublimit": 1_000_000,
                "retention": retention,
                "waiting_period_hours": waiting,
                "waiting_period_mode": mode,
                "indemnity_period_days": indemnity_days,
            }
        }
    )


def one_outage(hours: float, per_hour: float = 1_000, extra: float = 0.0, numeric: str = "float") -> object:
    return table([BI], [[extra]], outages=[(0, 0, 0.0, hours, per_hour)], numeric=numeric)


@pytest.mark.parametrize("numeric", ["float", "decimal"])
def test_time_retention_drops_income_of_the_first_hours_then_the_retention(numeric: str) -> None:
    # (100 h - 12 h) × 1,000 + 10,000 extra expense (not reduced by waiting hours) - 5,000 = 93,000
    paid = pay(bi_policy("time_retention", 12), one_outage(100, extra=10_000, numeric=numeric), numeric)
    assert float(paid[0, 0]) == 93_000


def test_trigger_mode_pays_from_hour_zero_only_past_the_waiting_period() -> None:
    p = bi_policy("trigger", 24)
    assert pay(p, one_outage(20, extra=10_000))[0, 0] == 0  # 20 h ≤ 24 h: nothing, extra expense included
    assert pay(p, one_outage(24))[0, 0] == 0  # "strictly more than" W
    assert pay(p, one_outage(30, extra=10_000))[0, 0] == 30 * 1_000 + 10_000 - 5_000


def test_greater_of_deducts_the_larger_of_retention_and_waiting_income() -> None:
    # income inside 12 h = 12,000 > 5,000 retention -> one deduction of 12,000
    assert pay(bi_policy("greater_of", 12, retention=5_000), one_outage(100))[0, 0] == 100_000 - 12_000
    # retention 20,000 > 12,000 -> deduct 20,000
    assert pay(bi_policy("greater_of", 12, retention=20_000), one_outage(100))[0, 0] == 100_000 - 20_000


def test_indemnity_period_cuts_hours_after_it_ends() -> None:
    # IP 2 days = 48 h of a 100 h outage; time retention 12 h: (48 - 12) × 1,000 - 5,000
    assert pay(bi_policy("time_retention", 12, indemnity_days=2), one_outage(100))[0, 0] == 31_000


def test_several_outages_count_the_waiting_period_from_the_first_start() -> None:
    # [0,10) at 1,000/h and [20,40) at 500/h; W = 15 h covers 10 h of the first outage only
    t = table([BI], [[0.0]], outages=[(0, 0, 0, 10, 1_000), (0, 0, 20, 40, 500)])
    assert pay(bi_policy("time_retention", 15), t)[0, 0] == (10_000 + 10_000) - 10_000 - 5_000
    # trigger: span 40 h > 30 h waiting, so paid from hour 0
    assert pay(bi_policy("trigger", 30), t)[0, 0] == 20_000 - 5_000


def test_retention_then_each_claim_limit_then_coinsurance() -> None:
    p = policy(
        {
            "legal": {
                "sublimit": 1_000_000,
                "retention": 50_000,
                "each_claim_limit": 300_000,
                "coinsurance": 0.2,
            }
        }
    )
    # min(500,000 - 50,000, 300,000) × (1 - 0.2)
    assert pay(p, table([LEGAL], [[500_000]]))[0, 0] == pytest.approx(240_000)


def test_sublimit_erodes_in_time_order_not_row_order() -> None:
    p = policy({"legal": {"sublimit": 100_000, "retention": 1_000, "coinsurance": 0.1}})
    # row 1 happened first: (80,000 - 1,000) × 0.9 = 71,100; then row 0 gets the 28,900 left of 44,100
    paid = pay(p, table([LEGAL], [[50_000], [80_000]], time=[0.5, 0.1]))
    assert paid[:, 0].tolist() == pytest.approx([28_900, 71_100])


def test_aggregate_erodes_across_coverages_in_policy_order_and_resets_each_year() -> None:
    p = policy({"incident_response": {"sublimit": 100_000}, "legal": {"sublimit": 100_000}}, aggregate=120_000)
    t = table([LEGAL, IR], [[90_000, 90_000], [50_000, 0]], period=[0, 1])
    paid = pay(p, t)
    # columns in policy order (incident_response, legal); year 0: incident_response is listed first -> 90,000,
    # legal gets the 30,000 left
    assert paid[0].tolist() == [90_000, 30_000]
    assert paid[1].tolist() == [0, 50_000]  # a new policy year, a fresh aggregate


def test_prior_paid_erodes_sublimit_and_aggregate() -> None:
    p = policy({"legal": {"sublimit": 100_000}, "incident_response": {"sublimit": 100_000}}, aggregate=150_000)
    t = table([LEGAL, IR], [[60_000, 60_000]])
    paid = pay(p, t, prior_paid={LEGAL: 70_000})
    # legal: 30,000 left of its sublimit; aggregate 150,000 - 70,000 = 80,000: legal 30,000 then IR 50,000
    assert paid[0].tolist() == [30_000, 50_000]


@pytest.mark.parametrize(("erode", "expected"), [(True, 90_000), (False, 90_000 + 20_000)])
def test_defence_costs_take_the_retention_first_and_erode_only_when_agreed(erode: bool, expected: float) -> None:
    p = policy({"privacy_liability": {"sublimit": 90_000, "retention": 30_000}}, claims_expenses_erode_limit=erode)
    # defence 50,000 - 30,000 retention = 20,000; settlement 100,000 untouched by the retention
    t = table([PRIV], [[100_000]], defence=[[50_000]])
    assert pay(p, t)[0, 0] == expected


def test_excluded_pairs_pay_nothing_and_do_not_erode() -> None:
    p = policy({"legal": {"sublimit": 100_000}})
    t = table([LEGAL], [[80_000], [80_000]], excluded=[[True], [False]])
    assert pay(p, t)[:, 0].tolist() == [0, 80_000]


def test_uncovered_coverages_are_ignored_and_money_only_bi_is_flagged() -> None:
    p = policy({"business_interruption": {"sublimit": 500_000, "waiting_period_hours": 12}})
    result = apply_terms(table([LEGAL, BI], [[70_000, 40_000]]), CompiledTerms.from_policy(p))
    assert result.payable.tolist() == [[40_000]]  # policy columns only; no hours, so no waiting period
    assert result.money_only_time_element.tolist() == [True]


def test_trace_holds_each_step_in_rule_order() -> None:
    p = bi_policy("time_retention", 12)
    trace = apply_terms(one_outage(100), CompiledTerms.from_policy(p), trace=True).trace
    assert trace is not None and list(trace) == list(Step)
    assert [float(trace[s][0, 0]) for s in (Step.GROUND_UP, Step.WAITING_PERIOD, Step.RETENTION)] == [
        100_000,
        88_000,
        83_000,
    ]


def test_empty_table() -> None:
    p = policy({"legal": {"sublimit": 100_000}})
    assert pay(p, table([LEGAL], np.zeros((0, 1)).tolist())).shape == (0, 1)

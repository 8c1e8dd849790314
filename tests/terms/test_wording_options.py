"""Hand-computed cases of the wording options (DESIGN.md rules 5, 19, 20) and of `apply_terms(compact=True)`,
in float64 (pricing) and `Decimal` (claims): the same engine code serves both."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from cyberins.model.ids import Coverage, EventType
from cyberins.terms import CompiledTerms, LossTable, Step, apply_terms
from tests.terms.helpers import BI, pay, policy, table

IR, DR, PRIV, LEGAL = Coverage.INCIDENT_RESPONSE, Coverage.DATA_RESTORATION, Coverage.PRIVACY_LIABILITY, Coverage.LEGAL
NUMERICS = pytest.mark.parametrize("numeric", ["float", "decimal"])


def per_incident(basis: str = "per_incident") -> Any:
    """IR (retention 10,000), DR (50,000), privacy (20,000), in that order; one retention per incident."""
    return policy(
        {
            "incident_response": {"sublimit": 500_000, "retention": 10_000},
            "data_restoration": {"sublimit": 500_000, "retention": 50_000},
            "privacy_liability": {"sublimit": 500_000, "retention": 20_000},
        },
        retention_basis=basis,
    )


def values(a: np.ndarray) -> list[list[float]]:
    return [[float(x) for x in row] for row in a]


# ---- rule 5: retention_basis per_incident ---------------------------------------------------------------


@NUMERICS
def test_one_retention_the_highest_reached_taken_in_policy_order(numeric: str) -> None:
    t = table(
        [IR, DR, PRIV],
        [
            [30_000, 100_000, 0],  # reaches IR and DR: 50,000, taken 30,000 from IR then 20,000 from DR
            [30_000, 0, 0],  # reaches IR only: its own 10,000
            [8_000, 0, 40_000],  # IR and privacy: 20,000; 8,000 from IR, 5,000 defence, 7,000 settlement
            [30_000, 100_000, 0],  # DR excluded: not reached, so IR's 10,000 applies
        ],
        defence=[[0, 0, 0], [0, 0, 0], [0, 0, 5_000], [0, 0, 0]],
        excluded=[[False] * 3, [False] * 3, [False] * 3, [False, True, False]],
        period=[0, 1, 2, 3],
        numeric=numeric,
    )
    result = apply_terms(t, CompiledTerms.from_policy(per_incident(), numeric), trace=True)  # type: ignore[arg-type]
    assert values(result.payable) == [[0, 80_000, 0], [20_000, 0, 0], [0, 0, 33_000], [20_000, 0, 0]]
    assert result.incident_retention is not None
    assert [float(x) for x in result.incident_retention] == [50_000, 10_000, 20_000, 10_000]
    assert result.trace is not None and values(result.trace[Step.RETENTION]) == values(result.payable)
    # the default, one retention per coverage: 20,000 + 50,000; 20,000; 0 + (5,000 + 40,000 − 20,000); 20,000
    default = pay(per_incident("per_coverage"), t, numeric)
    assert values(default) == [[20_000, 50_000, 0], [20_000, 0, 0], [0, 0, 25_000], [20_000, 0, 0]]


@NUMERICS
def test_a_bi_loss_inside_a_trigger_waiting_period_does_not_reach_the_cover(numeric: str) -> None:
    p = policy(
        {
            "incident_response": {"sublimit": 500_000, "retention": 10_000},
            "business_interruption": {
                "sublimit": 900_000,
                "retention": 100_000,
                "waiting_period_hours": 24,
                "waiting_period_mode": "trigger",
            },
        },
        retention_basis="per_incident",
    )
    # 20 h ≤ 24 h: BI pays nothing and its 100,000 retention does not apply; IR 30,000 − 10,000.
    short = table([IR, BI], [[30_000, 0]], outages=[(0, 1, 0, 20, 10_000)], numeric=numeric)
    assert values(pay(p, short, numeric)) == [[20_000, 0]]
    # 30 h > 24 h: BI 300,000 from hour 0 is reached; 100,000 taken from IR (30,000) then BI (70,000).
    long = table([IR, BI], [[30_000, 0]], outages=[(0, 1, 0, 30, 10_000)], numeric=numeric)
    assert values(pay(p, long, numeric)) == [[0, 230_000]]


def test_a_small_loss_under_a_higher_retention_raises_the_incident_retention() -> None:
    """ "Only the highest retention applies": a first loss of 1 under DR lifts the retention from 10,000 to
    50,000, so the incident pays less than without it (the per-coverage basis cannot do this)."""
    p = per_incident()
    assert pay(p, table([IR, DR], [[60_000, 0]])).sum() == 50_000
    assert pay(p, table([IR, DR], [[60_000, 1]])).sum() == 60_001 - 50_000


# ---- rule 19: cover by event type ---------------------------------------------------------------------


def malicious_bi() -> Any:
    return policy(
        {
            "business_interruption": {
                "sublimit": 100_000,
                "retention": 5_000,
                "event_types": ["ransomware", "malware", "denial_of_service"],
            },
            "data_restoration": {"sublimit": 100_000},
        },
        aggregate=150_000,
    )


@NUMERICS
def test_a_loss_from_an_event_type_the_coverage_does_not_list_is_excluded(numeric: str) -> None:
    t = table(
        [BI, DR],
        [[80_000, 20_000], [80_000, 20_000], [80_000, 20_000]],
        event_type=[EventType.SYSTEM_FAILURE, EventType.RANSOMWARE, EventType.HUMAN_ERROR],
        numeric=numeric,
    )
    result = apply_terms(t, CompiledTerms.from_policy(malicious_bi(), numeric), trace=True)  # type: ignore[arg-type]
    # BI answers ransomware only here; DR answers every type. The excluded BI losses erode nothing, so the
    # ransomware BI gets its full 75,000 and the aggregate 150,000 − 20,000 − 95,000 leaves DR 20,000 last.
    assert values(result.payable) == [[0, 20_000], [75_000, 20_000], [0, 20_000]]
    assert result.trace is not None
    assert values(result.trace[Step.EXCLUSIONS]) == [[0, 20_000], [80_000, 20_000], [0, 20_000]]


def test_without_event_types_every_type_is_answered_and_the_table_may_omit_them() -> None:
    p = policy({"data_restoration": {"sublimit": 100_000}})
    t = table([BI, DR], [[20_000, 20_000]], event_type=[EventType.HUMAN_ERROR])
    assert values(pay(p, t)) == [[20_000]]
    terms = CompiledTerms.from_policy(p)
    assert terms.answers.shape == (1, len(EventType)) and terms.not_answered(np.array([0])) is None
    # a table without event types: the policy's list cannot act
    assert values(pay(malicious_bi(), replace(t, event_type=None))) == [[15_000, 20_000]]


def test_event_type_codes_are_checked() -> None:
    with pytest.raises(ValueError, match="event_type"):
        LossTable((DR,), np.zeros(1, dtype=np.int64), np.zeros(1), np.ones((1, 1)), event_type=np.array([99]))


# ---- rule 20: attribution under review ------------------------------------------------------------------


@NUMERICS
def test_under_review_events_are_paid_and_reported_apart(numeric: str) -> None:
    p = policy({"incident_response": {"sublimit": 100_000}, "legal": {"sublimit": 100_000}}, aggregate=120_000)
    # rows out of time order: row 1 happened first and is under review; it pays 90,000 (prudent view) and
    # erodes the aggregate, so row 0 gets the 30,000 left
    t = table(
        [IR, LEGAL],
        [[50_000, 0], [60_000, 30_000]],
        time=[0.5, 0.1],
        under_review=[False, True],
        numeric=numeric,
    )
    result = apply_terms(t, CompiledTerms.from_policy(p, numeric))  # type: ignore[arg-type]
    assert values(result.payable) == [[30_000, 0], [60_000, 30_000]]
    assert result.under_review_payable is not None
    assert [float(x) for x in result.under_review_payable] == [0, 90_000]
    assert all(isinstance(x, Decimal) for x in result.under_review_payable) or numeric == "float"
    assert result.incident_retention is None  # per_coverage


def test_no_under_review_column_reports_nothing_apart() -> None:
    p = policy({"legal": {"sublimit": 100_000}})
    assert apply_terms(table([LEGAL], [[1.0]]), CompiledTerms.from_policy(p)).under_review_payable is None


# ---- compact results ------------------------------------------------------------------------------------


def test_compact_keeps_only_the_covered_columns_the_table_holds_in_policy_order() -> None:
    p = policy(
        {
            "incident_response": {"sublimit": 100_000, "retention": 1_000},
            "data_restoration": {"sublimit": 100_000},
            "business_interruption": {"sublimit": 100_000, "waiting_period_hours": 12},
            "legal": {"sublimit": 100_000},
        }
    )
    # the table: legal, BI (money only), an uncovered coverage; rows out of time order
    t = table([LEGAL, PRIV, BI], [[10_000, 5_000, 7_000], [20_000, 0, 0]], time=[0.9, 0.2])
    terms = CompiledTerms.from_policy(p)
    full = apply_terms(t, terms, trace=True)
    compact = apply_terms(t, terms, trace=True, compact=True)
    assert full.coverages == (IR, DR, BI, LEGAL) and compact.coverages == (BI, LEGAL)
    assert values(compact.payable) == [[7_000, 10_000], [0, 20_000]]
    assert values(full.payable[:, [2, 3]]) == values(compact.payable)
    assert compact.trace is not None and full.trace is not None
    assert all(values(compact.trace[s]) == values(full.trace[s][:, [2, 3]]) for s in Step)
    assert compact.money_only_time_element.tolist() == [True, False]

"""Case reserves per claim stage, computed by hand for an incident under the example SME policy.

The incident: ransomware at an SME (examples/policies/sme-standalone-cny.yaml, CN), a 20-hour outage losing
CNY 5,000 an hour, 1,000 personal-information records exposed, a CNY 500,000 ransom demanded (fiat, consent,
police report). Unit costs: src/cyberins/reserving/data/reserve_costs.yaml.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Coverage, Jurisdiction
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model, parse_model
from cyberins.reserving import ClaimStage, case_reserve, load_unit_costs
from cyberins.reserving.reserves import ReserveBasis
from tests.claims.helpers import INCIDENTS, policy

BI, EXT, IR, PRIV = (
    Coverage.BUSINESS_INTERRUPTION,
    Coverage.CYBER_EXTORTION,
    Coverage.INCIDENT_RESPONSE,
    Coverage.PRIVACY_LIABILITY,
)


def incident(**extra: Any) -> Incident:
    data: dict[str, Any] = {
        "policy_number": "CY-SME-2026-0001",
        "event_types": ["ransomware"],
        "occurred_at": "2026-08-10T02:00:00+08:00",
        "discovered_at": "2026-08-10T06:00:00+08:00",
        "reported_at": "2026-08-10T09:00:00+08:00",
        "outages": [{"system": "erp", "start": "2026-08-10T02:00:00+08:00", "end": "2026-08-10T22:00:00+08:00"}],
        "financials": {"hourly_gross_profit": 5000},
        "records_affected": {"personal_information": 1000},
        "ransom": {"demanded": 500000, "currency_kind": "fiat", "insurer_consent": True, "police_report": True},
    }
    return parse_model(Incident, data | extra)


SME = policy("sme")

# Before adjustment, by hand (SME policy: retentions 10,000, privacy 20,000; BI 12 h time retention):
#   BI        (20 h - 12 h) × 5,000 = 40,000 - 10,000                                   =  30,000.00
#   extortion ransom 500,000 × 0.40 paid × 0.35 settled = 70,000 - 10,000               =  60,000.00
#   response  1.0 × 260,000 × e^(0.8²/2) × (1000/1000)^0.59 × 0.4 (CN)
#             = 260,000 × 1.3771278 × 0.4 = 143,221.29 - 10,000                         = 133,221.29
#   privacy   0.5 × 220,000 × e^(1.2²/2) × 0.15 = 110,000 × 2.0544332 × 0.15
#             = 33,898.15 - 20,000                                                      =  13,898.15
#   legal, PR, regulatory defence: estimated, but the SME policy does not buy them      =       0
#   total                                                                                 237,119.44
ESTIMATE = Decimal("237119.44")


def test_reported_claim_is_reserved_at_the_estimate() -> None:
    r = case_reserve(incident(), SME, "reported")
    assert r.basis is ReserveBasis.ESTIMATE
    assert r.payable_by_coverage == {
        BI: Decimal("30000.00"),
        EXT: Decimal("60000.00"),
        IR: Decimal("133221.29"),
        PRIV: Decimal("13898.15"),
        Coverage.PUBLIC_RELATIONS: Decimal("0.00"),
        Coverage.LEGAL: Decimal("0.00"),
        Coverage.REGULATORY_DEFENCE: Decimal("0.00"),
    }
    assert r.expected_payable == r.case_reserve == r.incurred == ESTIMATE
    estimated = {(e.coverage, e.source): e.amount for e in r.estimates}
    assert estimated[(IR, "records_affected")] == Decimal("143221.29")
    assert estimated[(PRIV, "records_affected")] == Decimal("33898.15")
    assert estimated[(EXT, "ransom.demanded")] == Decimal("70000.00")


def test_an_invoice_replaces_the_estimate_of_its_coverage() -> None:
    # Forensics invoiced at 50,000: response pays 40,000 instead of the estimated 133,221.29.
    costs = [{"category": "forensics", "amount": 50000}]
    r = case_reserve(incident(costs=costs), SME, ClaimStage.FORENSICS_SUBMITTED, Decimal(10000))
    assert r.expected_payable == Decimal("30000.00") + Decimal("60000.00") + Decimal("40000.00") + Decimal("13898.15")
    assert r.case_reserve == r.expected_payable - Decimal(10000) and r.incurred == r.expected_payable
    assert IR not in {e.coverage for e in r.estimates}


@pytest.mark.parametrize(
    ("stage", "paid", "reserve"),
    [
        ("loss_adjusted", "0", "70000.00"),  # BI 30,000 + response 40,000: no ransom paid, no third party
        ("settled", "25000", "45000.00"),
        ("paid", "70000", "0.00"),
        ("paid", "80000", "0.00"),  # never negative
    ],
)
def test_after_adjustment_the_reserve_is_payable_less_paid(stage: str, paid: str, reserve: str) -> None:
    adjusted = incident(costs=[{"category": "forensics", "amount": 50000}], ransom=None)
    r = case_reserve(adjusted, SME, stage, Decimal(paid))
    assert r.basis is ReserveBasis.ADJUSTED and r.expected_payable == Decimal("70000.00")
    assert r.case_reserve == Decimal(reserve) and r.incurred == Decimal(paid) + Decimal(reserve)
    assert r.estimates == ()  # records are never estimated after adjustment (rule 4)


@pytest.mark.parametrize("stage", [ClaimStage.CLOSED, ClaimStage.DENIED])
def test_closed_or_denied_claims_hold_nothing(stage: ClaimStage) -> None:
    r = case_reserve(incident(), SME, stage, Decimal("70000"))
    assert (r.basis, r.case_reserve, r.incurred) == (ReserveBasis.NIL, Decimal("0.00"), Decimal("70000.00"))
    assert r.to_json()["case_reserve"] == "0.00"


def test_a_reopened_claim_is_estimated_again() -> None:
    r = case_reserve(incident(), SME, "reopened", Decimal("100000"))
    assert r.basis is ReserveBasis.ESTIMATE and r.case_reserve == ESTIMATE - Decimal(100000)


def test_example_incident_reserves_its_open_liability_claim_before_adjustment() -> None:
    # examples/incidents/pi-breach-regulatory-fine-cn.yaml settles at CNY 1,570,000 (docs/claims.md); one
    # privacy claim (500,000 claimed) is still open. Its retention is already taken by the defence costs and
    # the sublimit has room, so before adjustment it adds 500,000: 2,070,000.
    example = load_model(Incident, INCIDENTS / "pi-breach-regulatory-fine-cn.yaml")
    ent = policy("ent")
    before = case_reserve(example, ent, "coverage_decided")
    assert before.expected_payable == Decimal("2070000.00")
    assert [(e.source, e.amount) for e in before.estimates] == [("third_party_claims[1]", Decimal("500000"))]
    after = case_reserve(example, ent, "loss_adjusted", Decimal("570000"))
    assert (after.expected_payable, after.case_reserve) == (Decimal("1570000.00"), Decimal("1000000.00"))


def test_bad_stage_and_paid_are_named() -> None:
    with pytest.raises(InvalidInput) as exc:
        case_reserve(incident(), SME, "settling")
    assert exc.value.problems[0].field == "stage"
    with pytest.raises(InvalidInput) as exc:
        case_reserve(incident(), SME, "reported", Decimal(-1))
    assert exc.value.problems[0].field == "paid"


def test_usd_policy_converts_the_unit_costs() -> None:
    units = load_unit_costs()
    rate = next(r for r in units.costs if r.coverage is IR)
    records = incident().records_affected
    # 260,000 × e^0.32 = 358,053.22 CNY at 1,000 records, INTL (no multiplier), / 7.2 = 49,729.61 USD
    assert units.expected(rate, records, Jurisdiction.INTL, "USD") == Decimal("49729.61")
    with pytest.raises(InvalidInput, match="JPY"):
        units.expected(rate, records, Jurisdiction.INTL, "JPY")


def test_unit_costs_agree_with_the_assessor_calibration() -> None:
    from cyberins.assess import load_calibration

    cal, units = load_calibration(), load_unit_costs()
    bc = cal.breach_costs
    by_coverage = {c.coverage: c for c in bc.costs.values()}
    assert {r.coverage for r in units.costs} == set(by_coverage)
    for r in units.costs:
        spec = by_coverage[r.coverage]
        assert (float(r.probability), float(r.median), float(r.sigma)) == (spec.probability, spec.median, spec.sigma)
        assert (
            float(units.multipliers[Jurisdiction.CN][r.coverage])
            == cal.jurisdictions["CN"].coverage_multipliers[r.coverage]
        )
    assert float(units.exponent) == bc.records_exponent and float(units.reference_records) == cal.reference.records
    assert {k: float(v) for k, v in units.weights.items()} == {
        k: w for k, w in ((k.value, w) for k, w in bc.weights.items()) if k in units.weights
    }
    ransom = cal.event_types["ransomware"].ransom
    assert ransom is not None
    assert float(units.ransom_paid_probability) == ransom.paid_probability
    assert float(units.ransom_settlement_ratio) == ransom.settlement_ratio
    assert all(math.isclose(float(units.fx_to_cny[k]), f.value) for k, f in cal.fx_to_cny.items())


def test_json_shape() -> None:
    doc = case_reserve(incident(), SME, "reported").to_json()
    assert doc["stage"] == "reported" and doc["basis"] == "estimate" and doc["incurred"] == str(ESTIMATE)
    assert doc["payable_by_coverage"]["incident_response"] == "133221.29"

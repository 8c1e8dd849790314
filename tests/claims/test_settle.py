"""Settlement through the terms engine: rules 1, 11, 12; the statement's arithmetic; the JSON contract."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cyberins.claims import ClaimAdjustment, adjust_claim
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Coverage
from cyberins.model.incident import Incident
from cyberins.model.loading import parse_model
from tests.claims.helpers import DR, IR, D, adjust, incident, incident_data, policy, policy_data

RANSOMWARE = {
    "event_types": ["ransomware"],
    "outages": [
        {
            "system": "erp",
            "start": "2026-09-02T06:00:00+08:00",
            "end": "2026-09-04T06:00:00+08:00",
            "revenue_share": 0.6,
        }
    ],
    "financials": {"hourly_gross_profit": 8000, "extra_expense": 30000},
    "ransom": {"paid": 100000, "currency_kind": "virtual", "insurer_consent": True, "police_report": True},
    "costs": [
        {"category": "forensics", "amount": 185000},
        {"category": "restoration", "amount": 240000},
        {"category": "negotiation", "amount": 60000, "insurer_consent": True},
        {"category": "defence", "coverage": "privacy_liability", "amount": 40000},
    ],
    "third_party_claims": [{"coverage": "privacy_liability", "amount_claimed": 400000, "amount_settled": 150000}],
}


def check_statement(result: ClaimAdjustment) -> None:
    """Per coverage the lines chain from the claimed amount to the payable, each deducting before − after."""
    for cov in result.payable:
        lines = [line for line in result.statement if line.coverage is cov]
        amount = result.claimed[cov]
        for line in lines:
            assert line.amount_before == amount and line.deducted == line.amount_before - line.amount_after
            assert line.deducted != 0
            amount = line.amount_after
        assert amount == result.payable[cov], cov


def test_statement_chains_from_claimed_to_payable() -> None:
    result = adjust(**RANSOMWARE)
    check_statement(result)
    assert result.total_payable == sum(result.payable.values(), Decimal(0))
    assert all(result.payable[c] <= result.adjusted_loss[c] for c in result.payable)


def test_rule_1_coverages_erode_the_aggregate_in_policy_order() -> None:
    """SME aggregate 2,000,000, of which 1,900,000 was already paid this year (data restoration 400,000,
    business interruption 1,500,000). Incident response is listed first in the policy and takes what is left;
    data restoration comes second and gets nothing."""
    prior = {DR: D(400000), Coverage.BUSINESS_INTERRUPTION: D(1500000)}
    result = adjust(
        prior_paid=prior,
        costs=[{"category": "forensics", "amount": 185000}, {"category": "restoration", "amount": 240000}],
    )
    # Remaining aggregate: 2,000,000 − 1,900,000 = 100,000. IR (first) 175,000 → 100,000; DR: its sublimit has
    # 100,000 left (500,000 − 400,000) and 230,000 claimed after retention → 100,000, then aggregate → 0.
    assert result.payable[IR] == D(100000) and result.payable[DR] == 0
    assert result.total_payable == D(100000)
    assert "limit_exhausted" in [r.code for r in result.decision[DR].reasons]
    check_statement(result)


def test_rule_11_prior_paid_erodes_the_sublimit() -> None:
    """IR sublimit 500,000 with 480,000 paid leaves 20,000 of the 50,000 due."""
    result = adjust(prior_paid={IR: D(480000)})
    assert result.payable[IR] == D(20000)
    assert [line.step for line in result.statement] == ["retention", "sublimit"]


def test_rule_11_prior_paid_on_a_coverage_the_policy_lacks_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        adjust(prior_paid={Coverage.LEGAL: D(1)})
    assert err.value.problems[0].field == "prior_paid.legal"


def test_rule_12_policy_numbers_must_match() -> None:
    with pytest.raises(InvalidInput) as err:
        adjust_claim(incident(policy_number="CY-OTHER"), policy("sme"))
    assert err.value.problems[0].field == "policy_number"
    assert adjust_claim(incident(policy_number="CY-SME-2026-0001"), policy("sme")).total_payable == D(50000)
    assert adjust_claim(incident(), policy("sme")).total_payable == D(50000)  # optional with a policy given


def test_rule_12_embedded_policy() -> None:
    embedded = parse_model(Incident, incident_data(policy=policy_data("sme"), policy_number="CY-SME-2026-0001"))
    assert adjust_claim(embedded).total_payable == D(50000)
    with pytest.raises(InvalidInput) as err:
        adjust_claim(incident())
    assert err.value.problems[0].field == "policy"
    clash = parse_model(Incident, incident_data(policy=policy_data("sme"), policy_number="CY-X"))
    with pytest.raises(InvalidInput) as err:
        adjust_claim(clash)
    assert err.value.problems[0].field == "policy_number"


def test_amounts_quantized_to_the_minor_unit_and_json_contract() -> None:
    costs = [{"category": "forensics", "amount": "10000.005"}, {"category": "forensics", "amount": "10000.004"}]
    result = adjust(costs=costs)
    doc = result.to_json()
    # 20,000.009 − 10,000 = 10,000.009 → 10,000.01 (half up at the cent)
    assert doc["payable"]["incident_response"] == "10000.01"
    assert doc["adjusted_loss"]["incident_response"] == "20000.01"
    assert {"currency", "decision", "adjusted_loss", "payable", "total_payable", "statement"} <= set(doc)
    assert Decimal(doc["total_payable"]) == sum(map(Decimal, doc["payable"].values()), Decimal(0))
    line = doc["statement"][0]
    assert {"coverage", "step", "amount_before", "amount_after", "deducted", "rule", "text_zh", "text_en"} <= set(line)
    reason = doc["decision"]["incident_response"]["reasons"][0]
    assert set(reason) == {"code", "clause", "text_zh", "text_en", "cite_zh", "cite_en"}


def test_exclusion_line_in_the_statement() -> None:
    result = adjust(attribution={"war": True})
    (line,) = result.statement
    assert (line.step, line.code, line.amount_before, line.amount_after) == ("exclusions", "war", D(60000), D(0))
    assert "rule 9" in line.rule  # for developers and the JSON
    assert (line.cite_zh, line.cite_en) == ("除外责任：战争", "Exclusion: war")  # what the claimant reads


def test_engine_result_matches_settle_scenario() -> None:
    """The claim path and the scenario path run the same engine: the same losses give the same payable."""
    from cyberins.model.scenario import LossScenario
    from cyberins.terms import settle_scenario

    result = adjust(**{**RANSOMWARE, "ransom": None})
    scenario = LossScenario.model_validate(
        {
            "currency": "CNY",
            "event_type": "ransomware",
            "losses": {
                "business_interruption": 30000,
                "incident_response": 185000,
                "data_restoration": 240000,
                "cyber_extortion": 60000,
                "privacy_liability": 150000,
            },
            "defence": {"privacy_liability": 40000},
            "outages": [{"coverage": "business_interruption", "start_h": 0, "end_h": 48, "per_hour": 4800}],
        }
    )
    expected = settle_scenario(policy("sme"), scenario)
    assert {line.coverage: line.payable for line in expected.lines} == {
        c: v for c, v in result.payable.items() if v or c in {line.coverage for line in expected.lines}
    }


def test_rounding_never_lets_the_lines_exceed_the_aggregate() -> None:
    """SME aggregate 2,000,000 with 1,979,999.99 paid leaves 20,000.01. IR and DR each pay 20,000.005 − 10,000
    = 10,000.005 exactly, 20,000.01 together: the aggregate just holds. Rounded alone each would be 10,000.01
    (20,000.02 in all); in the policy's order IR keeps 10,000.01 and DR gets the 10,000.00 left (rules 1, 11)."""
    costs = [{"category": "forensics", "amount": "20000.005"}, {"category": "restoration", "amount": "20000.005"}]
    result = adjust(prior_paid={Coverage.BUSINESS_INTERRUPTION: D("1979999.99")}, costs=costs)
    assert (result.payable[IR], result.payable[DR]) == (D("10000.01"), D("10000.00"))
    assert result.total_payable == D("20000.01")
    assert [(line.step, line.deducted) for line in result.statement if line.coverage is DR][-1] == (
        "rounding",
        D("0.01"),
    )
    check_statement(result)

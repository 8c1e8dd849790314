"""Claims under the wording options: cover by event type (rule 19), one retention per incident (rule 5) and
the statement that cites them in the reader's words; the scenario path agrees (rules 1, 16)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cyberins.claims import ClaimAdjustment, Status
from cyberins.model.scenario import LossScenario
from cyberins.report import render_statement_html
from cyberins.terms import settle_scenario
from tests.claims.helpers import BI, DR, IR, D, adjust, policy

SMP_TIMES = {
    "occurred_at": "2026-06-09T23:10:00+08:00",
    "discovered_at": "2026-06-10T06:00:00+08:00",
    "reported_at": "2026-06-10T15:00:00+08:00",
}
OUTAGE = [{"system": "mes", "start": "2026-06-10T00:00:00+08:00", "end": "2026-06-11T06:00:00+08:00"}]


def smp_claim(event_types: list[str], **changes: object) -> ClaimAdjustment:
    """A 30-hour outage at 6,000 an hour, 25,000 forensics, 60,000 restoration under the SME package."""
    data = {
        "event_types": event_types,
        **SMP_TIMES,
        "outages": OUTAGE,
        "financials": {"hourly_gross_profit": 6000},
        "costs": [{"category": "forensics", "amount": 25000}, {"category": "restoration", "amount": 60000}],
        **changes,
    }
    return adjust("smp", **data)


def test_rule_19_a_coverage_answers_only_the_event_types_it_lists() -> None:
    result = smp_claim(["system_failure", "human_error"])
    decision = result.decision[BI]
    assert decision.status is Status.EXCLUDED
    (why,) = decision.reasons
    assert (why.code, why.clause) == ("event_type_not_covered", "policy.coverages.business_interruption.event_types")
    assert "勒索软件事件" in why.text_zh and "（软硬件失效事件、人员错误疏漏事件）" in why.text_zh
    assert "Ransomware" in why.text_en and "System failure, Human error" in why.text_en
    (line,) = [x for x in result.statement if x.coverage is BI]
    assert (line.step, line.code, line.amount_before, line.amount_after) == (
        "exclusions",
        "event_type_not_covered",
        D(180000),
        D(0),
    )


def test_rule_19_an_incident_of_several_types_is_answered_when_any_is_listed() -> None:
    result = smp_claim(["system_failure", "ransomware"])
    assert result.decision[BI].status is Status.COVERED
    # BI 30 h × 6,000 = 180,000 − 8 h × 6,000 = 132,000; the one retention is BI's 50,000, taken from IR
    # (25,000) then DR (25,000): IR 0, DR 35,000, BI 132,000
    assert {c: v for c, v in result.payable.items() if v or c in (IR, DR)} == {IR: 0, DR: 35000, BI: 132000}


def test_rule_19_other_exclusions_are_listed_after_the_event_type() -> None:
    result = smp_claim(["human_error"], attribution={"war": True})
    assert [r.code for r in result.decision[BI].reasons] == ["event_type_not_covered", "war"]
    assert [r.code for r in result.decision[DR].reasons] == ["war"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rule_5_the_statement_cites_the_policy_clause_not_a_rule_number(lang: str) -> None:
    result = smp_claim(["ransomware"])
    retention = [x for x in result.statement if x.step == "retention"]
    # one retention of 50,000 (BI's, the highest reached): 25,000 from IR, 25,000 from DR, nothing left for BI
    assert [(x.coverage, x.deducted) for x in retention] == [(IR, D(25000)), (DR, D(25000))]
    for line in retention:
        assert line.rule == "policy.retention_basis: per_incident"
        # the clause (one retention, the highest, its amount) shows once, as the citation; the text says how
        # it is taken
        assert "CNY 50,000.00" in line.cite_en and "CNY 50,000.00" in line.cite_zh
        assert "最高" in line.cite_zh and "highest" in line.cite_en
        assert "顺序" in line.text_zh and "order the policy lists" in line.text_en
    assert [r.code for r in result.decision[IR].reasons][-1] == "within_incident_retention"
    page = render_statement_html(result, "zh" if lang == "zh" else "en")
    # The claimant reads the policy's retention clause, not the field name or the design rule.
    assert ("免赔额条款" if lang == "zh" else "Retention clause") in page
    assert "policy.retention_basis" not in page and "rule 5" not in page and "rules 1, 5" not in page
    assert ("仅适用最高一项免赔额" if lang == "zh" else "one retention per incident, the highest") in page


def test_the_scenario_path_applies_the_same_cover_by_event_type() -> None:
    """`policy apply` fills the engine's event-type column from the scenario; the claim path excludes through
    the coverage decision: both pay the same (examples/incidents/system-failure-bi-not-covered.yaml)."""
    scenario = LossScenario.model_validate(
        {
            "currency": "CNY",
            "event_type": "system_failure",
            "losses": {"incident_response": 25000, "data_restoration": 60000, "business_interruption": 15000},
            "outages": [{"start_h": 0, "end_h": 30, "per_hour": 6000}],
        }
    )
    settled = settle_scenario(policy("smp"), scenario)
    claim = smp_claim(["system_failure"], financials={"hourly_gross_profit": 6000, "extra_expense": 15000})
    assert {line.coverage: line.payable for line in settled.lines} == {IR: 0, DR: 55000, BI: 0}
    assert all(claim.payable[line.coverage] == line.payable for line in settled.lines)
    assert settled.total_payable == D(55000) == claim.total_payable
    ransomware = settle_scenario(policy("smp"), scenario.model_copy(update={"event_type": "ransomware"}))
    # BI answered: 30 h × 6,000 − 8 h × 6,000 + 15,000 = 147,000; one retention 50,000: IR 0, DR 35,000
    assert [line.payable for line in ransomware.lines] == [Decimal(0), D(35000), D(147000)]

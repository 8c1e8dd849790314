"""Pre-bind remediation: every declining rule names what clears it, at what cost, and the risk once done."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from cyberins.assess import OrganizationProfile, Outcome, candidate_controls, check_eligibility, plan_remediation
from cyberins.assess.eligibility import Fix, Rule, load_rules

BASE = {"name": "Demo", "industry": "manufacturing", "annual_revenue": 30_000_000, "employees": 80}


def test_exposed_remote_access_without_mfa_is_cleared_by_mfa_at_its_candidate_cost() -> None:
    p = OrganizationProfile(**BASE, controls={"mfa": False}, exposure={"rdp_exposed": True})
    assert check_eligibility(p).outcome is Outcome.DECLINE
    plan = plan_remediation(p)
    assert plan is not None
    assert [s.rule_id for s in plan.steps] == ["no_mfa_exposed_remote_access"]
    assert plan.controls == ("mfa",)
    mfa_cost = next(c.annual_cost for c in candidate_controls(p) if c.control_id == "mfa")
    assert plan.steps[0].annual_cost == mfa_cost == plan.annual_cost
    assert plan.clears and plan.eligibility.outcome is not Outcome.DECLINE
    assert plan.profile.controls["mfa"] is True


def test_a_referral_plan_answers_the_referrals_that_carry_a_remedy_and_leaves_the_rest() -> None:
    """A risk only referred (MFA on, RDP exposed, two ransomware incidents): the default plan (declines, as a
    quote states them) has nothing to do; the REFER plan closes RDP and leaves the repeated-incident referral,
    which no remedy answers."""
    incidents = [
        {"event_type": "ransomware", "year": 2024, "loss": 100_000},
        {"event_type": "ransomware", "year": 2025, "loss": 50_000},
    ]
    p = OrganizationProfile(
        **BASE, mlps_level=3, controls={"mfa": True}, exposure={"rdp_exposed": True}, incidents=incidents
    )
    assert check_eligibility(p).outcome is Outcome.REFER and plan_remediation(p) is None
    plan = plan_remediation(p, None, Outcome.REFER)
    assert plan is not None
    assert [(s.rule_id, s.outcome) for s in plan.steps] == [("rdp_exposed", Outcome.REFER)]
    assert plan.steps[0].fixes == (Fix.CLOSE_RDP,) and not plan.profile.exposure.rdp_exposed
    assert [r.rule_id for r in plan.eligibility.reasons] == ["repeated_ransomware"]


def test_kev_is_cleared_by_patching_which_has_no_cost_estimate() -> None:
    vulns = [{"cve": "CVE-2023-4966", "kev": True}, {"cve": "CVE-2021-0001", "kev": False}]
    p = OrganizationProfile(**BASE, controls={"mfa": True}, exposure={"vulnerabilities": vulns})
    plan = plan_remediation(p)
    assert plan is not None
    step = plan.steps[0]
    assert step.rule_id == "kev_unremediated" and step.fixes == (Fix.PATCH_KEV,) and step.controls == ()
    assert step.annual_cost is None and plan.annual_cost is None
    assert plan.clears
    after = {v.cve: v.remediated for v in plan.profile.exposure.vulnerabilities}
    assert after == {"CVE-2023-4966": True, "CVE-2021-0001": False}  # only the KEV entry is patched


def test_two_declines_are_planned_in_the_baseline_order_and_a_shared_control_is_bought_once() -> None:
    vulns = [{"cve": "CVE-2023-4966", "kev": True}]
    p = OrganizationProfile(**BASE, controls={"mfa": False}, exposure={"rdp_exposed": True, "vulnerabilities": vulns})
    plan = plan_remediation(p)
    assert plan is not None
    order = [r.id for r in load_rules().rules if r.outcome is Outcome.DECLINE]
    assert [s.rule_id for s in plan.steps] == [r for r in order if r in {s.rule_id for s in plan.steps}]
    assert {s.rule_id for s in plan.steps} == {"kev_unremediated", "no_mfa_exposed_remote_access"}
    assert plan.clears and plan.annual_cost is None  # the patching has no cost estimate


def test_nothing_declined_needs_no_plan() -> None:
    assert plan_remediation(OrganizationProfile(**BASE, controls={"mfa": True})) is None


def test_a_declining_rule_must_say_what_clears_it() -> None:
    with pytest.raises(ValidationError, match="needs a remedy"):
        Rule.model_validate(
            {
                "id": "x",
                "outcome": "decline",
                "when": {"rdp_exposed": True},
                "reason_text": {"zh": "某理由", "en": "a reason"},
                "assumption": True,
                "reason": "test",
            }
        )


def test_every_packaged_declining_rule_is_cleared_by_its_own_remedy() -> None:
    """Each declining rule's remedy, applied to a profile that fires just that rule, lifts the decline."""
    cases = {
        "kev_unremediated": {
            "controls": {"mfa": True}, "exposure": {"vulnerabilities": [{"cve": "CVE-2023-4966", "kev": True}]},
        },
        "no_mfa_exposed_remote_access": {"controls": {"mfa": False}, "exposure": {"rdp_exposed": True}},
    }  # fmt: skip
    declining = {r.id for r in load_rules().rules if r.outcome is Outcome.DECLINE}
    assert declining == set(cases)
    for rule, extra in cases.items():
        p = OrganizationProfile(**BASE, **extra)
        plan = plan_remediation(p)
        assert plan is not None and [s.rule_id for s in plan.steps] == [rule]
        assert plan.clears, rule
        assert Decimal(0) <= (plan.annual_cost or Decimal(0))

"""The eligibility baseline (准入基线): accept, refer with reasons, decline."""

from __future__ import annotations

from cyberins.assess import Outcome, check_eligibility, load_profile
from tests.assess.helpers import EXAMPLE_ORGS, make_profile

STRONG = {"mfa": True, "offline_backups": True, "edr": True}


def rules(**fields: object) -> list[str]:
    return [r.rule_id for r in check_eligibility(make_profile(**fields)).reasons]


def test_a_well_run_firm_is_accepted() -> None:
    result = check_eligibility(make_profile(controls=STRONG, mlps_level=2))
    assert result.outcome is Outcome.ACCEPT and result.reasons == ()


def test_unremediated_kev_declines() -> None:
    vuln = {"cve": "CVE-2024-3400", "kev": True, "remediated": False}
    result = check_eligibility(make_profile(controls=STRONG, mlps_level=2, exposure={"vulnerabilities": [vuln]}))
    assert result.outcome is Outcome.DECLINE
    assert [r.rule_id for r in result.reasons] == ["kev_unremediated"]
    fixed = {**vuln, "remediated": True}
    assert (
        check_eligibility(make_profile(controls=STRONG, mlps_level=2, exposure={"vulnerabilities": [fixed]})).reasons
        == ()
    )


def test_no_mfa_refers_and_exposed_remote_access_without_mfa_declines() -> None:
    no_mfa = {**STRONG, "mfa": False}
    assert rules(controls=no_mfa, mlps_level=2) == ["no_mfa_remote_access"]
    result = check_eligibility(
        make_profile(controls=no_mfa, mlps_level=2, exposure={"vpn_products": [{"product": "fortinet"}]})
    )
    assert result.outcome is Outcome.DECLINE
    assert "no_mfa_exposed_remote_access" in [r.rule_id for r in result.reasons]


def test_mlps_below_the_industry_level_refers() -> None:
    # Banking expects level 3 (catalog); level 2 refers.
    assert "mlps_below_required" in rules(industry="banking", controls=STRONG, mlps_level=2)
    assert "mlps_below_required" not in rules(industry="banking", controls=STRONG, mlps_level=3)


def test_exposed_rdp_unanswered_mfa_and_large_without_edr_refer() -> None:
    assert "rdp_exposed" in rules(controls={**STRONG, "mfa": True}, mlps_level=2, exposure={"rdp_exposed": True})
    assert rules(mlps_level=2, controls={"offline_backups": True}) == ["mfa_unanswered"]
    big = rules(annual_revenue=2_000_000_000, employees=3000, mlps_level=2, controls={**STRONG, "edr": False})
    assert big == ["large_without_edr"]


def test_every_reason_is_bilingual_and_the_examples_decide() -> None:
    outcomes = {}
    for path in EXAMPLE_ORGS:
        result = check_eligibility(load_profile(path))
        outcomes[path.stem] = result.outcome
        for reason in result.reasons:
            assert reason.zh and reason.en and reason.rule_id
    assert outcomes["securities-firm"] is Outcome.ACCEPT
    assert outcomes["sme-manufacturer"] is Outcome.DECLINE

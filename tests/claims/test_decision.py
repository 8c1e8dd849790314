"""The coverage decision (定责): trigger and dates (rule 10), exclusions (rules 1, 9), conditions, rule 16."""

from __future__ import annotations

import pytest

from cyberins.claims import Status
from tests.claims.helpers import BI, DBI, IR, PRIV, D, adjust, codes, policy

# --- rule 10: dates, time zones, triggers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("occurred_at", "status"),
    [
        # The SME period starts 2026-07-01 in Asia/Shanghai: 16:00 UTC on 30 June is midnight there.
        ("2026-06-30T16:00:00+00:00", Status.COVERED),
        ("2026-06-30T15:59:59+00:00", Status.NOT_TRIGGERED),
        ("2026-06-30T23:59:59+08:00", Status.NOT_TRIGGERED),
        # The last day is included (rule 10): 2027-06-30 23:59 Shanghai is inside, midnight is not.
        ("2027-06-30T23:59:00+08:00", Status.COVERED),
        ("2027-06-30T16:00:00+00:00", Status.NOT_TRIGGERED),
    ],
)
def test_rule_10_occurrence_read_in_the_jurisdictions_zone(occurred_at: str, status: Status) -> None:
    result = adjust(occurred_at=occurred_at, discovered_at=occurred_at, reported_at=occurred_at)
    assert result.decision[IR].status is status
    expected = "occurrence_in_period" if status is Status.COVERED else "occurrence_outside_period"
    assert expected in codes(result, IR)


def test_rule_10_policy_timezone_overrides_the_jurisdiction() -> None:
    """The US policy names America/New_York: its period starts 2026-09-01 04:00 UTC (EDT, UTC-4)."""
    before = "2026-09-01T03:59:00+00:00"
    inside = "2026-09-01T04:00:00+00:00"
    late = adjust("us", occurred_at=before, discovered_at=before, reported_at=before)
    assert late.decision[IR].status is Status.NOT_TRIGGERED
    assert "claim_made_outside_period" in codes(late, IR)
    ok = adjust("us", occurred_at=before, discovered_at=inside, reported_at=inside)
    assert ok.decision[IR].status is Status.COVERED


def test_rule_10_claims_made_first_party_looks_at_discovery_third_party_at_notice() -> None:
    """Discovered in the last hour of the ENT period (2027-03-31, Shanghai), notified the next day."""
    claims = [{"coverage": "privacy_liability", "amount_settled": 900000}]
    result = adjust(
        "ent",
        occurred_at="2027-03-30T10:00:00+08:00",
        discovered_at="2027-03-31T23:00:00+08:00",
        reported_at="2027-04-01T09:00:00+08:00",
        costs=[{"category": "forensics", "amount": 300000, "approved_vendor": True}],
        third_party_claims=claims,
    )
    assert result.decision[IR].status is Status.COVERED
    assert result.decision[PRIV].status is Status.NOT_TRIGGERED
    assert "claim_made_outside_period" in codes(result, PRIV)
    assert result.payable[PRIV] == 0 and result.payable[IR] == D(200000)


def test_rule_10_retroactive_date_in_the_policys_zone() -> None:
    """ENT retro date 2023-04-01 starts at 00:00 Shanghai = 2023-03-31 16:00 UTC."""
    costs = [{"category": "forensics", "amount": 300000, "approved_vendor": True}]
    times = {"discovered_at": "2026-05-01T09:00:00+08:00", "reported_at": "2026-05-02T09:00:00+08:00"}
    before = adjust("ent", occurred_at="2023-03-31T15:59:00+00:00", costs=costs, **times)
    assert before.decision[IR].status is Status.NOT_TRIGGERED
    assert codes(before, IR) == ["before_retroactive_date"]
    on = adjust("ent", occurred_at="2023-03-31T16:00:00+00:00", costs=costs, **times)
    assert on.decision[IR].status is Status.COVERED


def test_rule_10_reporting_deadline_counts_from_discovery() -> None:
    """SME: notice within 30 days of discovery (2026-09-02 06:30 +08:00 → deadline 2026-10-02 06:30)."""
    assert adjust(reported_at="2026-10-02T06:30:00+08:00").decision[IR].status is Status.COVERED
    late = adjust(reported_at="2026-10-01T22:30:01+00:00")  # one second after the deadline, in UTC
    assert late.decision[IR].status is Status.EXCLUDED
    assert codes(late, IR) == ["late_notice"]
    assert late.total_payable == 0


def test_rule_10_reporting_deadline_after_occurrence() -> None:
    deadline = {"days": 30, "after": "occurred_at"}
    pol = policy("sme", trigger={"kind": "occurrence", "reporting_deadline": deadline})
    late = adjust(pol, discovered_at="2026-09-30T00:00:00+08:00", reported_at="2026-10-02T09:00:00+08:00")
    assert late.decision[IR].status is Status.EXCLUDED


# --- rule 9: war and state-backed operations -----------------------------------------------------------


def test_rule_9_war_is_excluded() -> None:
    result = adjust(attribution={"war": True})
    assert result.decision[IR].status is Status.EXCLUDED and codes(result, IR) == ["war"]


@pytest.mark.parametrize(
    ("confidence", "status"),
    [("low", Status.COVERED), ("medium", Status.COVERED), ("high", Status.EXCLUDED)],
)
def test_rule_9_state_backed_needs_the_required_confidence(confidence: str, status: Status) -> None:
    """SME requires `high` (the default): below it the attribution is under review and cover stands."""
    result = adjust(attribution={"state_backed": True, "confidence": confidence})
    assert result.decision[IR].status is status
    if status is Status.COVERED:
        assert "attribution_under_review" in codes(result, IR) and result.under_review
        assert result.payable[IR] == D(50000)
    else:
        assert codes(result, IR) == ["state_backed_cyber_operation"]


def test_rule_9_threshold_comes_from_the_policy() -> None:
    """The US policy requires only `medium`."""
    times = {
        "occurred_at": "2026-10-01T10:00:00-04:00",
        "discovered_at": "2026-10-01T12:00:00-04:00",
        "reported_at": "2026-10-02T10:00:00-04:00",
    }
    result = adjust("us", attribution={"state_backed": True, "confidence": "medium"}, **times)
    assert result.decision[IR].status is Status.EXCLUDED


def test_rule_9_no_exclusion_in_the_policy_no_exclusion() -> None:
    pol = policy("sme", exclusions=["prior_knowledge"])
    assert adjust(pol, attribution={"war": True}).decision[IR].status is Status.COVERED


# --- other exclusions and conditions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ({"prior_knowledge": True}, "prior_knowledge"),
        ({"intentional_act": True}, "intentional_acts"),
        ({"infrastructure_failure": True}, "infrastructure_failure"),
        ({"infrastructure_failure": {"kind": "power", "provider": "State Grid"}}, "infrastructure_failure"),
    ],
)
def test_incident_exclusions_listed_by_the_sme_policy(flag: dict[str, object], code: str) -> None:
    result = adjust(**flag)
    assert result.decision[IR].status is Status.EXCLUDED and codes(result, IR) == [code]
    assert result.total_payable == 0


def test_unencrypted_device_excluded_only_where_listed() -> None:
    """The US policy lists the exclusion, the SME one does not."""
    assert adjust(unencrypted_portable_device=True).decision[IR].status is Status.COVERED
    times = {
        "occurred_at": "2026-10-01T10:00:00-04:00",
        "discovered_at": "2026-10-01T12:00:00-04:00",
        "reported_at": "2026-10-02T10:00:00-04:00",
    }
    us = adjust("us", unencrypted_portable_device=True, **times)
    assert codes(us, IR) == ["unencrypted_portable_devices"]


@pytest.mark.parametrize(("since", "status"), [("2026-08-03", Status.COVERED), ("2026-08-02", Status.EXCLUDED)])
def test_minimum_security_kev_patch_days(since: str, status: Status) -> None:
    """SME allows 30 days: known exploited since 2026-08-03, occurred 2026-09-02 (Shanghai) is 30 days: fine;
    since 2026-08-02 is 31 days: the condition is breached and every coverage is excluded."""
    cause = {"kind": "unpatched_vulnerability", "cve": "CVE-2026-0001", "known_exploited_since": since}
    result = adjust(root_cause=cause)
    assert result.decision[IR].status is status
    if status is Status.EXCLUDED:
        assert codes(result, IR) == ["minimum_security"]


def test_minimum_security_not_a_condition_of_the_policy() -> None:
    cause = {"kind": "unpatched_vulnerability", "known_exploited_since": "2020-01-01"}
    pol = policy("sme", conditions={"ransom_requires_insurer_consent": True})
    assert adjust(pol, root_cause=cause).decision[IR].status is Status.COVERED


# --- rule 16: not purchased, nothing above the retention or the waiting period ---------------------------


def test_rule_16_triggered_but_not_purchased_is_excluded() -> None:
    outage = {
        "system": "crm",
        "coverage": "dependent_business_interruption",
        "start": "2026-09-02T06:00:00+08:00",
        "end": "2026-09-03T06:00:00+08:00",
    }
    result = adjust(outages=[outage], financials={"hourly_gross_profit": 1000})
    assert result.decision[DBI].status is Status.EXCLUDED
    assert codes(result, DBI) == ["not_purchased"]
    assert result.adjusted_loss[DBI] == D(24000) and result.payable[DBI] == 0


def test_rule_16_loss_under_the_retention_is_covered_with_nothing_payable() -> None:
    result = adjust(costs=[{"category": "forensics", "amount": 8000}])
    assert result.decision[IR].status is Status.COVERED
    assert result.payable[IR] == 0 and codes(result, IR)[-1] == "within_retention"


def test_rule_16_loss_inside_the_waiting_period_is_covered_with_nothing_payable() -> None:
    outage = {"system": "web", "start": "2026-09-02T06:00:00+08:00", "end": "2026-09-02T16:00:00+08:00"}
    result = adjust(outages=[outage], financials={"hourly_gross_profit": 3000}, costs=[])
    assert result.decision[BI].status is Status.COVERED
    assert result.adjusted_loss[BI] == D(30000) and result.payable[BI] == 0
    assert codes(result, BI)[-1] == "within_waiting_period"


def test_no_loss_under_a_triggered_coverage_is_not_triggered() -> None:
    result = adjust()
    assert result.decision[PRIV].status is Status.NOT_TRIGGERED
    assert codes(result, PRIV) == ["no_loss"]

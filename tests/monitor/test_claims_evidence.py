"""The monitoring alerts as the claims decision's evidence for `minimum_security.kev_patch_days` (issue 18 §3):
a claim on a policy whose insured left a KEV alert on the exploited asset open past its due date is excluded,
the statement citing the alert in the policy's terms; a fix reported in time lifts the condition. The SME
wording asks for KEV patches within 30 days; the alerts are opened on 2026-07-01, so they are due 2026-07-31,
and the incident occurs on 2026-08-13."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cyberins.claims import KevAlert, adjust_claim
from cyberins.model.incident import Incident
from cyberins.model.policy import Policy
from cyberins.monitor.inventory import read_assets
from cyberins.services import monitoring
from cyberins.services.clock import FixedClock
from tests.monitor.test_monitoring_platform import EXAMPLES, loaded
from tests.platform import conftest as platform
from tests.platform.test_claims_engines import FINDINGS, _report, _to_forensics
from tests.platform.world import World, policy_document

database_url, engine, session = platform.database_url, platform.engine, platform.session
clock, settings, world, client = platform.clock, platform.settings, platform.world, platform.client
__all__ = ["loaded"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = FixedClock(datetime(2026, 7, 1, 10, 0, tzinfo=SHANGHAI))


def _kev_alert(session: Session, world: World) -> Any:
    """Scan insured A on 2026-07-01; its first confirmed KEV alert listed before then."""
    done = monitoring.scan_insured(
        session, world.principal["insured_a"], world.org["insured_a"], read_assets(EXAMPLES / "assets.csv"),
        clock=OPENED,
    )  # fmt: skip
    return next(
        a for a in done.result.alerts
        if a.match == "confirmed" and a.kev.listed and a.kev.date_added is not None
        and a.kev.date_added < date(2026, 7, 1)
    )  # fmt: skip


def _decide(client: TestClient, world: World, root_cause: dict[str, Any]) -> dict[str, Any]:
    incident = _report(client, world, "ransomware through the VPN gateway")
    _to_forensics(client, world, incident, FINDINGS | {"root_cause": root_cause})
    decided = client.post(f"/incidents/{incident}/decide", json={}, headers=world.headers("insurer_a"))
    assert decided.status_code == 200, decided.text
    decision: dict[str, Any] = decided.json()["documents"]["decision"]
    return decision


def _codes(decision: dict[str, Any]) -> dict[str, set[str]]:
    return {c: {r["code"] for r in d["reasons"]} for c, d in decision["coverages"].items()}


def test_an_alert_open_past_its_due_date_on_the_exploited_asset_breaches_the_condition(
    session: Session, loaded: World, client: TestClient
) -> None:
    alert = _kev_alert(session, loaded)
    cause = {"kind": "vulnerability", "cve": alert.cve, "asset": alert.asset.hostname}
    decision = _decide(client, loaded, cause)
    claimed = {c: d for c, d in decision["coverages"].items() if d["status"] != "not_triggered"}
    assert claimed and all(d["status"] == "excluded" for d in claimed.values())
    assert all("minimum_security_alert" in _codes(decision)[c] for c in claimed)
    why = next(r for d in claimed.values() for r in d["reasons"] if r["code"] == "minimum_security_alert")
    for cited in (alert.id, alert.asset.hostname, alert.cve, "2026-07-01", "2026-07-31", "2026-08-13"):
        assert cited in why["text_en"] and cited in why["text_zh"]
    assert "13 days past due" in why["text_en"] and "30 days" in why["text_en"]
    assert why["clause"] == "policy.conditions.minimum_security" and "30" in why["cite_zh"]


def test_a_fix_reported_before_the_due_date_lifts_the_condition(
    session: Session, loaded: World, client: TestClient
) -> None:
    alert = _kev_alert(session, loaded)
    patched = FixedClock(datetime(2026, 7, 20, 9, 0, tzinfo=SHANGHAI))
    monitoring.remediate(session, loaded.principal["insured_a"], alert.id, clock=patched)
    # the file's own statement would breach it (listed long before); the platform's evidence says it was fixed
    cause = {"kind": "vulnerability", "cve": alert.cve, "asset": alert.asset.hostname,
             "known_exploited_since": "2021-01-01"}  # fmt: skip
    decision = _decide(client, loaded, cause)
    assert not any(c & {"minimum_security", "minimum_security_alert"} for c in _codes(decision).values())
    assert any(d["status"] == "covered" for d in decision["coverages"].values())


def test_the_condition_reads_the_alert_on_the_exploited_asset_only(
    session: Session, loaded: World, client: TestClient
) -> None:
    alert = _kev_alert(session, loaded)
    cause = {"kind": "vulnerability", "cve": alert.cve, "asset": "some-other-host"}
    decision = _decide(client, loaded, cause)  # no alert there, no statement by hand: nothing to breach
    assert not any(c & {"minimum_security", "minimum_security_alert"} for c in _codes(decision).values())


def _engine(alerts: list[KevAlert], cause: dict[str, Any]) -> set[str]:
    policy = Policy.model_validate(policy_document("sme-standalone-cny.yaml", "T-A-0001"))
    incident = Incident.model_validate(
        FINDINGS | {"root_cause": cause, "occurred_at": "2026-08-13T09:00:00+08:00",
                    "discovered_at": "2026-08-14T09:00:00+08:00", "reported_at": "2026-08-15T09:00:00+08:00"}
    )  # fmt: skip
    adjustment = adjust_claim(incident, policy, kev_alerts=alerts)
    return {r.code for d in adjustment.decision.values() for r in d.reasons}


def test_the_engine_weighs_only_alerts_opened_by_the_incident_and_not_fixed_or_accepted_then() -> None:
    cause = {"kind": "vulnerability", "cve": "CVE-2024-0001", "asset": "vpn-01", "known_exploited_since": "2024-01-01"}
    late = KevAlert("a1", "vpn-01", "CVE-2024-0001", date(2026, 7, 1), date(2026, 7, 31))
    assert "minimum_security_alert" in _engine([late], cause)
    assert "minimum_security" not in _engine([late], cause)  # the alert, not the file's statement, is cited
    fixed_after = KevAlert("a1", "vpn-01", "CVE-2024-0001", date(2026, 7, 1), date(2026, 7, 31), date(2026, 8, 14))
    assert "minimum_security_alert" in _engine([fixed_after], cause)  # fixed only after the incident
    due_after = KevAlert("a1", "vpn-01", "CVE-2024-0001", date(2026, 8, 1), date(2026, 8, 31))
    assert not _engine([due_after], cause) & {"minimum_security", "minimum_security_alert"}
    accepted = KevAlert("a1", "vpn-01", "CVE-2024-0001", date(2026, 7, 1), date(2026, 7, 31), None, date(2026, 9, 1))
    assert not _engine([accepted], cause) & {"minimum_security", "minimum_security_alert"}
    # opened after the incident: it says nothing of the days before, so the file's statement is read
    opened_after = KevAlert("a1", "vpn-01", "CVE-2024-0001", date(2026, 8, 20), date(2026, 9, 19))
    assert "minimum_security" in _engine([opened_after], cause)

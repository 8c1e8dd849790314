"""Monitoring on the platform (issue 18 §3–§4): an insured's inventory stored and scanned against the loaded
feeds, alerts upserted by their stable id (a stored alert keeps its state), the lifecycle, who sees what."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput
from cyberins.monitor.inventory import read_assets
from cyberins.services import monitoring
from cyberins.services.access import Principal
from cyberins.services.clock import FixedClock
from cyberins.services.errors import Conflict, Forbidden, NotFound
from cyberins.services.feeds import load_feeds
from cyberins.store.models import AlertRecord, AssetRecord, AuditEntry
from tests.monitor.test_feeds_load import _cli, installation
from tests.one_language import chinese_in, english_in
from tests.platform import conftest as platform
from tests.platform.world import World

database_url, engine, session = platform.database_url, platform.engine, platform.session
clock, settings, world, client = platform.clock, platform.settings, platform.world, platform.client
__all__ = ["installation"]  # the fixture, shared with the feeds tests
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "monitoring"
SYSTEM = Principal.system_actor()


@pytest.fixture
def loaded(session: Session, world: World) -> World:
    load_feeds(session, SYSTEM, EXAMPLES / "feeds")
    return world


def _scan(session: Session, world: World, clock: FixedClock, path: Path = EXAMPLES / "assets.csv"):  # type: ignore[no-untyped-def]
    return monitoring.scan_insured(
        session, world.principal["insured_a"], world.org["insured_a"], read_assets(path), clock=clock
    )


def test_a_scan_stores_the_inventory_and_opens_alerts_tied_to_the_active_policy(
    session: Session, loaded: World, clock: FixedClock
) -> None:
    done = _scan(session, loaded, clock)
    alerts = done.result.alerts
    assert alerts and {a.state for a in alerts} == {"open"}
    assert {a.insured for a in alerts} == {loaded.org["insured_a"]}
    assert done.policy_id == loaded.ids["policy_a"] and set(done.opened) == {a.id for a in alerts}
    rows = session.scalars(select(AssetRecord).where(AssetRecord.insured_org_id == loaded.org["insured_a"])).all()
    assert len(rows) == len(read_assets(EXAMPLES / "assets.csv").rows)
    stored = monitoring.list_alerts(session, loaded.principal["insurer_a"], loaded.org["insured_a"])
    assert {a.id for a in stored} == {a.id for a in alerts}
    kev = [a for a in alerts if a.kev.listed]
    assert kev and all(a.due_by is not None for a in kev)  # the policy's kev_patch_days give the due dates
    assert monitoring.stored_inventory(session, loaded.org["insured_a"]) == read_assets(EXAMPLES / "assets.csv")


def test_a_rescan_keeps_each_alerts_state_and_opens_nothing_new(
    session: Session, loaded: World, clock: FixedClock
) -> None:
    first = _scan(session, loaded, clock).result.alerts[0]
    monitoring.acknowledge(session, loaded.principal["insured_a"], first.id, clock=clock)
    load_feeds(session, SYSTEM, EXAMPLES / "feeds")  # a feed update: the same alerts
    again = _scan(session, loaded, clock)
    assert again.opened == ()
    assert {a.id: a.state for a in again.result.alerts}[first.id] == "acknowledged"
    assert session.get(AlertRecord, first.id).opened_at == first.opened_at  # type: ignore[union-attr]


def test_the_lifecycle_refuses_bad_moves_and_audits_good_ones(
    session: Session, loaded: World, clock: FixedClock
) -> None:
    alert = _scan(session, loaded, clock).result.alerts[0]
    actor = loaded.principal["insured_a"]
    monitoring.acknowledge(session, actor, alert.id, clock=clock)
    with pytest.raises(Conflict):
        monitoring.acknowledge(session, actor, alert.id, clock=clock)
    monitoring.remediate(session, actor, alert.id, clock=clock)
    with pytest.raises(Conflict):
        monitoring.accept_risk(
            session, actor, alert.id, "too late", clock.now().date() + timedelta(days=30), clock=clock
        )
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == alert.id)).all()
    assert list(actions) == ["alert.open", "alert.acknowledge", "alert.remediate"]


def test_accepting_a_risk_needs_a_reason_and_a_later_expiry(session: Session, loaded: World, clock: FixedClock) -> None:
    alert = _scan(session, loaded, clock).result.alerts[0]
    actor, today = loaded.principal["insured_a"], clock.now().date()
    with pytest.raises(InvalidInput, match="reason"):
        monitoring.accept_risk(session, actor, alert.id, " ", today + timedelta(days=10), clock=clock)
    with pytest.raises(InvalidInput, match="expires"):
        monitoring.accept_risk(session, actor, alert.id, "compensating WAF rule", today, clock=clock)
    row = monitoring.accept_risk(session, actor, alert.id, "compensating WAF rule", today + timedelta(10), clock=clock)
    assert (row.state, row.risk_reason) == ("risk_accepted", "compensating WAF rule")


def test_a_remediated_alert_is_verified_when_the_host_shows_a_fixed_version(
    session: Session, loaded: World, clock: FixedClock, tmp_path: Path
) -> None:
    alerts = _scan(session, loaded, clock).result.alerts
    target = next(a for a in alerts if a.match == "confirmed")
    other = next(a for a in alerts if a.asset != target.asset)
    actor = loaded.principal["insured_a"]
    monitoring.remediate(session, actor, target.id, clock=clock)
    again = _scan(session, loaded, clock, _fixed(tmp_path, target))
    assert target.id in again.verified
    assert session.get(AlertRecord, target.id).state == "verified"  # type: ignore[union-attr]
    assert other.id not in again.verified  # an open alert no longer matched would stay as it is


def _fixed(tmp_path: Path, target: Any) -> Path:
    """The example inventory with `target`'s component upgraded to version 99.0 (a fixed version)."""
    fixed = tmp_path / "assets.csv"
    with (EXAMPLES / "assets.csv").open() as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["hostname"] == target.asset.hostname and row["cpe"] == target.asset.cpe:
            row["version"] = "99.0"
            row["cpe"] = row["cpe"].replace(f":{target.asset.cpe.split(':')[5]}:", ":99.0:", 1)
    with fixed.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return fixed


def test_a_verified_alert_whose_vulnerability_returns_is_reopened_with_a_fresh_due_date(
    session: Session, loaded: World, clock: FixedClock, tmp_path: Path
) -> None:
    alerts = _scan(session, loaded, clock).result.alerts
    target = next(a for a in alerts if a.match == "confirmed" and a.kev.listed)
    actor = loaded.principal["insured_a"]
    monitoring.remediate(session, actor, target.id, clock=clock)
    assert session.get(AlertRecord, target.id).remediated_at == clock.now()  # type: ignore[union-attr]
    assert target.id in _scan(session, loaded, clock, _fixed(tmp_path, target)).verified
    later = FixedClock(clock.now() + timedelta(days=40))  # the old version is back (a restored image)
    back = _scan(session, loaded, later)
    assert back.reopened == (target.id,) and back.opened == ()  # the same alert, not a new one
    assert {a.id: a.state for a in back.result.alerts}[target.id] == "open"
    row = session.get(AlertRecord, target.id)
    assert row is not None and row.state == "open" and row.remediated_at is None
    assert row.opened_at == row.reopened_at == later.now() and row.notified_at is None
    assert row.due_by is not None and row.due_by > target.due_by  # type: ignore[operator]
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == target.id)).all()
    assert list(actions) == ["alert.open", "alert.remediate", "alert.verify", "alert.reopen"]
    assert back.to_json()["reopened"] == [target.id]
    assert _scan(session, loaded, later).reopened == ()  # an open alert stays open: nothing to re-open


def test_overdue_alerts_are_the_open_kev_alerts_past_their_due_date(
    session: Session, loaded: World, clock: FixedClock
) -> None:
    alerts = _scan(session, loaded, clock).result.alerts
    actor = loaded.principal["insurer_a"]
    assert monitoring.overdue_alerts(session, actor, loaded.org["insured_a"], clock.now().date()) == []
    later = date(2030, 1, 1)
    overdue = monitoring.overdue_alerts(session, actor, loaded.org["insured_a"], later)
    assert {a.id for a in overdue} == {a.id for a in alerts if a.kev.listed}
    monitoring.remediate(session, loaded.principal["insured_a"], overdue[0].id, clock=clock)
    assert len(monitoring.overdue_alerts(session, actor, loaded.org["insured_a"], later)) == len(overdue) - 1


def test_only_the_insured_and_its_insurer_and_broker_see_its_alerts(
    session: Session, loaded: World, clock: FixedClock
) -> None:
    alert = _scan(session, loaded, clock).result.alerts[0]
    insured = loaded.org["insured_a"]
    for reader in ("insured_a", "insured_a_viewer", "insurer_a", "broker_a"):
        assert monitoring.list_alerts(session, loaded.principal[reader], insured)
    for stranger in ("insured_b", "insurer_b", "broker_b", "responder_a", "ssp"):
        with pytest.raises(NotFound):
            monitoring.list_alerts(session, loaded.principal[stranger], insured)
        with pytest.raises(NotFound):
            monitoring.acknowledge(session, loaded.principal[stranger], alert.id, clock=clock)
    with pytest.raises(Forbidden):
        monitoring.acknowledge(session, loaded.principal["insured_a_viewer"], alert.id, clock=clock)


def test_a_scan_needs_loaded_feeds(session: Session, world: World, clock: FixedClock) -> None:
    with pytest.raises(InvalidInput, match="no NVD feed"):
        _scan(session, world, clock)


def test_cli_scan_with_insured_stores_alerts_and_keeps_their_states(
    installation: str, session: Session, loaded: World
) -> None:
    insured, assets, feeds = loaded.org["insured_a"], str(EXAMPLES / "assets.csv"), str(EXAMPLES / "feeds")
    code, out, err = _cli(["monitor", "scan", assets, "--feeds", feeds, "--insured", insured, "--json"])
    assert code == 0, err
    alerts = json.loads(out)["alerts"]
    assert alerts and {(a["insured"], a["state"]) for a in alerts} == {(insured, "open")}
    code, out, err = _cli(["monitor", "ack", alerts[0]["id"], "--lang", "en"])
    assert (code, out.strip()) == (0, f"{alerts[0]['id']}: acknowledged"), err
    code, out, _ = _cli(["monitor", "scan", assets, "--feeds", feeds, "--insured", insured, "--json"])
    assert {a["id"]: a["state"] for a in json.loads(out)["alerts"]}[alerts[0]["id"]] == "acknowledged"
    code, out, _ = _cli(["monitor", "alerts", "--insured", insured, "--json"])
    assert {a["id"] for a in json.loads(out)["alerts"]} == {a["id"] for a in alerts}
    code, _, err = _cli(["monitor", "ack", alerts[0]["id"]])
    assert code != 0 and "acknowledged" in err  # a bad move: the state machine refuses it
    # the stored alerts and a move, in the reader's language (zh by default)
    code, out, err = _cli(["monitor", "remediate", alerts[1]["id"]])
    assert (code, out.strip()) == (0, f"{alerts[1]['id']}：已整改"), err
    names = [insured, *(a["id"] for a in alerts), *(a["asset"]["hostname"] for a in alerts)]
    code, zh, err = _cli(["monitor", "alerts", "--insured", insured])
    assert code == 0 and "已确认" in zh and "已整改" in zh and english_in(zh, names) == set(), zh
    code, en, err = _cli(["monitor", "alerts", "--insured", insured, "--lang", "en"])
    assert code == 0 and f"Alerts of {insured}" in en and "remediated" in en and chinese_in(en) == [], en
    code, _, err = _cli(
        ["monitor", "accept-risk", alerts[2]["id"], "--reason", "x", "--expires", "soon", "--lang", "zh"]
    )
    assert code == 2 and "--expires" in err and "不是日期" in err


def test_cli_book_without_book_reads_the_platform_database(installation: str, session: Session, loaded: World) -> None:
    insured = loaded.org["insured_a"]
    _scan(session, loaded, FixedClock(platform.NOW))
    alert = monitoring.list_alerts(session, SYSTEM, insured)[0]
    code, out, err = _cli(["monitor", "book", alert.cve, "--json"])
    assert code == 0, err
    view = json.loads(out)
    assert view["cve"] == alert.cve and set(view) >= {"cve", "insureds", "totals"}
    assert [(i["insured"], i["policy"]) for i in view["insureds"]] == [(insured, "T-A-0001")]
    code, _, err = _cli(["monitor", "book", alert.cve, "--feeds", str(EXAMPLES / "feeds")])
    assert code == 2 and "--feeds" in err


def test_the_api_lists_and_moves_alerts_under_the_access_rules(
    session: Session, loaded: World, clock: FixedClock, client: TestClient
) -> None:
    alert = _scan(session, loaded, clock).result.alerts[0]
    insured = loaded.org["insured_a"]
    listed = client.get(f"/insureds/{insured}/alerts", headers=loaded.headers("broker_a"))
    assert listed.status_code == 200 and alert.id in {a["id"] for a in listed.json()}
    assert {(a["notified_at"], a["remediated_at"], a["reopened_at"]) for a in listed.json()} == {(None, None, None)}
    assert client.get(f"/insureds/{insured}/alerts", headers=loaded.headers("insurer_b")).status_code == 404
    stranger = client.post(f"/alerts/{alert.id}/acknowledge", headers=loaded.headers("insured_b"))
    assert stranger.status_code == 404
    done = client.post(f"/alerts/{alert.id}/acknowledge", headers=loaded.headers("insured_a"))
    assert done.status_code == 200 and done.json()["state"] == "acknowledged"
    again = client.post(f"/alerts/{alert.id}/acknowledge", headers=loaded.headers("insured_a"))
    assert again.status_code == 409
    body = {"reason": "compensating WAF rule", "expires": "2026-12-31"}
    accepted = client.post(f"/alerts/{alert.id}/accept-risk", headers=loaded.headers("insurer_a"), json=body)
    assert accepted.status_code == 200 and accepted.json()["risk_reason"] == "compensating WAF rule"


def _rows() -> list[dict[str, Any]]:
    with (EXAMPLES / "assets.csv").open() as f:
        return [row | {"internet_facing": row["internet_facing"] == "true"} for row in csv.DictReader(f)]


def test_the_api_scans_the_rows_given_then_the_stored_inventory_again(
    session: Session, loaded: World, client: TestClient
) -> None:
    insured, headers = loaded.org["insured_a"], loaded.headers("insurer_a")
    first = client.post(f"/insureds/{insured}/scan", json={"assets": _rows()}, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["insured"] == insured and body["policy_id"] == loaded.ids["policy_a"]
    assert body["opened"] and set(body["opened"]) == {a["id"] for a in body["alerts"]}
    assert len(body["assets"]) == len(_rows()) and body["alerts"][0]["state"] == "open"
    cli_scan = _scan(session, loaded, FixedClock(platform.NOW))  # the same inventory from the CSV file
    assert {a.id for a in cli_scan.result.alerts} == set(body["opened"])
    again = client.post(f"/insureds/{insured}/scan", json={}, headers=loaded.headers("insured_a"))
    assert again.status_code == 200 and again.json()["opened"] == [], again.text
    assert {a["id"] for a in again.json()["alerts"]} == set(body["opened"])


def test_an_api_scan_names_the_bad_row_and_stores_nothing(session: Session, loaded: World, client: TestClient) -> None:
    insured, rows = loaded.org["insured_a"], _rows()
    rows[2]["cpe"] = "cpe:2.3:a:vendor"
    bad = client.post(f"/insureds/{insured}/scan", json={"assets": rows}, headers=loaded.headers("insured_a"))
    assert bad.status_code == 422 and "[2].cpe" in bad.text, bad.text
    none = client.post(f"/insureds/{insured}/scan", json={}, headers=loaded.headers("insured_a"))
    assert none.status_code == 422 and "assets" in none.text  # nothing stored to scan again
    assert session.scalars(select(AssetRecord).where(AssetRecord.insured_org_id == insured)).all() == []


def test_the_feeds_status_shows_each_sources_records_and_provenance(loaded: World, client: TestClient) -> None:
    body = client.get("/feeds", headers=loaded.headers("responder_a")).json()
    by_source = {s["source"]: s for s in body}
    assert by_source["attack"] == {"source": "attack", "records": 0, "loads": []}
    (kev,) = by_source["kev"]["loads"]
    assert kev["file"] == "known_exploited_vulnerabilities.json"  # the name, not the server's folder
    assert by_source["kev"]["records"] == kev["records"] == kev["added"] > 0 and len(kev["sha256"]) == 64
    assert by_source["nvd"]["records"] > 0 and by_source["epss"]["loads"][0]["snapshot_date"] == "2026-08-16"


def test_the_api_queues_a_load_of_the_installations_feeds_folder(
    installation: str, engine: Any, settings: Any, world: World
) -> None:
    from cyberins.api import create_app
    from cyberins.services.queue import InProcessQueue

    configured = settings.model_copy(update={"feeds_dir": EXAMPLES / "feeds"})
    app = create_app(configured, clock=FixedClock(platform.NOW), queue=InProcessQueue())
    with TestClient(app) as client:
        job = client.post("/feeds/load", json={}, headers=world.headers("insurer_a"))
        assert job.status_code == 202 and job.json()["status"] == "finished", job.text
        assert {s["source"] for s in job.json()["result"]["sources"]} == {"kev", "epss", "nvd"}
        again = client.post("/feeds/load", json={}, headers=world.headers("insurer_a")).json()
        assert {(s["added"], s["updated"]) for s in again["result"]["sources"]} == {(0, 0)}
        assert client.post("/feeds/load", json={}, headers=world.headers("insured_a")).status_code == 403

"""`cyberins monitor export-stix` (issue 18): monitoring alerts as a STIX 2.1 bundle, vulnerabilities with their CVE
references, one sighting and one EPSS/KEV note per alert, the same bundle for the same alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import stix2
from typer.testing import CliRunner

from cyberins.cli.monitor import app
from cyberins.exchange.alerts import Alerts, alerts_bundle
from cyberins.model.loading import parse_model
from cyberins.monitor.feeds import read_feeds
from cyberins.monitor.inventory import read_assets
from cyberins.monitor.scan import scan
from tests.conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def scanned() -> dict[str, Any]:
    inventory = read_assets(EXAMPLES / "monitoring" / "assets-sme.json")
    result = scan(inventory, read_feeds(EXAMPLES / "monitoring" / "feeds"), opened_at=datetime(2026, 9, 1, tzinfo=UTC))
    doc: dict[str, Any] = result.to_json()
    assert doc["alerts"], "the example inventory raises alerts"
    return doc


def test_vulnerabilities_sightings_and_notes(scanned: dict[str, Any]) -> None:
    objects = stix2.parse(alerts_bundle(parse_model(Alerts, scanned).alerts), allow_custom=True).objects
    by_type: dict[str, list[Any]] = {}
    for o in objects:
        by_type.setdefault(o.type, []).append(o)
    cves = {a["cve"] for a in scanned["alerts"]}
    assert {v.name for v in by_type["vulnerability"]} == cves
    assert all(v.external_references[0].source_name == "cve" and v.external_references[0].external_id == v.name
               for v in by_type["vulnerability"])  # fmt: skip
    assert sorted(s.x_cyberins_alert_id for s in by_type["sighting"]) == sorted(a["id"] for a in scanned["alerts"])
    alert_of = {
        s.id: next(a for a in scanned["alerts"] if a["id"] == s.x_cyberins_alert_id) for s in by_type["sighting"]
    }
    assert len(by_type["note"]) == len(scanned["alerts"])
    for note in by_type["note"]:
        (alert,) = [alert_of[ref] for ref in note.object_refs if ref in alert_of]
        assert note.x_cyberins_kev == alert["kev"]
        assert getattr(note, "x_cyberins_epss", None) == alert["epss"]
        assert "KEV" in note.content and "EPSS" in note.content


def test_same_alerts_same_bundle(scanned: dict[str, Any]) -> None:
    alerts = parse_model(Alerts, scanned).alerts
    assert alerts_bundle(alerts) == alerts_bundle(list(reversed(alerts)))


def test_cli(tmp_path: Path, scanned: dict[str, Any]) -> None:
    source = tmp_path / "alerts.json"
    source.write_text(json.dumps(scanned), encoding="utf-8")
    out = tmp_path / "alerts.stix.json"
    r = runner.invoke(app, ["export-stix", str(source), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert stix2.parse(out.read_text(encoding="utf-8"), allow_custom=True).type == "bundle"
    broken = {"alerts": [{**scanned["alerts"][0], "cve": "CVE-21"}]}
    source.write_text(json.dumps(broken), encoding="utf-8")
    r = runner.invoke(app, ["export-stix", str(source), "--out", str(out)])
    assert r.exit_code == 2 and "alerts[0].cve" in r.output and "Traceback" not in r.output

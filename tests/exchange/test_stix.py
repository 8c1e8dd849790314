"""`cyberins exchange export-stix` and `exchange.stix` (contract (e)): a bundle `stix2.parse` accepts, one incident
per file with its GB/T 20986-2023 categories and level, related objects, deterministic ids."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import stix2
from typer.testing import CliRunner

from cyberins.catalog import get_catalog
from cyberins.cli.exchange import app
from cyberins.exchange.stix import direct_loss, gbt20986_level, incidents_bundle
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model
from tests.conftest import EXAMPLES

runner = CliRunner()
RANSOMWARE = EXAMPLES / "incidents" / "sme-ransomware-erp.yaml"
KEV = EXAMPLES / "incidents" / "unpatched-kev-ransomware.yaml"
BREACH = EXAMPLES / "incidents" / "pi-breach-regulatory-fine-cn.yaml"
WIPER = EXAMPLES / "incidents" / "state-attributed-wiper.yaml"


def _incident(**changes: Any) -> Incident:
    t = datetime(2026, 3, 1, 9, tzinfo=timezone(timedelta(hours=8)))
    data: dict[str, Any] = {"event_types": ["personal_information_breach"], "currency": "CNY", "occurred_at": t,
                            "discovered_at": t, "reported_at": t, **changes}  # fmt: skip
    return Incident.model_validate(data)


def _objects(text: str) -> list[Any]:
    return list(stix2.parse(text, allow_custom=True).objects)


def test_bundle_parses_with_one_incident_per_file_and_gbt20986_codes() -> None:
    files = [RANSOMWARE, BREACH, KEV]
    incidents = [load_model(Incident, p) for p in files]
    objects = _objects(incidents_bundle(incidents))
    found = [o for o in objects if o.type == "incident"]
    assert len(found) == 3
    catalog = get_catalog()
    for incident in incidents:
        (obj,) = [o for o in found if o.name == incident.description]
        refs = [r for r in obj.external_references if r.source_name == "GB/T 20986-2023"]
        assert [r.external_id for r in refs] == [catalog.event_types[e].gbt20986.code for e in incident.event_types]
        assert obj.x_cyberins_gbt20986_level in ("I", "II", "III", "IV")


def test_custom_properties_only_with_the_x_prefix() -> None:
    text = incidents_bundle([load_model(Incident, p) for p in (RANSOMWARE, KEV, WIPER, BREACH)])
    spec = {"type", "spec_version", "id", "created", "modified", "name", "description", "external_references",
            "relationship_type", "source_ref", "target_ref", "identity_class", "first_observed", "last_observed",
            "number_observed", "object_refs", "confidence"}  # fmt: skip
    for obj in json.loads(text)["objects"]:
        assert {k for k in obj if k not in spec and not k.startswith("x_")} == set(), obj["type"]


def test_same_input_same_bundle_and_content_ids() -> None:
    incidents = [load_model(Incident, p) for p in (RANSOMWARE, KEV)]
    assert incidents_bundle(incidents) == incidents_bundle(list(reversed(incidents)))
    other = incidents_bundle([incidents[0].model_copy(update={"description": "another text"})])
    first = {o.id for o in _objects(incidents_bundle(incidents[:1])) if o.type == "incident"}
    assert first.isdisjoint(o.id for o in _objects(other) if o.type == "incident")


def test_related_objects_where_the_file_has_the_data() -> None:
    objects = _objects(incidents_bundle([load_model(Incident, KEV)]))
    by_type: dict[str, list[Any]] = {}
    for o in objects:
        by_type.setdefault(o.type, []).append(o)
    (vuln,) = by_type["vulnerability"]
    assert vuln.external_references[0].source_name == "cve" and vuln.external_references[0].external_id.startswith(
        "CVE-"
    )
    attack_ids = {o.external_references[0].external_id for o in by_type["attack-pattern"]}
    assert {"T1190", "T1486"} <= attack_ids  # root cause unpatched_vulnerability, event type ransomware
    kinds = {
        (r.relationship_type, r.source_ref.split("--")[0], r.target_ref.split("--")[0]) for r in by_type["relationship"]
    }
    assert ("mitigates", "course-of-action", "attack-pattern") in kinds
    assert ("targets", "attack-pattern", "vulnerability") in kinds
    assert ("related-to", "incident", "identity") in kinds
    assert by_type["observed-data"], "the outage is an observation"


def test_level_from_personal_information_and_direct_loss() -> None:
    assert gbt20986_level(_incident(), "CNY").level.id == "IV"
    many = _incident(records_affected={"personal_information": 1_500_000})
    assert gbt20986_level(many, "CNY").level.id == "III"
    costly = _incident(costs=[{"category": "forensics", "amount": "60000000"}])
    assert direct_loss(costly) == Decimal("60000000")
    assert gbt20986_level(costly, "CNY").level.id == "II"
    # 15M USD is 108M CNY at the calibration's 7.2: especially major
    assert gbt20986_level(_incident(costs=[{"category": "forensics", "amount": "15000000"}]), "USD").level.id == "I"


def test_direct_loss_counts_outage_income_ransom_and_fraud() -> None:
    t0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
    incident = _incident(
        event_types=["ransomware"],
        outages=[{"system": "erp", "start": t0, "end": t0 + timedelta(hours=10), "revenue_share": "0.5"}],  # fmt: skip
        financials={"hourly_gross_profit": "1000", "extra_expense": "300"},
        ransom={"paid": "2000"},
        fraud={"amount_transferred": "900", "recovered": "400"},
    )
    assert direct_loss(incident) == Decimal("5000") + 300 + 2000 + 500


def test_cli_writes_the_bundle(tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    r = runner.invoke(app, ["export-stix", str(RANSOMWARE), str(BREACH), "--out", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert len([o for o in _objects(out.read_text(encoding="utf-8")) if o.type == "incident"]) == 2


def test_cli_bad_incident_exits_2_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(RANSOMWARE.read_text(encoding="utf-8").replace("event_types: [ransomware]", "event_types: [ransom]"))
    r = runner.invoke(app, ["export-stix", str(bad), "--out", str(tmp_path / "b.json")])
    assert r.exit_code == 2
    assert "event_types" in r.output and "Traceback" not in r.output

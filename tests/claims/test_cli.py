"""`cyberins claim adjust` (the Typer sub-app `cyberins.cli.claims.app`): the JSON contract, exit 2 on bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cyberins.cli.claims import app
from tests.claims.helpers import INCIDENTS, POLICY_FILES, incident_data

runner = CliRunner()
RANSOMWARE = str(INCIDENTS / "ransomware-virtual-ransom-cn.yaml")
ENT = str(POLICY_FILES["ent"])


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["adjust", *args])


def write(tmp_path: Path, data: Any, name: str = "incident.yaml") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_json_contract() -> None:
    result = invoke(RANSOMWARE, "--policy", ENT, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"currency", "decision", "adjusted_loss", "payable", "total_payable", "statement"} <= set(doc)
    assert doc["currency"] == "CNY" and doc["total_payable"] == "2624400.00"
    assert sum(map(Decimal, doc["payable"].values()), Decimal(0)) == Decimal(doc["total_payable"])
    assert all(Decimal(v) <= Decimal(doc["adjusted_loss"][k]) for k, v in doc["payable"].items())
    for decision in doc["decision"].values():
        assert decision["status"] in {"covered", "partially_covered", "excluded", "not_triggered"}
        assert all({"code", "clause", "text_zh", "text_en"} <= set(r) for r in decision["reasons"])
    assert isinstance(doc["statement"], list) and doc["statement"]


def test_prior_paid_option(tmp_path: Path) -> None:
    """Rule 11: 49,000,000 of the 50,000,000 aggregate already paid leaves 1,000,000 for this claim."""
    prior = tmp_path / "prior.json"
    prior.write_text(json.dumps({"privacy_liability": "29000000", "network_security_liability": "20000000"}))
    result = invoke(RANSOMWARE, "--policy", ENT, "--prior-paid", str(prior), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total_payable"] == "1000000.00"


def test_tables_and_html(tmp_path: Path) -> None:
    page = tmp_path / "statement.html"
    result = invoke(RANSOMWARE, "--policy", ENT, "--lang", "en", "--html", str(page))
    assert result.exit_code == 0, result.output
    assert "Coverage decision" in result.stdout and "2,624,400.00" in result.stdout
    assert "<table" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"event_types": ["flux_meltdown"]}, ["event_types[0]", "flux_meltdown"]),
        ({"currency": "USD"}, ["currency"]),
        ({"policy_number": "CY-NOPE"}, ["policy_number"]),
        (
            {
                "outages": [
                    {"system": "erp", "start": "2026-09-02T06:00:00+08:00", "end": "2026-09-02T05:00:00+08:00"}
                ],
                "financials": {"hourly_gross_profit": 1},
            },
            ["outages[0].end"],
        ),
    ],
)
def test_invalid_incident_exits_2_naming_the_field(tmp_path: Path, change: dict[str, Any], words: list[str]) -> None:
    path = write(tmp_path, incident_data(**change))
    result = invoke(path, "--policy", str(POLICY_FILES["sme"]), "--json")
    assert result.exit_code == 2, result.output
    assert all(w in result.output for w in words), result.output
    assert "Traceback" not in result.output


def test_malformed_yaml_exits_2(tmp_path: Path) -> None:
    result = invoke(write(tmp_path, "event_types: [x\n - : :\n"), "--policy", ENT, "--json")
    assert result.exit_code == 2 and "malformed YAML" in result.output


def test_missing_policy_exits_2() -> None:
    result = invoke(RANSOMWARE, "--json")
    assert result.exit_code == 2 and "policy" in result.output


def test_bad_prior_paid_exits_2() -> None:
    result = invoke(RANSOMWARE, "--policy", ENT, "--prior-paid", '{"media_liability": "1"}', "--json")
    assert result.exit_code == 2 and "prior_paid.media_liability" in result.output


def test_embedded_policy(tmp_path: Path) -> None:
    data = {**incident_data(), "policy": yaml.safe_load(Path(POLICY_FILES["sme"]).read_text(encoding="utf-8"))}
    result = invoke(write(tmp_path, data), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total_payable"] == "50000.00"


def test_a_misspelt_finding_is_refused_not_paid(tmp_path: Path) -> None:
    """Issue 16: `atribution: {war: true}` paid 282,960 where the correctly spelt file pays 0."""
    sme = str(POLICY_FILES["sme"])
    data = yaml.safe_load((INCIDENTS / "sme-ransomware-erp.yaml").read_text(encoding="utf-8"))
    spelt = invoke(write(tmp_path, {**data, "attribution": {"war": True, "confidence": "high"}}), "--policy", sme)
    assert spelt.exit_code == 0, spelt.output
    result = invoke(write(tmp_path, {**data, "atribution": {"war": True}}, "typo.yaml"), "--policy", sme)
    assert result.exit_code == 2
    assert "atribution" in result.output and "did you mean 'attribution'?" in result.output.replace("\n", " ")
    assert "Traceback" not in result.output

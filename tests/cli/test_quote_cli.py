"""`cyberins quote`, `whatif` and the main job `run`, through the real entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.helpers import cyberins
from tests.conftest import EXAMPLES

PROFILE = str(EXAMPLES / "orgs" / "sme-manufacturer.yaml")
POLICY = str(EXAMPLES / "policies" / "sme-standalone-cny.yaml")


def test_quote_json_carries_premium_grid_adequacy_and_controls() -> None:
    r = cyberins("quote", PROFILE, "--policy", POLICY, "--years", "3000", "--seed", "1", "--json",
                 "--limit", "1000000", "--limit", "2000000", "--retention", "20000")  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["currency"] == "CNY" and doc["seed"] == 1
    assert float(doc["premium"]["technical_premium"]) >= float(doc["premium"]["expected_insured_loss"])
    assert [(c["aggregate_limit"], c["retention"]) for c in doc["grid"]] == [
        ("1000000.00", "20000.00"),
        ("2000000.00", "20000.00"),
    ]
    assert len(doc["adequacy"]["tolerance"]) == 10 and doc["adequacy"]["reason"]  # the profile's tolerance
    assert doc["controls"] and doc["eligibility"]["outcome"] in {"accept", "refer", "decline"}


def test_quote_tolerance_needs_two_points() -> None:
    r = cyberins("quote", PROFILE, "--policy", POLICY, "--tolerance", "5000000@20")
    assert r.returncode == 2 and "--tolerance" in r.stderr and "Traceback" not in r.stderr


def test_quote_refuses_a_malformed_tolerance() -> None:
    r = cyberins("quote", PROFILE, "--policy", POLICY, "--tolerance", "lots@20", "--tolerance", "1@100")
    assert r.returncode == 2 and "lots@20" in r.stderr


def test_quote_writes_the_report(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    r = cyberins("quote", PROFILE, "--policy", POLICY, "--years", "2000", "--no-controls", "--html", str(page))
    assert r.returncode == 0, r.stderr
    assert page.read_text(encoding="utf-8").count("<svg") == 4  # no controls chart when not asked


def test_a_quote_is_dated_and_stands_for_the_bases_validity() -> None:
    r = cyberins("quote", PROFILE, "--policy", POLICY, "--years", "2000", "--no-controls", "--json",
                 "--quoted-on", "2026-05-20")  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["quoted_on"], doc["valid_until"]) == ("2026-05-20", "2026-06-19")
    bad = cyberins("quote", PROFILE, "--policy", POLICY, "--quoted-on", "2026-13-45")
    assert bad.returncode == 2 and "--quoted-on" in bad.stderr and "Traceback" not in bad.stderr


def test_whatif_adds_controls_and_prices_the_difference() -> None:
    r = cyberins("whatif", PROFILE, "--policy", POLICY, "--add-control", "mfa", "--add-control", "edr",
                 "--years", "3000", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["controls"] == ["edr", "mfa"]
    assert float(doc["expected_gross_loss"]["after"]) < float(doc["expected_gross_loss"]["before"])


def test_whatif_speaks_the_readers_language_and_cyberins_lang_sets_it() -> None:
    """zh by default, with the controls by their questionnaire names and no English word; `CYBERINS_LANG=en`
    switches it (as every command's --lang) without the option."""
    args = ("whatif", PROFILE, "--policy", POLICY, "--add-control", "mfa", "--years", "3000")
    zh = cyberins(*args)
    assert zh.returncode == 0, zh.stderr
    assert "多因素认证" in zh.stdout and "净收益" in zh.stdout and " ± " in zh.stdout
    assert re.findall(r"[A-Za-z]{2,}", zh.stdout) == []
    en = cyberins(*args, env={"CYBERINS_LANG": "en"})
    assert en.returncode == 0, en.stderr
    assert "net benefit" in en.stdout and re.findall(r"[\u4e00-\u9fff]", en.stdout) == []


def test_whatif_refuses_an_unknown_control() -> None:
    r = cyberins("whatif", PROFILE, "--policy", POLICY, "--add-control", "prayer")
    assert r.returncode == 2 and "prayer" in r.stderr


def test_run_is_the_main_job(tmp_path: Path) -> None:
    r = cyberins("run", "--lang", "en", "--years", "3000", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "281,960.00" in r.stdout  # the example ransomware claim, settled under the SME wording
    assert (tmp_path / "report-en.html").exists() and (tmp_path / "report-en.pdf").read_bytes()[:4] == b"%PDF"
    assert "<html" in (tmp_path / "statement-en.html").read_text(encoding="utf-8")


def test_claim_adjust_prints_the_statement_to_pdf(tmp_path: Path) -> None:
    pdf = tmp_path / "statement.pdf"
    r = cyberins("claim", "adjust", str(EXAMPLES / "incidents" / "sme-ransomware-erp.yaml"), "--policy", POLICY,
                 "--pdf", str(pdf), "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["total_payable"] == "281960.00"
    assert pdf.read_bytes()[:5] == b"%PDF-"

"""`cyberins policy check|show|apply` and `cyberins run` as a user sees them: exit codes, fields named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.cli.helpers import cyberins
from tests.conftest import EXAMPLES

SME = EXAMPLES / "policies" / "sme-standalone-cny.yaml"
SCENARIO = EXAMPLES / "scenarios" / "ransomware-72h.yaml"


def test_check_accepts_every_example() -> None:
    files = sorted((EXAMPLES / "policies").glob("*.yaml"))
    r = cyberins("policy", "check", *map(str, files))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("OK") == len(files) >= 4


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"currency": "ZZZ"}, "currency"),
        ({"aggregate_limit": -5}, "aggregate_limit"),
        ({"period": {"start": "2027-01-01", "end": "2026-01-01"}}, "period"),
    ],
)
def test_check_refuses_bad_policies_with_exit_2_and_no_traceback(tmp_path: Path, change: dict, word: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**yaml.safe_load(SME.read_text(encoding="utf-8")), **change}), encoding="utf-8")
    r = cyberins("policy", "check", str(bad))
    assert r.returncode == 2
    assert word in r.stderr and "Traceback" not in r.stderr + r.stdout


def test_check_on_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    r = cyberins("policy", "check", str(tmp_path / "nope.yaml"))
    assert r.returncode == 2 and "cannot read" in r.stderr and "Traceback" not in r.stderr


def test_show_speaks_one_language() -> None:
    zh = cyberins("policy", "show", str(SME))
    assert zh.returncode == 0, zh.stderr
    assert "营业中断损失" in zh.stdout and "Business interruption" not in zh.stdout
    assert "网络勒索损失" in zh.stdout  # the coverage's label, not the event type's (网络勒索事件) of the same id
    words = set(re.findall(r"[A-Za-z][A-Za-z/_-]+", zh.stdout))
    assert words <= {"CY-SME-", "Asia/Shanghai", "CNY"}  # the policy number, the zone and currency codes
    en = cyberins("policy", "show", str(SME), "--lang", "en")
    assert "Business interruption" in en.stdout and re.findall(r"[\u4e00-\u9fff]", en.stdout) == []


@pytest.mark.parametrize("wording", sorted((EXAMPLES / "policies").glob("*.yaml")), ids=lambda p: p.stem)
@pytest.mark.parametrize("columns", ["80", "60"])
def test_show_never_cuts_money_at_a_narrow_terminal(wording: Path, columns: str) -> None:
    """Every sublimit, retention and the aggregate print whole at 80 and 60 columns (a table that fits, or one
    block per coverage), and no cell is cut short with an ellipsis."""
    r = cyberins("policy", "show", str(wording), "--lang", "en", env={"COLUMNS": columns})
    assert r.returncode == 0, r.stderr
    assert "…" not in r.stdout
    assert all(len(line) <= int(columns) for line in r.stdout.splitlines())
    doc = yaml.safe_load(wording.read_text(encoding="utf-8"))
    amounts = [doc["aggregate_limit"]]
    for terms in doc["coverages"].values():
        amounts += [terms["sublimit"], terms.get("retention", 0)]
    for amount in amounts:
        assert f"{amount:,.2f}" in r.stdout, amount


def test_apply_settles_the_example_scenario_exactly() -> None:
    r = cyberins("policy", "apply", str(SME), str(SCENARIO), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    # BI: 72 h × 8,000 + 30,000 extra expense = 606,000; 12 waiting hours × 8,000 = 96,000 not paid (rule 2);
    # 10,000 retention -> 500,000. Privacy: defence 40,000 + settlement 150,000 - 20,000 retention = 170,000.
    assert doc["payable"]["business_interruption"] == "500000.00"
    assert doc["payable"]["privacy_liability"] == "170000.00"
    assert doc["total_payable"] == "1125000.00"  # + 175,000 IR + 230,000 restoration + 50,000 extortion


def test_apply_with_prior_paid_erodes_the_sublimit() -> None:
    r = cyberins("policy", "apply", str(SME), str(SCENARIO), "--json", "--prior-paid", '{"data_restoration": "400000"}')
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["payable"]["data_restoration"] == "100000.00"  # 500,000 sublimit - 400,000


def test_apply_refuses_a_bad_prior_paid() -> None:
    r = cyberins("policy", "apply", str(SME), str(SCENARIO), "--prior-paid", '{"flux": "1"}')
    assert r.returncode == 2 and "prior_paid.flux" in r.stderr

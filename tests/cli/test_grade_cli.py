"""`cyberins grade` (standards.md (g)): the contract keys, `simulate`'s figures, reproducible, bad input exit 2."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cyberins.cli.grade import grade_command
from cyberins.cli.simulate import simulate_command
from tests.conftest import EXAMPLES
from tests.one_language import chinese_in, english_in

RETAILER = str(EXAMPLES / "orgs" / "sme-retailer.yaml")
MANUFACTURER = str(EXAMPLES / "orgs" / "sme-manufacturer.yaml")  # declined as it stands (remote access, no MFA)
KEYS = {
    "profile", "name", "grade", "expected_loss", "currency", "annual_revenue", "expected_loss_ratio", "tail_ratio",
    "eligibility", "reasons",
}  # fmt: skip


def _invoke(*args: str) -> tuple[int, str]:
    from cyberins.cli.app import app

    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "80"})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def test_expected_loss_is_simulates_gross_aal() -> None:
    code, out = _invoke("simulate", RETAILER, "--years", "2000", "--seed", "7", "--json")
    assert code == 0, out
    simulated = json.loads(out)
    code, out = _invoke("grade", RETAILER, MANUFACTURER, "--years", "2000", "--seed", "7", "--json")
    assert code == 0, out
    retailer, manufacturer = json.loads(out)
    assert set(retailer) == KEYS and retailer["profile"] == RETAILER
    assert retailer["expected_loss"] == simulated["gross"]["aal"]  # exactly: the same code path
    revenue = float(retailer["annual_revenue"])
    assert retailer["expected_loss_ratio"] == pytest.approx(simulated["gross"]["aal"] / revenue, rel=1e-12)
    assert retailer["tail_ratio"] == pytest.approx(simulated["gross"]["tvar"]["0.99"] / revenue, rel=1e-12)
    assert (retailer["eligibility"], retailer["currency"]) == ("refer", simulated["currency"])
    assert (manufacturer["eligibility"], manufacturer["grade"]) == ("decline", 5)
    assert manufacturer["reasons"][0]["code"] == "declined"


def test_the_defaults_are_simulates() -> None:
    grade, simulate = (inspect.signature(f).parameters for f in (grade_command, simulate_command))
    for name in ("years", "seed"):
        assert grade[name].default.default == simulate[name].default.default


def test_the_same_seed_gives_the_same_output_and_another_seed_another() -> None:
    first = _invoke("grade", RETAILER, "--years", "2000", "--seed", "3", "--json")
    assert first == _invoke("grade", RETAILER, "--years", "2000", "--seed", "3", "--json")
    other = json.loads(_invoke("grade", RETAILER, "--years", "2000", "--seed", "4", "--json")[1])
    assert other[0]["expected_loss"] != json.loads(first[1])[0]["expected_loss"]


def test_the_table_in_each_language_holds_no_other_and_fits_80_columns() -> None:
    code, zh = _invoke("grade", RETAILER, MANUFACTURER, "--years", "2000", "--seed", "3", "--lang", "zh")
    assert code == 0 and "风险等级" in zh and "拒保" in zh
    assert english_in(zh) == set()
    code, en = _invoke("grade", RETAILER, MANUFACTURER, "--years", "2000", "--seed", "3", "--lang", "en")
    assert code == 0 and "Risk grade" in en and "decline" in en
    assert chinese_in(en) == []
    assert max(len(line) for line in en.splitlines()) <= 80


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["missing.yaml"], "missing.yaml"),
        (["--years", "0", RETAILER], "--years"),
        (["{explicit}"], "kind"),
        (["{no_revenue}"], "annual_revenue"),
        (["--scale", "{bad_scale}", RETAILER], "grades"),
    ],
)
def test_bad_input_exits_2_naming_the_field(tmp_path: Path, args: list[str], said: str) -> None:
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text("kind: explicit\nname: x\ncurrency: CNY\nevent_types: {}\n", encoding="utf-8")
    profile = yaml.safe_load(Path(RETAILER).read_text(encoding="utf-8"))
    del profile["annual_revenue"]
    no_revenue = tmp_path / "no_revenue.yaml"
    no_revenue.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    bad_scale = tmp_path / "scale.yaml"
    bad_scale.write_text(
        "version: '1'\nsources: [{id: a, title: b}]\nmeasure: expected_loss_ratio\ngrades: []\n"
        "tail_ratio_note: {value: 0.05, source: a}\n"
    )
    files = {"explicit": explicit, "no_revenue": no_revenue, "bad_scale": bad_scale}
    code, out = _invoke("grade", *(a.format(**files) for a in args), "--json")
    assert code == 2, out
    assert said in out and "Traceback" not in out

"""What-if on terms in stress (issue 19 §2): every policy changed, validated, base and what-if side by side."""

from __future__ import annotations

import functools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cyberins.model.errors import InvalidInput
from cyberins.portfolio.book import Book
from cyberins.portfolio.stress import stress
from cyberins.portfolio.whatif import apply_changes, parse_changes, whatif_stress
from tests.portfolio.books import FOLDER, book, mixed

BOOK = str(FOLDER / "mixed-book.yaml")
LLOYDS = str(FOLDER / "lloyds-rds.yaml")


def _invoke(*args: str) -> tuple[int, str, str]:
    from cyberins.cli.app import app

    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def test_a_waiting_period_longer_than_the_outage_pays_no_business_interruption() -> None:
    b = book(mixed())
    # retail-edr by hand (test_stress): BI (36 − 10) × 60,000 − 25,000, restoration 150,000 − 25,000.
    doc = whatif_stress(b, "edr_faulty_update", 36, None, parse_changes(["waiting_period_hours=48"]))
    line = doc["whatif"]["by_line"]["retail-edr"]
    assert line["gross_base"] == 10 * (26 * 60_000 - 25_000 + 125_000)
    assert line["gross"] == 10 * 125_000  # restoration only: 36 h never passes the 48 h waiting period
    assert doc["whatif"]["change"]["gross"] == doc["whatif"]["gross"] - doc["gross"] < 0
    # The base document is the contract's, unchanged.
    assert doc["gross"] == stress(b, "edr_faulty_update", 36)["gross"]


def test_a_sublimit_caps_each_line_and_the_treaties_follow() -> None:
    b = book(mixed())
    doc = whatif_stress(b, "edr_faulty_update", 36, None, parse_changes(["sublimit.business_interruption=500000"]))
    line = doc["whatif"]["by_line"]["retail-edr"]
    assert line["gross"] == 10 * (500_000 + 125_000)
    whatif = doc["whatif"]
    assert whatif["ceded"]["qs"] == pytest.approx(0.3 * whatif["gross"])
    assert whatif["net"] == pytest.approx(whatif["gross"] - sum(whatif["ceded"].values()))


def test_removing_an_exclusion_turns_an_excluded_line_paid() -> None:
    from pathlib import Path

    from cyberins.portfolio.book import load_book

    b = load_book(Path(LLOYDS))
    doc = whatif_stress(b, "business_blackout", 48, None, parse_changes(["exclusions-=infrastructure_failure"]))
    line = doc["whatif"]["by_line"]["banking-large"]
    assert line["outcome_base"] == "excluded_infrastructure_failure" and line["gross_base"] == 0
    assert line["outcome"] == "paid" and line["gross"] > 0
    assert doc["whatif"]["by_line"]["manufacturing-uninsured"]["outcome"] == "uninsured"


def test_changes_are_validated_as_a_policy_file_is() -> None:
    policy = book(mixed()).lines[0].policy
    assert policy is not None
    changed = apply_changes(policy, parse_changes(["aggregate_limit=6000000", "exclusions+=infrastructure_failure"]))
    assert str(changed.aggregate_limit) == "6000000" and "infrastructure_failure" in changed.exclusions
    for bad, field in (
        ("sublimt.business_interruption=3", "--set sublimt.business_interruption"),
        ("sublimit.business_interuption=3", "--set sublimit.business_interuption"),
        ("waiting_period_hours=-5", "--set waiting_period_hours"),
        ("exclusions+=not_an_exclusion", "--set exclusions"),
        ("aggregate_limit+=5", "--set aggregate_limit"),
        ("no equals sign", "--set"),
    ):
        with pytest.raises(InvalidInput) as exc:
            apply_changes(policy, parse_changes([bad]))
        assert exc.value.problems[0].field == field, bad


def test_cli_json_has_the_contract_keys_and_a_whatif_block_and_bad_paths_exit_2() -> None:
    args = ("portfolio", "stress", BOOK, "--scenario", "edr_faulty_update", "--hours", "36")
    code, out, err = _invoke(*args, "--json")
    assert code == 0, err
    base = json.loads(out)
    code, out, err = _invoke(*args, "--set", "waiting_period_hours=24", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == set(base) | {"whatif"}
    assert {k: v for k, v in doc.items() if k != "whatif"} == base
    assert doc["whatif"]["set"] == ["waiting_period_hours=24"]
    code, out, err = _invoke(*args, "--set", "waiting_period_hours=24", "--lang", "en")
    assert code == 0 and "what-if" in out and "change" in out
    code, _, err = _invoke(*args, "--set", "sublimt.business_interruption=1")
    assert code == 2 and "--set sublimt.business_interruption" in err and "Traceback" not in err


@settings(max_examples=25, deadline=None)
@given(
    low=st.integers(min_value=0, max_value=72),
    extra=st.integers(min_value=0, max_value=72),
    hours=st.floats(min_value=1, max_value=200),
)
def test_a_longer_waiting_period_never_pays_more(low: int, extra: int, hours: float) -> None:
    b = _mixed()
    shorter = whatif_stress(b, "edr_faulty_update", hours, None, parse_changes([f"waiting_period_hours={low}"]))
    longer = whatif_stress(b, "edr_faulty_update", hours, None, parse_changes([f"waiting_period_hours={low + extra}"]))
    assert longer["whatif"]["gross"] <= shorter["whatif"]["gross"] + 1e-6
    assert longer["whatif"]["ground_up"] == shorter["whatif"]["ground_up"] == shorter["ground_up"]


@functools.cache
def _mixed() -> Book:
    return book(mixed())

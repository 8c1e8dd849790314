"""`cyberins reserve …` (the Typer sub-app `cyberins.cli.reserves.app`): JSON output, tables, exit 2 on bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cyberins.cli.reserves import app
from tests.reserves.helpers import HAND_ROWS, write_csv

runner = CliRunner()


def invoke(*args: str, columns: int = 160) -> Any:
    return runner.invoke(app, list(args), env={"COLUMNS": str(columns)})


@pytest.fixture
def book(tmp_path: Path) -> str:
    return str(write_csv(tmp_path / "t.csv", HAND_ROWS))


@pytest.fixture
def premium(tmp_path: Path) -> str:
    path = tmp_path / "premium.csv"
    path.write_text("origin,premium\n2025Q1,500\n2025Q2,500\n2025Q3,500\n2025Q4,500\n", encoding="utf-8")
    return str(path)


def test_chain_ladder_json(book: str) -> None:
    result = invoke("triangle", book, "--as-of", "2025-09-30", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["basis"], doc["grain"], doc["origin"], doc["method"]) == ("paid", "quarter", "accident", "chainladder")
    assert doc["triangle"]["2025Q1"] == ["60.00", "100.00", "270.00"]
    assert doc["total"]["ibnr"] == "316.00"  # tests/reserves/test_triangles.py: 204 + 112
    assert doc["age_to_age"] == pytest.approx([22 / 9, 2.7])
    assert {"total_mack_se", "sigma", "factor_std_err", "origins"} <= set(doc)


def test_bf_json(book: str, premium: str) -> None:
    args = ("triangle", book, "--as-of", "2025-09-30", "--method", "bf", "--apriori-loss-ratio", "0.6")
    doc = json.loads(invoke(*args, "--premium", premium, "--json").stdout)
    assert [o["ibnr"] for o in doc["origins"]] == ["0.00", "188.89", "254.55"]
    assert doc["apriori_loss_ratio"] == 0.6


def test_tables(book: str, premium: str) -> None:
    result = invoke("triangle", book, "--basis", "incurred", "--as-of", "2025-09-30", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Cumulative triangle" in result.output and "320.00" in result.output and "Mack" in result.output
    bf = invoke("triangle", book, "--method", "bf", "--apriori-loss-ratio", "0.6", "--premium", premium, "--lang", "en")
    assert bf.exit_code == 0 and "Bornhuetter-Ferguson" in bf.output and "a-priori" in bf.output
    zh = invoke("triangle", book, "--method", "bf", "--apriori-loss-ratio", "0.6", "--premium", premium)
    assert zh.exit_code == 0 and "累计赔款三角形" in zh.output and "先验赔款" in zh.output
    assert "Cumulative" not in zh.output


def test_the_triangle_is_never_cut_at_80_columns(examples: Path) -> None:
    """The example book's 16 × 16 quarterly triangle splits into column groups, each figure printed whole."""
    result = invoke("triangle", str(examples / "claims" / "transactions.csv"), "--lang", "en", columns=80)
    assert result.exit_code == 0, result.output
    assert "…" not in result.output and all(len(line) <= 80 for line in result.output.splitlines())
    assert "65,009,306.91" in result.output and " · 1/" in result.output


def test_example_book(examples: Path) -> None:
    book = str(examples / "claims" / "transactions.csv")
    result = invoke("triangle", book, "--grain", "year", "--basis", "incurred", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc["triangle"]) == ["2022", "2023", "2024", "2025"] and doc["currency"] == "CNY"
    args = ("--method", "bf", "--apriori-loss-ratio", "0.6", "--premium", str(examples / "claims" / "premium.csv"))
    bf = json.loads(invoke("triangle", book, *args, "--json").stdout)
    assert len(bf["origins"]) == 16 and Decimal(bf["total"]["ibnr"]) > 0


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--method", "bf", "--apriori-loss-ratio", "0.6"), "--premium"),
        (("--method", "bf"), "--apriori-loss-ratio"),
        (("--as-of", "30/09/2025"), "--as-of"),
        (("--as-of", "2024-01-01"), "as_of"),
    ],
)
def test_bad_options_exit_2_naming_them(book: str, args: tuple[str, ...], named: str) -> None:
    result = invoke("triangle", book, *args)
    assert result.exit_code == 2 and named in result.output and "Traceback" not in result.output


def test_bad_file_names_the_column(tmp_path: Path, premium: str) -> None:
    bad = write_csv(tmp_path / "bad.csv", [("A", "2025-01-10", "2025-01-20", "2025-02-01", "lots", "0")])
    result = invoke("triangle", str(bad))
    assert result.exit_code == 2 and "paid" in result.output and "row 2" in result.output
    missing = invoke("triangle", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "cannot read" in missing.output
    bad_premium = tmp_path / "p.csv"
    bad_premium.write_text("origin,premium\n2025Q1,-5\n", encoding="utf-8")
    rows = write_csv(tmp_path / "t.csv", HAND_ROWS)
    result = invoke(
        "triangle", str(rows), "--method", "bf", "--apriori-loss-ratio", "0.6", "--premium", str(bad_premium)
    )
    assert result.exit_code == 2 and "premium" in result.output


def test_credibility_json_and_table() -> None:
    args = (
        "credibility",
        "--observed",
        "6",
        "--exposure",
        "200",
        "--prior-frequency",
        "0.015",
        "--prior-weight",
        "400",
    )
    doc = json.loads(invoke(*args, "--json").stdout)
    assert doc["credibility"] == pytest.approx(1 / 3) and doc["posterior_frequency"] == pytest.approx(0.02)
    assert doc["multiplier"] == pytest.approx(4 / 3) and doc["method"] == "poisson_gamma"
    table = invoke(*args)
    assert table.exit_code == 0 and "0.3333" in table.output and "× 1.3333" in table.output


def test_credibility_bad_input_exits_2() -> None:
    result = invoke(
        "credibility", "--observed", "6", "--exposure", "-1", "--prior-frequency", "0.01", "--prior-weight", "1"
    )
    assert result.exit_code == 2 and "exposure" in result.output

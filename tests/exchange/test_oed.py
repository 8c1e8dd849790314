"""`cyberins exchange export-oed | import-oed` (contract standards.md (c)): OED files that OasisLMF's validator
accepts as a cyber book, with the coverage mapping computed by hand, and a round trip that keeps them."""

from __future__ import annotations

import csv
from pathlib import Path

import ods_tools.oed
import pytest
from typer.testing import CliRunner

from cyberins.cli.exchange import app


def export(book: Path, out: Path) -> list[dict[str, str]]:
    result = CliRunner().invoke(app, ["export-oed", str(book), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    with (out / "account.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def validate(folder: Path) -> str:
    """The contract's check: ods-tools raises on an invalid file; the class of business it finds."""
    exposure = ods_tools.oed.OedExposure(
        location=str(folder / "location.csv"), account=str(folder / "account.csv"), check_oed=True
    )
    return str(exposure.class_of_business.value)


def test_a_book_exports_as_a_valid_oed_cyber_book(examples: Path, tmp_path: Path) -> None:
    rows = export(examples / "exchange" / "book.yaml", tmp_path)
    assert validate(tmp_path) == "CYB"
    large, sme, endorsement = rows
    assert large["OEDVersion"] == "4.0.0" and large["PortNumber"] == "example-cn-2026"
    assert large["PolNumber"] == "CY-ENT-2026-0042" and large["PolPerilsCovered"] == "CC1"
    assert (large["PolInceptionDate"], large["PolExpiryDate"]) == ("2026-04-01", "2027-03-31")
    # incident response 5,000,000 + PR 1,000,000 + legal 2,000,000 map to INRE; the smallest retention 50,000
    assert (large["PolLimitINRE"], large["PolDedINRE"]) == ("8000000", "50000")
    # privacy 30,000,000 + network security 20,000,000 = 50,000,000, at most the aggregate (50,000,000)
    assert (large["PolLimitLIA"], large["LayerLimit"]) == ("50000000", "50000000")
    assert large["PolCoverage"] == "NPBI;CBI;DIAS;INRE;EXT;LIAB;REG"
    assert large["IndustryScheme1"] == "NAICS" and large["IndustryCode1"] == "519290"  # e-commerce platform
    assert large["PolGrossPremium"] == "1850000" and large["AnnualRevenueCurrency"] == "CNY"
    # one account per insured: the manufacturer's two policies share one
    assert sme["AccNumber"] == endorsement["AccNumber"] != large["AccNumber"]
    # data restoration and hardware replacement share DIAS; cyber-physical damage is CYB, with no limit field
    assert (endorsement["PolLimitDIAS"], endorsement["PolDedDIAS"]) == ("2000000", "50000")
    assert "CYB" in endorsement["PolCoverage"].split(";") and "PolLimitCYB" not in endorsement
    with (tmp_path / "location.csv").open(encoding="utf-8", newline="") as handle:
        locations = list(csv.DictReader(handle))
    assert [r["AccNumber"] for r in locations] == [large["AccNumber"], sme["AccNumber"]]


def test_export_import_export_keeps_what_oed_carries(examples: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    export(examples / "exchange" / "book.yaml", first)
    book = tmp_path / "imported.yaml"
    result = CliRunner().invoke(app, ["import-oed", str(first), "--out", str(book), "--lang", "en"])
    assert result.exit_code == 0, result.output
    export(book, tmp_path / "again")
    for name in ("account.csv", "location.csv"):
        assert (tmp_path / "again" / name).read_text(encoding="utf-8") == (first / name).read_text(encoding="utf-8")


def test_a_portfolio_book_exports_one_account_per_insured_copy(examples: Path, tmp_path: Path) -> None:
    from cyberins.portfolio.book import load_book

    book = load_book(examples / "portfolios" / "mixed-book.yaml")
    rows = export(examples / "portfolios" / "mixed-book.yaml", tmp_path)
    assert validate(tmp_path) == "CYB"
    insured = sum(line.count for line in book.lines if line.policy is not None)
    assert len(rows) == len({r["AccNumber"] for r in rows}) == insured
    assert rows[0]["PolNumber"] == f"{book.lines[0].id}#0" and rows[0]["PortNumber"] == book.id


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("PolCoverage", "NPBI;XYZ", "account.csv row 2.PolCoverage"),
        ("IndustryCode1", "11", "account.csv row 2.IndustryCode1"),
        ("LayerAttachment", "1000", "account.csv row 2.LayerAttachment"),
        ("PolDedNPBI", "-5", "account.csv row 2.PolDedNPBI"),
    ],
)
def test_import_refuses_what_it_cannot_read_naming_the_field(
    examples: Path, tmp_path: Path, column: str, value: str, field: str
) -> None:
    rows = export(examples / "exchange" / "book.yaml", tmp_path)
    rows[0][column] = value
    with (tmp_path / "account.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = CliRunner().invoke(app, ["import-oed", str(tmp_path), "--out", str(tmp_path / "b.yaml"), "--lang", "en"])
    assert result.exit_code == 2 and field in result.output and "Traceback" not in result.output


def test_export_refuses_a_name_oed_cannot_hold(tmp_path: Path, examples: Path) -> None:
    book = tmp_path / "book.yaml"
    text = (examples / "exchange" / "book.yaml").read_text(encoding="utf-8").replace("example-cn-2026", "x" * 21)
    book.write_text(text.replace("../", f"{examples}/"), encoding="utf-8")
    result = CliRunner().invoke(app, ["export-oed", str(book), "--out", str(tmp_path / "o"), "--lang", "en"])
    assert result.exit_code == 2 and "name" in result.output


def test_the_zh_summary_has_no_english(examples: Path, tmp_path: Path) -> None:
    from tests.one_language import english_in

    out = tmp_path / "oed"
    result = CliRunner().invoke(app, ["export-oed", str(examples / "exchange" / "book.yaml"), "--out", str(out)])
    assert result.exit_code == 0 and "账户文件 3 行（被保险人 2 个）" in result.output
    assert not english_in(result.output, [str(out)])


def test_the_shipped_oed_example_is_the_export_of_the_example_book(examples: Path, tmp_path: Path) -> None:
    export(examples / "exchange" / "book.yaml", tmp_path)
    for name in ("account.csv", "location.csv"):
        shipped = (examples / "exchange" / "oed" / name).read_text(encoding="utf-8")
        assert (tmp_path / name).read_text(encoding="utf-8") == shipped, f"regenerate examples/exchange/oed/{name}"

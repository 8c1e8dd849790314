"""Triangles from hand-made transactions (tests/reserves/helpers.py), checked against a hand computation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.reserving import TransactionBook, claims_triangle, read_transactions, reserving_report
from tests.reserves.helpers import COLUMNS, HAND_ROWS, write_csv

VALUATION = date(2025, 9, 30)


@pytest.fixture
def book(tmp_path: Path) -> TransactionBook:
    return read_transactions(write_csv(tmp_path / "t.csv", HAND_ROWS))


def grid(book: TransactionBook, **kw: object) -> dict[str, list[Decimal | None]]:
    report = reserving_report(claims_triangle(book, as_of=VALUATION, **kw), book.currency)  # type: ignore[arg-type]
    return {o: list(row) for o, row in report.triangle.items()}


def d(*values: int | None) -> list[Decimal | None]:
    return [None if v is None else Decimal(v).quantize(Decimal("0.01")) for v in values]


def test_paid_by_accident_quarter(book: TransactionBook) -> None:
    # Incremental paid, accident quarter × development quarter:
    #   2025Q1 (A, B): A 60 | A 40 | A 20 + B 150        → cumulative 60, 100, 270
    #   2025Q2 (C):    C 30 | C 90                         → 30, 120
    #   2025Q3 (D):    D 20                                → 20       (E happens after the valuation date)
    assert grid(book) == {"2025Q1": d(60, 100, 270), "2025Q2": d(30, 120, None), "2025Q3": d(20, None, None)}


def test_incurred_by_accident_quarter(book: TransactionBook) -> None:
    # Incurred at a quarter's end = paid to date + the case reserve after the last transaction:
    #   2025Q1: end Q1 A 60+50 = 110 (B not reported); end Q2 A 100+20 + B 0+200 = 320; end Q3 A 120+0 + B 150+30 = 300
    #   2025Q2: C 30+70 = 100, then 120+0 = 120;  2025Q3: D 20+60 = 80
    assert grid(book, basis="incurred") == {
        "2025Q1": d(110, 320, 300),
        "2025Q2": d(100, 120, None),
        "2025Q3": d(80, None, None),
    }


def test_paid_by_report_quarter(book: TransactionBook) -> None:
    # A reported Q1: 60, 100, 120;  B and C reported Q2: 0 + 30, then + 150 + 90 = 270;  D reported Q3: 20.
    assert grid(book, origin="report") == {
        "2025Q1": d(60, 100, 120),
        "2025Q2": d(30, 270, None),
        "2025Q3": d(20, None, None),
    }


def test_yearly_grain_and_the_default_valuation(tmp_path: Path) -> None:
    # Default valuation: the last transaction. 2025: paid 270 + 120 + 20 = 410 by the end of 2025, nothing
    # in 2026; claim F (2026) pays 100.
    rows = [*HAND_ROWS, ("F", "2026-02-01", "2026-02-03", "2026-03-01", "100", "0")]
    book = read_transactions(write_csv(tmp_path / "t.csv", rows))
    report = reserving_report(claims_triangle(book, grain="year"), book.currency)
    assert report.triangle == {"2025": tuple(d(410, 410)), "2026": tuple(d(100, None))}
    assert report.valuation == date(2026, 12, 31)  # the latest diagonal is placed at its period's end
    with pytest.raises(InvalidInput, match="two years"):
        claims_triangle(read_transactions(write_csv(tmp_path / "one.csv", HAND_ROWS)), grain="year")


def test_chain_ladder_by_hand(book: TransactionBook) -> None:
    # f(1→2) = (100 + 120) / (60 + 30) = 22/9;  f(2→3) = 270 / 100 = 2.7.
    # Ultimates: 270;  120 × 2.7 = 324;  20 × 22/9 × 2.7 = 132.  IBNR 0 + 204 + 112 = 316.
    report = reserving_report(claims_triangle(book, as_of=VALUATION), "CNY")
    assert report.age_to_age == pytest.approx((22 / 9, 2.7))
    assert [o.ultimate for o in report.origins] == [Decimal("270.00"), Decimal("324.00"), Decimal("132.00")]
    assert [o.age_to_ultimate for o in report.origins] == pytest.approx([1.0, 2.7, 6.6])
    assert report.total("ibnr") == Decimal("316.00")


def test_bornhuetter_ferguson_with_a_known_apriori(book: TransactionBook) -> None:
    # A-priori 0.6 × premium 500 = 300 a quarter. BF IBNR = 300 × (1 - 1/CDF):
    #   2025Q1: CDF 1 → 0;  2025Q2: CDF 2.7 → 300 × 1.7/2.7 = 188.89;  2025Q3: CDF 6.6 → 300 × 5.6/6.6 = 254.55.
    premium = {q: Decimal(500) for q in ("2025Q1", "2025Q2", "2025Q3", "2025Q4")}
    report = reserving_report(
        claims_triangle(book, as_of=VALUATION), "CNY", "bf", premium=premium, apriori_loss_ratio=0.6
    )
    assert [o.ibnr for o in report.origins] == [Decimal("0.00"), Decimal("188.89"), Decimal("254.55")]
    assert [o.ultimate for o in report.origins] == [Decimal("270.00"), Decimal("308.89"), Decimal("274.55")]
    assert [o.expected_loss for o in report.origins] == [Decimal("300.00")] * 3
    # A given expected loss instead of premium × ratio gives the same.
    same = reserving_report(
        claims_triangle(book, as_of=VALUATION), "CNY", "bf", expected_loss={q: Decimal(300) for q in premium}
    )
    assert [o.ibnr for o in same.origins] == [o.ibnr for o in report.origins]
    assert same.apriori_loss_ratio is None and report.apriori_loss_ratio == 0.6


def test_bf_names_the_origin_without_premium(book: TransactionBook) -> None:
    with pytest.raises(InvalidInput) as exc:
        reserving_report(
            claims_triangle(book, as_of=VALUATION), "CNY", "bf", premium={"2025Q1": Decimal(1)}, apriori_loss_ratio=0.6
        )
    assert {p.field for p in exc.value.problems} == {"premium.2025Q2", "premium.2025Q3"}
    with pytest.raises(InvalidInput, match="apriori"):
        reserving_report(claims_triangle(book, as_of=VALUATION), "CNY", "bf")


def test_a_quarter_without_claims_still_appears(tmp_path: Path) -> None:
    # Claims in 2025Q1 and 2025Q3 only: 2025Q2 is an origin with nothing reported (zeros, not a gap).
    rows = [r for r in HAND_ROWS if r[0] in ("A", "D")]
    report = reserving_report(
        claims_triangle(read_transactions(write_csv(tmp_path / "t.csv", rows)), as_of=VALUATION), "CNY"
    )
    assert list(report.triangle) == ["2025Q1", "2025Q2", "2025Q3"]
    assert report.triangle["2025Q2"] == (Decimal("0.00"), Decimal("0.00"), None)
    assert report.origins[1].ultimate == Decimal("0.00")


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (("Z", "2025-01-10", "2025-01-20", "2025-13-01", "0", "1"), "transaction_date"),
        (("Z", "2025-01-10", "2025-01-20", "2025-02-01", "x", "1"), "paid"),
        (("Z", "2025-01-10", "2025-01-20", "2025-02-01", "0", "-1"), "case_reserve"),
        (("Z", "2025-01-10", "2025-01-05", "2025-02-01", "0", "1"), "report_date"),
        (("Z", "2025-01-10", "2025-01-20", "2025-01-15", "0", "1"), "transaction_date"),
        (("", "2025-01-10", "2025-01-20", "2025-02-01", "0", "1"), "claim_id"),
    ],
)
def test_bad_rows_name_their_column_and_row(tmp_path: Path, row: tuple[str, ...], field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        read_transactions(write_csv(tmp_path / "t.csv", [HAND_ROWS[0], row]))
    assert [p.field for p in exc.value.problems] == [field]
    assert "row 3" in exc.value.problems[0].message


def test_a_missing_column_and_mixed_currencies_are_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as exc:
        read_transactions(write_csv(tmp_path / "t.csv", [r[:5] for r in HAND_ROWS], COLUMNS[:5]))
    assert [p.field for p in exc.value.problems] == ["case_reserve"]
    rows = [
        dict(zip(COLUMNS, r, strict=True)) | {"currency": c} for r, c in zip(HAND_ROWS[:2], ("CNY", "USD"), strict=True)
    ]
    with pytest.raises(InvalidInput) as exc:
        read_transactions(write_csv(tmp_path / "c.csv", rows, [*COLUMNS, "currency"]))
    assert [p.field for p in exc.value.problems] == ["currency"]
    usd = [dict(zip(COLUMNS, r, strict=True)) | {"currency": "USD"} for r in HAND_ROWS]
    assert read_transactions(write_csv(tmp_path / "u.csv", usd, [*COLUMNS, "currency"])).currency == "USD"


def test_a_claim_keeps_its_dates(tmp_path: Path) -> None:
    moved = ("A", "2025-01-11", "2025-01-20", "2025-03-01", "0", "1")
    with pytest.raises(InvalidInput) as exc:
        read_transactions(write_csv(tmp_path / "t.csv", [*HAND_ROWS, moved]))
    assert [p.field for p in exc.value.problems] == ["claim_id"]

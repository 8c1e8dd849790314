"""Claim transactions for reserving, read from CSV: one row per payment or case-reserve change of a claim.

Columns: claim_id, accident_date, report_date, transaction_date (ISO dates), paid (the amount paid by that
transaction) and case_reserve (the claim's case reserve after it). Every error names its column and row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from cyberins.model.errors import InvalidInput, InvalidValue, Problem, Said
from cyberins.model.loading import read_csv_rows
from cyberins.model.money import check_amount, check_currency

COLUMNS = ("claim_id", "accident_date", "report_date", "transaction_date", "paid", "case_reserve")


@dataclass(frozen=True)
class Transaction:
    """One movement on a claim: `paid` this time (may be negative: a recovery), `case_reserve` after it."""

    claim_id: str
    accident_date: date
    report_date: date
    transaction_date: date
    paid: Decimal
    case_reserve: Decimal


@dataclass(frozen=True)
class TransactionBook:
    """The transactions of one book of claims, in one currency, in file order."""

    currency: str
    transactions: tuple[Transaction, ...]


def _value(col: str, text: str) -> Any:
    """The cell's value, or ValueError."""
    if col.endswith("_date"):
        return date.fromisoformat(text)
    if col == "claim_id":
        if not text:
            raise ValueError
        return text
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not amount.is_finite() or (col == "case_reserve" and amount < 0):
        raise ValueError
    return check_amount(amount) if amount >= 0 else -check_amount(-amount)  # a paid amount may be a recovery


def _row(row: Mapping[str, str | None], line: int, problems: list[Problem]) -> Transaction | None:
    values: dict[str, Any] = {}
    for col in COLUMNS:
        text = (row.get(col) or "").strip()
        try:
            values[col] = _value(col, text)
        except ValueError:
            expected = Said(f"input.reserving.expected.{'date' if col.endswith('_date') else col}")
            problems.append(
                Problem.of(col, Said("input.reserving.cell", {"line": line, "text": repr(text), "expected": expected}))
            )
    if len(values) < len(COLUMNS):
        return None
    t = Transaction(**values)
    if t.report_date < t.accident_date:
        said = Said("input.reserving.before", {"line": line, "value": t.report_date, "other": "accident_date"})
        problems.append(Problem.of("report_date", said))
    if t.transaction_date < t.report_date:
        said = Said("input.reserving.before", {"line": line, "value": t.transaction_date, "other": "report_date"})
        problems.append(Problem.of("transaction_date", said))
    return t


def read_transactions(path: Path, currency: str | None = None) -> TransactionBook:
    """Read a transactions CSV (`COLUMNS`, optionally `currency`); every problem names its column and row."""
    rows = read_csv_rows(path, COLUMNS)
    problems: list[Problem] = [] if rows else [Problem.of("", Said("input.reserving.no_transactions"))]
    named = {(r.get("currency") or "").strip() for r in rows} - {""}
    if len(named) > 1 or (currency and named and named != {currency}):
        found = ", ".join(sorted((named | {currency or ""}) - {""}))
        problems.append(Problem.of("currency", Said("input.reserving.one_currency", {"found": found})))
    code = currency or (min(named) if named else "CNY")
    try:
        check_currency(code)
    except InvalidValue as exc:
        problems.append(Problem.of("currency", exc.said))
    txs: list[Transaction] = []
    first: dict[str, Transaction] = {}
    for line, row in enumerate(rows, start=2):
        t = _row(row, line, problems)
        if t is not None:
            seen = first.setdefault(t.claim_id, t)
            if (seen.accident_date, seen.report_date) != (t.accident_date, t.report_date):
                said = Said("input.reserving.changes_dates", {"line": line, "claim": t.claim_id})
                problems.append(Problem.of("claim_id", said))
            txs.append(t)
    if problems:
        raise InvalidInput(problems[:20], str(path))
    return TransactionBook(code, tuple(txs))

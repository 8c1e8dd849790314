"""Hand-made claim transactions for the reserving tests (plain data and builders, not fixtures)."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path
from typing import Any

COLUMNS = ["claim_id", "accident_date", "report_date", "transaction_date", "paid", "case_reserve"]

#: Four claims in 2025, valued 2025-09-30, plus claim E reported after the valuation date (IBNR at that date).
#: By accident quarter (hand computation in tests/reserves/test_triangles.py):
#:   A accident Q1, reported Q1: pays 60 (Q1), 40 (Q2), 20 (Q3); reserve 100 → 50 → 20 → 0
#:   B accident Q1, reported Q2: reserve 200 (Q2); pays 150, reserve 30 (Q3)
#:   C accident Q2, reported Q2: pays 30, reserve 70 (Q2); pays 90, reserve 0 (Q3)
#:   D accident Q3, reported Q3: reserve 80; pays 20, reserve 60 (Q3)
HAND_ROWS = [
    ("A", "2025-01-10", "2025-01-20", "2025-01-20", "0", "100"),
    ("A", "2025-01-10", "2025-01-20", "2025-02-15", "60", "50"),
    ("A", "2025-01-10", "2025-01-20", "2025-05-10", "40", "20"),
    ("A", "2025-01-10", "2025-01-20", "2025-08-01", "20", "0"),
    ("B", "2025-02-05", "2025-04-02", "2025-04-02", "0", "200"),
    ("B", "2025-02-05", "2025-04-02", "2025-07-15", "150", "30"),
    ("C", "2025-04-20", "2025-05-01", "2025-05-01", "30", "70"),
    ("C", "2025-04-20", "2025-05-01", "2025-09-10", "90", "0"),
    ("D", "2025-07-04", "2025-07-30", "2025-07-30", "0", "80"),
    ("D", "2025-07-04", "2025-07-30", "2025-09-30", "20", "60"),
    ("E", "2025-09-20", "2025-10-05", "2025-10-05", "0", "40"),
]


def write_csv(path: Path, rows: list[tuple[str, ...]] | list[dict[str, Any]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    return path


def load_raa() -> Any:
    """The RAA triangle that chainladder ships (Mack 1993, 1994)."""
    import chainladder as cl

    with warnings.catch_warnings():
        # chainladder 0.10's load_sample parses the sample's integer years with a date format, which pandas 3
        # deprecates (Pandas4Warning, a DeprecationWarning); the parsed years are right. Only that is ignored.
        warnings.filterwarnings("ignore", message="Parsing integer or float values", category=DeprecationWarning)
        return cl.load_sample("raa")

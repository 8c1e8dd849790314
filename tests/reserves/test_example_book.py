"""The example book (examples/claims/) is what its script writes: deterministic from the seed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cyberins.reserving import read_transactions
from tests.conftest import EXAMPLES

SCRIPT = EXAMPLES / "claims" / "make_transactions.py"


def test_script_reproduces_the_committed_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_transactions", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows, claims, _ = module.write_book(tmp_path)
    for name in ("transactions.csv", "premium.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (EXAMPLES / "claims" / name).read_text(encoding="utf-8")
    book = read_transactions(EXAMPLES / "claims" / "transactions.csv")
    assert len(book.transactions) == rows and len({t.claim_id for t in book.transactions}) == claims
    assert 200 <= rows <= 600 and book.currency == "CNY"

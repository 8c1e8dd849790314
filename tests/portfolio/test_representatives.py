"""Alike systemic hits alone in their policy year go through the terms engine once (portfolio/events.py):
every incident is paid exactly what it is paid when each goes through on its own row."""

from __future__ import annotations

import numpy as np
import pytest

from cyberins.portfolio import events
from cyberins.portfolio.events import line_events, systemic_events
from cyberins.portfolio.simulate import Prepared, run_book
from tests.portfolio.books import book, mixed


def chunk_lines(data: dict, n_years: int) -> list[events.LineEvents]:
    prepared = Prepared.of(book(data))
    scenarios = prepared.book.scenarios
    drawn = [systemic_events(s, 11, 0, n_years) for s in scenarios]
    return [
        line_events(line, prepared.terms[i], scenarios, drawn, list(prepared.bars[i]), 11, 0, n_years)
        for i, line in enumerate(prepared.book.lines)
    ]


def one_row_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "_representatives", lambda period, *_: (None, np.arange(len(period))))


def test_every_incident_is_paid_as_on_its_own_row(monkeypatch: pytest.MonkeyPatch) -> None:
    collapsed = chunk_lines(mixed(), 512)
    one_row_each(monkeypatch)
    full = chunk_lines(mixed(), 512)
    fewer = 0
    for c, f in zip(collapsed, full, strict=True):
        assert np.array_equal(c.copies_period, f.period)
        np.testing.assert_array_equal(c.paid[c.copies_row], f.paid)  # bit for bit
        np.testing.assert_array_equal(c.ground_up[c.copies_row], f.ground_up)
        np.testing.assert_array_equal(c.source[c.copies_row], f.source)
        assert c.weight.sum() == len(f.paid)
        fewer += len(f.paid) - len(c.paid)
    assert fewer > 100  # the mixed book's systemic hits are mostly alone in their year: the test bites


def test_weighted_rows_change_no_year_beyond_rounding(monkeypatch: pytest.MonkeyPatch) -> None:
    ours = run_book(book(mixed()), 600, 4)
    one_row_each(monkeypatch)
    theirs = run_book(book(mixed()), 600, 4)
    for key, column in theirs.ylt.items():
        np.testing.assert_allclose(ours.ylt[key], column, rtol=1e-12, atol=1e-6, err_msg=key)
    for a, b in zip(ours.policy_years, theirs.policy_years, strict=True):
        np.testing.assert_array_equal(a.policy, b.policy)
        np.testing.assert_allclose(a.rows()[2], b.rows()[2], rtol=1e-12)

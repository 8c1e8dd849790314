"""Marginal impact of a line on common random numbers (issue 19 §3): fixed chunks keep every other draw."""

from __future__ import annotations

import numpy as np
import pytest

from cyberins.model.errors import InvalidInput
from cyberins.portfolio.marginal import marginal_impact
from cyberins.portfolio.simulate import CHUNK_YEARS, run_book
from tests.portfolio.books import book, mixed

YEARS = CHUNK_YEARS + 100  # two chunks, the second partial


def test_removing_a_line_leaves_every_other_line_and_event_as_drawn() -> None:
    b = book(mixed())
    m = marginal_impact(b, "retail-edr", YEARS, 4)  # the only retail line
    with_line, without = m.with_line, m.without
    industries = list(with_line.industries)
    retail = industries.index("retail")
    for i, name in enumerate(without.industries):  # the other lines' gross, year by year, bit for bit
        assert np.array_equal(without.gross_by_industry[i], with_line.gross_by_industry[industries.index(name)])
    # So the gross of each year moves by exactly the line's own gross (up to the rounding of one addition).
    np.testing.assert_allclose(
        with_line.ylt["gross"] - without.ylt["gross"], with_line.gross_by_industry[retail], rtol=0, atol=1e-6
    )
    assert with_line.gross_by_industry[retail].sum() > 0
    # The scenarios' events are the same draws: as many in each run.
    assert np.array_equal(with_line.events_by_source[1:], without.events_by_source[1:])


def test_marginal_is_the_difference_of_the_two_runs_measures() -> None:
    b = book(mixed())
    doc = marginal_impact(b, "retail-edr", YEARS, 4).as_dict()
    alone = run_book(b.with_lines(tuple(line for line in b.lines if line.id != "retail-edr")), YEARS, 4)
    whole = run_book(b, YEARS, 4)
    for basis in ("ground_up", "gross", "net"):
        block = doc[basis]
        assert isinstance(block, dict)
        assert block["aal"]["with"] == float(whole.ylt[basis].mean())
        assert block["aal"]["without"] == float(alone.ylt[basis].mean())
        assert block["aal"]["marginal"] == block["aal"]["with"] - block["aal"]["without"]
        for level, values in block["tvar"].items():
            assert values["marginal"] == values["with"] - values["without"], level
    # The treaties are not linear: the line's net marginal is less than its gross marginal here.
    assert 0 < doc["net"]["aal"]["marginal"] < doc["gross"]["aal"]["marginal"]  # type: ignore[index]


def test_an_unknown_or_only_line_is_refused_by_name() -> None:
    b = book(mixed())
    with pytest.raises(InvalidInput, match="--line"):
        marginal_impact(b, "nope", 10, 1)
    with pytest.raises(InvalidInput, match="only line"):
        marginal_impact(b.with_lines(b.lines[:1]), "prof-services", 10, 1)

"""Marginal impact of one line on the book, on common random numbers (issue 19 §3).

The book is run with and without the line over the same years and seed. A line's draws are keyed by the
seed, the chunk and its own id (`portfolio.events`), and chunks are a fixed number of years
(`simulate.CHUNK_YEARS`), so every other line and every scenario event is drawn identically in both runs:
the difference of each year is the line's own effect (its losses, and what the treaties and covers make of
them), not sampling noise, and the difference of each measure is the marginal impact.
"""

from __future__ import annotations

from dataclasses import dataclass

from cyberins.model.errors import InvalidInput, Said
from cyberins.portfolio.book import Book
from cyberins.portfolio.simulate import Mapper, PortfolioRun, run_book
from cyberins.quant.metrics import LossMeasures

#: The per-year bases compared (YLT columns) and the column of each year's largest occurrence.
BASES = ("ground_up", "gross", "net")


@dataclass(frozen=True)
class Marginal:
    """The two runs of a marginal impact: the book as written and the book without the line."""

    line: str
    with_line: PortfolioRun
    without: PortfolioRun

    def as_dict(self) -> dict[str, object]:
        """Per basis: the AAL and the TVaR at each level with the line, without it, and the difference."""
        out: dict[str, object] = {"line": self.line, "years": self.with_line.years, "seed": self.with_line.seed}
        for basis in BASES:
            a = LossMeasures.of(self.with_line.ylt[basis], self.with_line.largest[basis])
            b = LossMeasures.of(self.without.ylt[basis], self.without.largest[basis])
            out[basis] = {
                "aal": {"with": a.aal, "without": b.aal, "marginal": a.aal - b.aal},
                "tvar": {
                    level: {"with": a.tvar[level], "without": b.tvar[level], "marginal": a.tvar[level] - b.tvar[level]}
                    for level in a.tvar
                },
            }
        return out


def marginal_impact(book: Book, line_id: str, years: int, seed: int, mapper: Mapper | None = None) -> Marginal:
    """Run `book` with and without its line `line_id` (every copy of it) on common random numbers."""
    rest = tuple(line for line in book.lines if line.id != line_id)
    if len(rest) == len(book.lines):
        known = ", ".join(line.id for line in book.lines)
        raise InvalidInput.one(
            "--line",
            Said(
                "input.portfolio.unknown_in_book",
                {"what": Said("input.portfolio.line"), "value": repr(line_id), "known": known},
            ),
        )
    if not rest:
        raise InvalidInput.one("--line", Said("input.portfolio.only_line", {"line": repr(line_id)}))
    return Marginal(
        line=line_id,
        with_line=run_book(book, years, seed, mapper),
        without=run_book(book.with_lines(rest), years, seed, mapper),
    )

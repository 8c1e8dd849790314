"""The portfolio year simulation (contract §2): chunks of whole years, each an independent pure computation.

`simulate_chunk` is the kernel: for years ``start … start + n_years − 1`` it draws every scenario's events,
runs each line (all its copies at once, `portfolio.events`) through its policy, applies the treaties to the
chunk's occurrences and returns per-year sums. `run_book` maps it over the chunks, in-process or with any
`map` (a Dask client's, `portfolio.cluster`), and joins the chunks in order: chunk sizes and seeds depend on
the number of years only (never the book, the machine or the workers), so every way of running gives the
same numbers, bit for bit, and a line's draws are the same in any book that holds it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np

from cyberins.model.errors import InvalidInput
from cyberins.portfolio.book import Book
from cyberins.portfolio.events import Bar, LineEvents, SystemicEvents, bar, line_events, systemic_events
from cyberins.portfolio.treaties import GrossRows, IndustryEvents, apply_programme, ils_payouts
from cyberins.quant.metrics import LEVELS
from cyberins.quant.model import FloatArray, IntArray
from cyberins.terms import CompiledTerms

#: Years per chunk, whatever the book: the unit of work and of seeding. Fixed, so that adding or removing a
#: line leaves every other line's random streams where they were (common random numbers, `portfolio.marginal`);
#: 512 years hold about 1.8 million event rows at 10,000 policies (a few hundred MB at once) and cost no more
#: CPU per year than larger chunks (docs/portfolio.md "Scale").
CHUNK_YEARS = 512
#: The most years one run may hold (per-year arrays of a few dozen columns stay under a few GB).
MAX_YEARS = 4_194_304


def chunks(years: int, size: int = CHUNK_YEARS) -> list[tuple[int, int, int]]:
    """`(chunk, first year, years in it)` for `years` simulated years in chunks of `size` years."""
    return [(c, start, min(size, years - start)) for c, start in enumerate(range(0, years, size))]


@dataclass(frozen=True)
class Prepared:
    """What every chunk reads: the book, each line's compiled terms and each (line, scenario) exclusion."""

    book: Book
    terms: tuple[CompiledTerms | None, ...]
    bars: tuple[tuple[Bar, ...], ...]
    #: Index of each line's industry in `industries`; of each source's dependency in `dependencies`.
    industries: tuple[str, ...]
    industry_of: IntArray
    #: The first expanded-policy index of each line.
    first_policy: IntArray

    @classmethod
    def of(cls, book: Book) -> Prepared:
        industries = tuple(dict.fromkeys(line.industry for line in book.lines))
        counts = np.array([line.count for line in book.lines], dtype=np.int64)
        return cls(
            book=book,
            # The terms engine's compiled kernels: a chunk runs millions of rows through them.
            terms=tuple(
                None if line.policy is None else replace(CompiledTerms.from_policy(line.policy), jit=True)
                for line in book.lines
            ),
            bars=tuple(tuple(bar(line, s) for s in book.scenarios) for line in book.lines),
            industries=industries,
            industry_of=np.array([industries.index(line.industry) for line in book.lines], dtype=np.int64),
            first_policy=np.cumsum(counts) - counts,
        )


@dataclass
class ChunkResult:
    """Per-year sums of one chunk (arrays of `n_years`), and the chunk's totals by group."""

    chunk: int
    start: int
    n_years: int
    ground_up: FloatArray
    ground_up_largest: FloatArray
    gross: FloatArray
    gross_largest: FloatArray
    net: FloatArray
    net_largest: FloatArray
    #: Sources × years: own events (row 0), then each scenario.
    gross_by_source: FloatArray
    #: Industries × years.
    gross_by_industry: FloatArray
    ground_up_by_source: FloatArray
    ground_up_by_industry: FloatArray
    events_by_source: IntArray
    under_review: FloatArray
    ceded: dict[str, FloatArray] = field(default_factory=dict)
    ceded_largest: dict[str, FloatArray] = field(default_factory=dict)
    reinstatement_premium: dict[str, FloatArray] = field(default_factory=dict)
    ils: dict[str, FloatArray] = field(default_factory=dict)
    #: Sparse gross by (year in chunk, expanded policy): for the Euler contributions by policy.
    policy_year: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    policy_index: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    policy_gross: FloatArray = field(default_factory=lambda: np.zeros(0))


def simulate_chunk(prepared: Prepared, seed: int, chunk: int, start: int, n_years: int) -> ChunkResult:
    """The kernel: every line's own events and systemic hits in years `start …`, their terms, the treaties."""
    book = prepared.book
    n_sources = 1 + len(book.scenarios)
    events = [systemic_events(s, seed, chunk, n_years) for s in book.scenarios]
    offsets = np.cumsum([0] + [e.n for e in events])  # occurrence ids: scenario events first, own events after
    n_systemic = int(offsets[-1])
    acc = _ChunkSums(n_years, n_sources, len(prepared.industries), n_systemic)
    for s, e in enumerate(events):
        acc.events_by_source[1 + s] = e.n
    own_next = n_systemic
    for i, line in enumerate(book.lines):
        rows = line_events(
            line, prepared.terms[i], book.scenarios, events, list(prepared.bars[i]), seed, chunk, n_years
        )
        own = rows.source == 0
        occurrence = np.where(own, 0, offsets[np.maximum(rows.source - 1, 0)] + rows.occurrence)
        n_own = int(own.sum())
        occurrence[own] = own_next + np.arange(n_own)
        own_next += n_own
        acc.events_by_source[0] += n_own
        acc.add(rows, occurrence, int(prepared.industry_of[i]), int(prepared.first_policy[i]))
    return acc.finish(prepared, chunk, start, events)


def policy_years(rows: LineEvents, n_years: int, first_policy: int) -> tuple[IntArray, IntArray, FloatArray]:
    """(year in the chunk, expanded policy, gross) of each copy of a line in each year it pays something:
    sparse, since most policy years pay nothing. int32 (years < 2²², policies < 2³¹)."""
    by_period = np.bincount(rows.copies_period, weights=rows.paid[rows.copies_row]).astype(np.float64)
    period = np.flatnonzero(by_period > 0).astype(np.int64)
    which, year_of = np.divmod(period, n_years)
    return year_of.astype(np.int32), (first_policy + which).astype(np.int32), by_period[period]


class _ChunkSums:
    """Running sums of one chunk over its lines."""

    def __init__(self, n_years: int, n_sources: int, n_industries: int, n_systemic: int) -> None:
        self.n = n_years
        self.ground_up, self.gross, self.under_review = np.zeros(n_years), np.zeros(n_years), np.zeros(n_years)
        self.gross_by_source = np.zeros((n_sources, n_years))
        self.gross_by_industry = np.zeros((n_industries, n_years))
        self.ground_up_by_source, self.ground_up_by_industry = np.zeros(n_sources), np.zeros(n_industries)
        self.events_by_source = np.zeros(n_sources, dtype=np.int64)
        self.sys_ground_up, self.sys_gross = np.zeros(n_systemic), np.zeros(n_systemic)
        self.ground_up_largest, self.gross_largest = np.zeros(n_years), np.zeros(n_years)
        self.rows: list[tuple[IntArray, IntArray, FloatArray, IntArray, FloatArray, FloatArray]] = []
        self.policy_years: list[tuple[IntArray, IntArray, FloatArray]] = []

    def add(self, rows: LineEvents, occurrence: IntArray, industry: int, first_policy: int) -> None:
        """One line's rows; a row counts `weight` times (the incidents it stands for)."""
        n = self.n
        copy, year = np.divmod(rows.period, n)
        own = rows.source == 0
        paid, ground_up = rows.paid * rows.weight, rows.ground_up * rows.weight
        self.ground_up += np.bincount(year, weights=ground_up, minlength=n)
        line_gross = np.bincount(year, weights=paid, minlength=n)
        self.gross += line_gross
        if rows.under_review is not None:
            self.under_review += np.bincount(year, weights=rows.under_review * rows.weight, minlength=n)
        width = self.gross_by_source.shape[0]
        self.gross_by_source += np.bincount(rows.source * n + year, weights=paid, minlength=width * n).reshape(width, n)
        self.gross_by_industry[industry] += line_gross
        self.ground_up_by_source += np.bincount(rows.source, weights=ground_up, minlength=width)
        self.ground_up_by_industry[industry] += ground_up.sum()
        # Own events are occurrences of their own (one row, one incident): the year's largest is a maximum.
        np.maximum.at(self.ground_up_largest, year[own], rows.ground_up[own])
        np.maximum.at(self.gross_largest, year[own], rows.paid[own])
        systemic = ~own
        m = len(self.sys_gross)
        self.sys_ground_up += np.bincount(occurrence[systemic], weights=ground_up[systemic], minlength=m)
        self.sys_gross += np.bincount(occurrence[systemic], weights=paid[systemic], minlength=m)
        pays = rows.paid > 0
        self.rows.append(
            (
                year[pays],
                occurrence[pays],
                rows.time[pays],
                first_policy + copy[pays],
                rows.paid[pays],
                rows.weight[pays],
            )
        )
        self.policy_years.append(policy_years(rows, n, first_policy))

    def finish(self, prepared: Prepared, chunk: int, start: int, events: Sequence[SystemicEvents]) -> ChunkResult:
        n = self.n
        sys_year = np.concatenate([e.year for e in events]) if events else np.zeros(0, dtype=np.int64)
        np.maximum.at(self.ground_up_largest, sys_year, self.sys_ground_up)
        np.maximum.at(self.gross_largest, sys_year, self.sys_gross)

        def joined(k: int, dtype: type) -> Any:
            return (
                np.concatenate([r[k] for r in self.rows]).astype(dtype, copy=False) if self.rows else np.zeros(0, dtype)
            )

        # In line order, unsorted: the treaties order the occurrences themselves (`Occurrences.of` sorts one
        # key per occurrence, not the rows), and an occurrence's rows are summed in line order either way.
        rows = GrossRows(
            joined(0, np.int64), joined(1, np.int64), joined(2, np.float64),
            joined(3, np.int64), joined(4, np.float64), joined(5, np.float64),
        )  # fmt: skip
        out = ChunkResult(
            chunk=chunk,
            start=start,
            n_years=n,
            ground_up=self.ground_up,
            ground_up_largest=self.ground_up_largest,
            gross=self.gross,
            gross_largest=self.gross_largest,
            net=self.gross.copy(),
            net_largest=self.gross_largest.copy(),
            gross_by_source=self.gross_by_source,
            gross_by_industry=self.gross_by_industry,
            ground_up_by_source=self.ground_up_by_source,
            ground_up_by_industry=self.ground_up_by_industry,
            events_by_source=self.events_by_source,
            under_review=self.under_review,
        )
        book = prepared.book
        if book.reinsurance or book.ils:
            _programme(out, rows, book, IndustryEvents(sys_year, self.sys_ground_up))
        if self.policy_years:
            out.policy_year, out.policy_index, out.policy_gross = (
                np.concatenate([p[k] for p in self.policy_years]) for k in range(3)
            )
        return out


def _programme(out: ChunkResult, rows: GrossRows, book: Book, industry: IndustryEvents) -> None:
    """The treaties in inuring order and the bonds on the chunk's occurrences (`portfolio.treaties`)."""
    n = out.n_years
    result = apply_programme(rows, list(book.reinsurance), n)
    out.net, out.net_largest = result.net_annual, result.net_largest
    for treaty in book.reinsurance:
        out.ceded[treaty.id] = result.ceded_annual[treaty.id]
        out.ceded_largest[treaty.id] = result.ceded_largest[treaty.id]
        if treaty.id in result.reinstatement_premium:
            out.reinstatement_premium[treaty.id] = result.reinstatement_premium[treaty.id]
    for bond in book.ils:
        out.ils[bond.id] = ils_payouts(bond, rows, result.net, n, industry)


#: How chunks are mapped: in-process by default, or on a Dask cluster (`portfolio.cluster`); results may come
#: in any order (they are joined in chunk order).
Mapper = Callable[[Callable[..., ChunkResult], Prepared, int, list[tuple[int, int, int]]], Iterable[ChunkResult]]


def map_in_process(
    kernel: Callable[..., ChunkResult], prepared: Prepared, seed: int, work: list[tuple[int, int, int]]
) -> Iterator[ChunkResult]:
    for c, start, n in work:
        yield kernel(prepared, seed, c, start, n)


class _TailBound:
    """Per level and policy, an upper bound of the policy's gross over the years that level's tail can
    hold, so that no policy year need be kept (issue 19 §4: they were most of a long run's memory).

    The Euler weights at a level are zero outside its worst ⌊(1 − level)·N⌋ + 1 years, whose gross is at
    least the `keep`-th largest annual gross. The worst `keep` years seen so far give a threshold that only
    rises as chunks arrive, so it never passes that final value: a chunk's policy years at or above it are
    added to the level's `bound`, the others can never be in its tail. So a contribution is at most
    max(weights) · bound (`PolicyContributions` re-simulates only the lines that can reach the top).
    """

    def __init__(self, years: int, policies: int) -> None:
        self.keep = [int((1 - Fraction(str(level))) * years) + 1 for level in LEVELS]
        self.top = [np.zeros(0) for _ in LEVELS]
        self.bound = np.zeros((len(LEVELS), policies))

    def threshold(self, k: int) -> float:
        return float(self.top[k].min()) if len(self.top[k]) >= self.keep[k] else -math.inf

    def add(self, part: ChunkResult) -> None:
        gross_of_row = part.gross[part.policy_year]
        for k, keep in enumerate(self.keep):
            both = np.concatenate([self.top[k], part.gross])
            self.top[k] = both if len(both) <= keep else np.partition(both, len(both) - keep)[-keep:]
            kept = gross_of_row >= self.threshold(k)
            self.bound[k] += np.bincount(
                part.policy_index[kept], weights=part.policy_gross[kept], minlength=self.bound.shape[1]
            )
        part.policy_year, part.policy_index = np.zeros(0, np.int32), np.zeros(0, np.int32)
        part.policy_gross = np.zeros(0)

    @property
    def thresholds(self) -> FloatArray:
        """Per level: the threshold every year counted in its bound reached (the final one)."""
        return np.array([self.threshold(k) for k in range(len(LEVELS))])


@dataclass(frozen=True)
class PortfolioRun:
    """The joined chunks: one row per simulated year (`ylt`), the groups' totals and the sparse policy years."""

    book: Book
    years: int
    seed: int
    ylt: dict[str, FloatArray]
    largest: dict[str, FloatArray]
    gross_by_industry: FloatArray
    industries: tuple[str, ...]
    ground_up_by_source: FloatArray
    ground_up_by_industry: FloatArray
    events_by_source: IntArray
    under_review: FloatArray
    #: Levels × expanded policies: an upper bound of each policy's gross over the years each level's tail can
    #: hold, and per level the annual gross every year counted in it reaches (`_TailBound`).
    policy_bound: FloatArray
    bound_threshold: FloatArray
    extra: dict[str, Any] = field(default_factory=dict)


def run_book(book: Book, years: int, seed: int, mapper: Mapper | None = None) -> PortfolioRun:
    """Simulate `years` years of `book` (contract §2) with the chunks mapped by `mapper` (in-process default)."""
    if not 1 <= years <= MAX_YEARS:
        raise InvalidInput.one("--years", f"{years} is outside 1 to {MAX_YEARS:,}")
    prepared = Prepared.of(book)
    tail = _TailBound(years, book.policies)
    parts = []
    for result in (mapper or map_in_process)(simulate_chunk, prepared, seed, chunks(years)):
        tail.add(result)
        parts.append(result)
    return _join(prepared, years, seed, sorted(parts, key=lambda r: r.chunk), tail)


def _join(prepared: Prepared, years: int, seed: int, parts: list[ChunkResult], tail: _TailBound) -> PortfolioRun:
    book = prepared.book

    def cat(pick: Callable[[ChunkResult], FloatArray]) -> FloatArray:
        return np.concatenate([pick(p) for p in parts], axis=-1)

    ylt: dict[str, FloatArray] = {
        "ground_up": cat(lambda p: p.ground_up),
        "gross": cat(lambda p: p.gross),
        "gross_largest": cat(lambda p: p.gross_largest),
        "net": cat(lambda p: p.net),
    }
    by_source = cat(lambda p: p.gross_by_source)
    for s, sid in enumerate(["own_events", *(sc.id for sc in book.scenarios)]):
        ylt[f"gross.{sid}"] = by_source[s]
    largest = {
        "ground_up": cat(lambda p: p.ground_up_largest),
        "gross": ylt["gross_largest"],
        "net": cat(lambda p: p.net_largest),
    }

    def named(pick: Callable[[ChunkResult], dict[str, FloatArray]], key: str) -> FloatArray:
        return np.concatenate([pick(p)[key] for p in parts])

    for t in book.reinsurance:
        ylt[f"ceded.{t.id}"] = named(lambda p: p.ceded, t.id)
        largest[f"ceded.{t.id}"] = named(lambda p: p.ceded_largest, t.id)
    for t in book.reinsurance:
        if t.id in parts[0].reinstatement_premium:
            ylt[f"reinstatement_premium.{t.id}"] = named(lambda p: p.reinstatement_premium, t.id)
    for b in book.ils:
        ylt[f"ils.{b.id}"] = named(lambda p: p.ils, b.id)
    return PortfolioRun(
        book=book,
        years=years,
        seed=seed,
        ylt=ylt,
        largest=largest,
        gross_by_industry=cat(lambda p: p.gross_by_industry),
        industries=prepared.industries,
        ground_up_by_source=sum((p.ground_up_by_source for p in parts), np.zeros(1 + len(book.scenarios))),
        ground_up_by_industry=sum((p.ground_up_by_industry for p in parts), np.zeros(len(prepared.industries))),
        events_by_source=sum((p.events_by_source for p in parts), np.zeros(1 + len(book.scenarios), dtype=np.int64)),
        under_review=cat(lambda p: p.under_review),
        policy_bound=tail.bound,
        bound_threshold=tail.thresholds,
    )


class PolicyContributions:
    """Exact Euler contributions of the policies that can be among the `n` largest, by re-simulating lines.

    A policy's gross in a year depends on its own line's draws alone (keyed by the line's id, the chunk and
    the seed), so one line is re-simulated over every chunk to get its copies' policy years exactly as the
    run had them. Lines are taken by their policies' `policy_bound`, largest first, until the n-th largest
    exact contribution exceeds what any policy of a line not yet taken could reach (max(weights) · bound):
    then the n largest are exact and complete. Lines taken once serve every level.
    """

    def __init__(self, run: PortfolioRun, n: int) -> None:
        self.run, self.n = run, n
        self.prepared = Prepared.of(run.book)
        self.line_of = np.repeat(np.arange(len(run.book.lines)), [line.count for line in run.book.lines])
        self.rows: dict[int, tuple[IntArray, IntArray, FloatArray]] = {}
        # Only the years some level's tail can hold are kept from a re-simulated line.
        self.floor = float(run.bound_threshold.min())

    def values(self, weights: FloatArray) -> dict[int, float]:
        """Expanded policy → exact contribution, for every policy of the lines taken (policy order)."""
        # The tightest level bound that counted every year these weights reach.
        lowest = float(self.run.ylt["gross"][weights > 0].min())
        level = int(np.flatnonzero(self.run.bound_threshold <= lowest)[-1])
        policy_bound = self.run.policy_bound[level]
        bound = policy_bound * float(weights.max()) * (1 + 1e-9)  # the margin: float rounding
        for p in np.argsort(-policy_bound, kind="stable"):
            line = int(self.line_of[p])
            if line in self.rows or bound[p] <= 0:
                continue
            exact = sorted(self._exact(weights).values(), reverse=True)
            if len(exact) >= self.n and exact[self.n - 1] > bound[p]:
                break  # no policy left can reach the top n
            self.rows[line] = self._line_years(line)
        return self._exact(weights)

    def _exact(self, weights: FloatArray) -> dict[int, float]:
        from cyberins.portfolio.measures import row_contributions

        out: dict[int, float] = {}
        for line in sorted(self.rows):
            year, index, gross = self.rows[line]
            first = int(self.prepared.first_policy[line])
            count = self.run.book.lines[line].count
            values = row_contributions(weights, year, index - first, gross, count)
            out.update({first + int(i): float(values[i]) for i in np.flatnonzero(values > 0)})
        return out

    def _line_years(self, i: int) -> tuple[IntArray, IntArray, FloatArray]:
        """The policy years of line `i` over the run's chunks, as `simulate_chunk` finds them."""
        book, prepared, seed = self.run.book, self.prepared, self.run.seed
        line, first = book.lines[i], int(prepared.first_policy[i])
        years: list[IntArray] = []
        index: list[IntArray] = []
        gross: list[FloatArray] = []
        for c, start, n in chunks(self.run.years):
            events = [systemic_events(s, seed, c, n) for s in book.scenarios]
            rows = line_events(line, prepared.terms[i], book.scenarios, events, list(prepared.bars[i]), seed, c, n)
            y, p, g = policy_years(rows, n, first)
            tail = self.run.ylt["gross"][y.astype(np.int64) + start] >= self.floor
            years.append(y[tail].astype(np.int64) + start)
            index.append(p[tail])
            gross.append(g[tail])
        return np.concatenate(years), np.concatenate(index), np.concatenate(gross)

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
import numpy.typing as npt

from cyberins.model.errors import InvalidInput, Said
from cyberins.portfolio.book import Book
from cyberins.portfolio.events import Bar, LineEvents, SystemicEvents, bar, line_events, systemic_events
from cyberins.portfolio.measures import PolicyTail
from cyberins.portfolio.treaties import GrossRows, IndustryEvents, apply_programme, ils_payouts
from cyberins.quant.metrics import LEVELS
from cyberins.quant.model import FloatArray, IntArray
from cyberins.terms import CompiledTerms

#: Policy-year rows are the largest store of a long run: int32 (years and policies stay below 2**31) halves it.
Int32Array = npt.NDArray[np.int32]

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
    #: Gross by (year in chunk, expanded policy), for the Euler contributions by policy: only the years at or
    #: above the tail threshold the chunk was given (`_TailYears`), grouped.
    policy_tail: PolicyTail = field(default_factory=PolicyTail.empty)


def simulate_chunk(
    prepared: Prepared, seed: int, chunk: int, start: int, n_years: int, threshold: float = -math.inf
) -> ChunkResult:
    """The kernel: every line's own events and systemic hits in years `start …`, their terms, the treaties.

    `threshold` is the run's tail threshold when the chunk starts (`_TailYears`): the policy years of the
    chunk's years whose gross is below it can never count and are dropped here, where the chunk runs (a Dask
    worker sends back and the parent merges only the rest); nothing else depends on it."""
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
    return acc.finish(prepared, chunk, start, events, threshold)


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
        self.policy_years: list[tuple[Int32Array, Int32Array, FloatArray]] = []

    def add(self, rows: LineEvents, occurrence: IntArray, industry: int, first_policy: int) -> None:
        """One line's rows; a row counts `weight` times (the incidents it stands for)."""
        from cyberins.portfolio.jit import line_sums  # numba: only once a book is simulated, as `terms.fused`

        n = self.n
        copy, year = np.divmod(rows.period, n)
        gross, ground_up, review, by_source, gu_by_source, gu_largest, gross_largest, sys_gu, sys_gross = line_sums(
            year, rows.source, occurrence, rows.paid, rows.ground_up, rows.weight, rows.under_review,
            n, self.gross_by_source.shape[0], len(self.sys_gross),
        )  # fmt: skip
        self.ground_up += ground_up
        self.gross += gross
        if rows.under_review is not None:
            self.under_review += review
        self.gross_by_source += by_source
        self.gross_by_industry[industry] += gross
        self.ground_up_by_source += gu_by_source
        self.ground_up_by_industry[industry] += gu_by_source.sum()
        np.maximum(self.ground_up_largest, gu_largest, out=self.ground_up_largest)
        np.maximum(self.gross_largest, gross_largest, out=self.gross_largest)
        self.sys_ground_up += sys_gu
        self.sys_gross += sys_gross
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
        # Each copy's gross by year, kept where it is positive (sparse: most policy years pay nothing).
        by_period = np.bincount(rows.copies_period, weights=rows.paid[rows.copies_row]).astype(np.float64)
        period = np.flatnonzero(by_period > 0).astype(np.int64)
        # int32 (years < 2²², policies < 2³¹): over a long run these rows are the largest thing held.
        which, year_of = np.divmod(period, n)
        self.policy_years.append((year_of.astype(np.int32), (first_policy + which).astype(np.int32), by_period[period]))

    def finish(
        self, prepared: Prepared, chunk: int, start: int, events: Sequence[SystemicEvents], threshold: float
    ) -> ChunkResult:
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
        self.rows = []  # the lines' pieces, joined: not held twice while the treaties run
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
            year, policy, gross = (np.concatenate([p[k] for p in self.policy_years]) for k in range(3))
            self.policy_years = []
            # Whole years in or out, so the groups kept are those `PolicyTail.of` makes of every row, in order.
            keep = out.gross[year] >= threshold
            out.policy_tail = PolicyTail.of(year[keep], policy[keep], gross[keep])
        return out


def _programme(out: ChunkResult, rows: GrossRows, book: Book, industry: IndustryEvents) -> None:
    """The treaties in inuring order and the bonds on the chunk's occurrences (`portfolio.treaties`)."""
    n = out.n_years
    # By row only for the bonds (`ils_payouts` reads the net by row); the chunk's sums need none.
    result = apply_programme(rows, list(book.reinsurance), n, by_row=bool(book.ils))
    out.net, out.net_largest = result.net_annual, result.net_largest
    for treaty in book.reinsurance:
        out.ceded[treaty.id] = result.ceded_annual[treaty.id]
        out.ceded_largest[treaty.id] = result.ceded_largest[treaty.id]
        if treaty.id in result.reinstatement_premium:
            out.reinstatement_premium[treaty.id] = result.reinstatement_premium[treaty.id]
    for bond in book.ils:
        out.ils[bond.id] = ils_payouts(bond, rows, result.net, n, industry)


#: A chunk as the kernel takes it after `prepared` and the seed: (chunk, first year, years in it, tail threshold).
Work = tuple[int, int, int, float]
#: How chunks are mapped: in-process by default, or on a Dask cluster (`portfolio.cluster`); results may come
#: in any order (they are joined in chunk order). `work` is lazy: each item carries the tail threshold as it
#: stands when the mapper takes the item up, so a mapper should take one up only when it can start it.
Mapper = Callable[[Callable[..., ChunkResult], Prepared, int, Iterable[Work]], Iterable[ChunkResult]]


def map_in_process(
    kernel: Callable[..., ChunkResult], prepared: Prepared, seed: int, work: Iterable[Work]
) -> Iterator[ChunkResult]:
    for item in work:
        yield kernel(prepared, seed, *item)


class _TailYears:
    """Keeps the per-policy years only where they can count: in a year among the worst ⌊(1 − 0.9)·N⌋ + 1.

    The Euler weights of every level are zero outside the worst (1 − level)·N years and the boundary one, and
    the lowest level's tail holds the others'. The worst `keep` annual gross losses seen so far give a
    threshold that only rises as chunks arrive; a chunk's policy years below it can never be in the tail. Each
    chunk is given the threshold as it stands when the chunk starts and drops them itself (`simulate_chunk`,
    on a Dask worker too), grouped (`measures.PolicyTail`); here the chunk's groups are cut to the threshold
    its own years raise, and the parts held are cut again as it rises, so memory holds about a tenth of the
    policy years at about a third of the size, whatever the number of years. Whatever threshold each chunk
    was given and in whatever order they arrive, what is kept in the end is every policy year at or above the
    final threshold, which is the same in any order.
    """

    def __init__(self, years: int) -> None:
        m = (1 - Fraction(str(min(LEVELS)))) * years
        self.keep = int(m) + 1
        self.top = np.zeros(0)
        self.parts: dict[int, ChunkResult] = {}
        self.rows_at_prune = 0

    @property
    def threshold(self) -> float:
        return float(self.top.min()) if len(self.top) >= self.keep else -math.inf

    def add(self, part: ChunkResult) -> None:
        both = np.concatenate([self.top, part.gross])
        self.top = both if len(both) <= self.keep else np.partition(both, len(both) - self.keep)[-self.keep :]
        self.parts[part.chunk] = part
        self._cut(part)
        held = sum(len(p.policy_tail) for p in self.parts.values())
        if held > 1.25 * self.rows_at_prune:  # amortised: each row is re-examined a bounded number of times
            self._prune()
            self.rows_at_prune = sum(len(p.policy_tail) for p in self.parts.values())

    def _cut(self, part: ChunkResult) -> None:
        part.policy_tail = part.policy_tail.where(part.gross[part.policy_tail.year] >= self.threshold)

    def _prune(self) -> None:
        for part in self.parts.values():
            self._cut(part)

    def finish(self) -> list[ChunkResult]:
        self._prune()
        return [self.parts[c] for c in sorted(self.parts)]


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
    #: The policy years of the tail (see `_TailYears`), one part per chunk, in the run's years.
    policy_years: list[PolicyTail]
    extra: dict[str, Any] = field(default_factory=dict)


def run_book(
    book: Book, years: int, seed: int, mapper: Mapper | None = None, progress: Callable[[int], None] | None = None
) -> PortfolioRun:
    """Simulate `years` years of `book` (contract §2) with the chunks mapped by `mapper` (in-process default);
    `progress` hears the years of each chunk as it arrives (a page's progress bar)."""
    if not 1 <= years <= MAX_YEARS:
        raise InvalidInput.one("--years", Said("input.portfolio.years_outside", {"years": years, "high": MAX_YEARS}))
    prepared = Prepared.of(book)
    tail = _TailYears(years)
    # A generator: each chunk is given the threshold of the chunks that have arrived when it is taken up.
    work = ((c, start, n, tail.threshold) for c, start, n in chunks(years))
    for result in (mapper or map_in_process)(simulate_chunk, prepared, seed, work):
        tail.add(result)
        if progress:
            progress(len(result.gross))
    return _join(prepared, years, seed, tail.finish())


def _join(prepared: Prepared, years: int, seed: int, parts: list[ChunkResult]) -> PortfolioRun:
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
        policy_years=[p.policy_tail.shifted(p.start) for p in parts],
    )

"""What one line suffers in one chunk of years: its own events and its systemic hits, as one loss table.

The copies of a line are independent insureds with one model and one policy, so they are simulated as one
long run of years: copy j's year y is period ``j·n_years + y`` of the line's table. Each period is a policy
year of one insured, so the terms engine erodes each copy's sublimits and aggregate separately, in time
order, with its own events and its systemic hits together (rule 15), in ONE call per line.

Random streams (`cyberins.quant.streams`), keyed so that nothing depends on the machine, the number of
workers or the order of the lines:

- own events of copies ``b·g … b·g + g − 1`` (a batch; g = ⌊65,536 / n_years⌋, a function of the chunk
  size only): ``(seed, chunk, event-type code, line code, b, purpose)``, drawn by `quant.simulate.draw_events`
  exactly as `cyberins simulate` draws one insured's years;
- a scenario's events in a chunk (how many, when, and the ONE duration each): ``(seed, chunk, SYSTEMIC,
  scenario code, purpose)``;
- which copies of a line a scenario's events hit: ``(seed, chunk, HITS, scenario code, line code, purpose)``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from cyberins.claims.decision import attribution_bars
from cyberins.model.ids import Confidence, Coverage, EventType, Exclusion
from cyberins.portfolio.book import BI_PER_HOUR, HOURS, Line, Scenario
from cyberins.quant.arrivals import MAX_YEARS, TICKS_PER_YEAR, TIME_BITS, poisson_occurrences
from cyberins.quant.model import FloatArray, IntArray
from cyberins.quant.simulate import draw_events
from cyberins.quant.streams import Stream, source, type_streams
from cyberins.terms import CompiledTerms, LossTable, Outages, apply_terms
from cyberins.terms.tables import BoolArray

#: Key tags that keep the scenario and hit streams apart from the own-event streams.
SYSTEMIC = 1
HITS = 2
EVENT_TYPES = list(EventType)
#: The coverages in catalog order (iterating the enum itself costs a call per member, per line and chunk).
COVERAGES = tuple(Coverage)


@functools.cache
def code(key: str) -> int:
    """The stable integer of an id (its UTF-8 bytes, little-endian), as `quant.streams.type_code` does."""
    return int.from_bytes(key.encode("utf-8"), "little")


@dataclass(frozen=True)
class SystemicEvents:
    """One scenario's events in one chunk: year, time in the year (0 to 1) and the shared duration (hours)."""

    year: IntArray
    time: FloatArray
    duration_h: FloatArray

    @property
    def n(self) -> int:
        return len(self.year)


def systemic_events(scenario: Scenario, seed: int, chunk: int, n_years: int) -> SystemicEvents:
    """Poisson(rate) events a year at uniform times; ONE duration per event, for every policy it hits."""
    streams = source(seed, chunk, SYSTEMIC, code(scenario.id))
    ticks = poisson_occurrences(streams, n_years, scenario.rate).ticks
    order = np.argsort(ticks, kind="stable")
    ticks = ticks[order]
    duration = scenario.duration_hours.sample(streams(Stream.SEVERITY), len(ticks))[order]  # row k: event k
    year = (ticks >> np.uint64(TIME_BITS)).astype(np.int64)
    time = (ticks & np.uint64(TICKS_PER_YEAR - 1)).astype(np.float64) / TICKS_PER_YEAR
    return SystemicEvents(year, time, np.maximum(np.asarray(duration, dtype=np.float64), 0.0))


@dataclass(frozen=True)
class Bar:
    """How a line's policy treats a scenario (rule 9 through the claims decision): barred by which exclusion,
    or paid while the attribution is under review (rule 20)."""

    exclusion: Exclusion | None
    under_review: bool


def bar(line: Line, scenario: Scenario, confidence: Confidence | None = None) -> Bar:
    """The claims decision's exclusions for `scenario` under `line`'s policy (`confidence` overrides the
    scenario's; no confidence reads as low, as an incident's attribution does)."""
    if line.policy is None:
        return Bar(None, False)
    given = confidence or scenario.attribution_confidence or Confidence.LOW
    bars, under_review = attribution_bars(
        line.policy,
        war=scenario.war,
        state_backed=scenario.state_backed,
        confidence=given,
        infrastructure_failure=scenario.infrastructure_failure,
    )
    return Bar(bars[0] if bars else None, under_review)


@dataclass(frozen=True)
class LineEvents:
    """A line's events of one chunk after its policy's terms, in the table's row order.

    `period` is copy·n_years + year; `source` 0 for own events, 1 + i for scenario i; `occurrence` the
    scenario event's index within its scenario's chunk events (−1 for own events, each its own occurrence).

    A row may stand for several incidents (`weight` of them): the copies one systemic event hits that suffer
    nothing else in their policy year. Their losses are alike and nothing erodes their limits first, so the
    terms engine pays each the same; it runs once for them all (see `line_events`). Every incident is listed
    in `copies_period` (its copy's period) and `copies_row` (the row that stands for it).
    """

    period: IntArray
    time: FloatArray
    source: IntArray
    occurrence: IntArray
    ground_up: FloatArray
    paid: FloatArray
    under_review: FloatArray | None
    weight: FloatArray
    copies_period: IntArray
    copies_row: IntArray


@dataclass
class _Part:
    """A batch of copies' own events, as `quant.simulate.draw_events` draws them."""

    coverages: tuple[Coverage, ...]
    period: IntArray
    time: FloatArray
    money: FloatArray
    outages: Outages | None
    event_type: IntArray
    under_review: BoolArray | None
    ground_up: FloatArray


def line_events(
    line: Line,
    terms: CompiledTerms | None,
    scenarios: tuple[Scenario, ...],
    events: list[SystemicEvents],
    bars: list[Bar],
    seed: int,
    chunk: int,
    n_years: int,
) -> LineEvents:
    """Own events and systemic hits of every copy of `line` in one chunk, through the terms engine at once."""
    parts = _own_parts(line, seed, chunk, n_years)
    struck = [
        (i, scenario, ev, b, *_hits_of(line, scenario, ev, seed, chunk))
        for i, (scenario, ev, b) in enumerate(zip(scenarios, events, bars, strict=True))
        if scenario.dependency in line.depends_on and ev.n
    ]
    if not parts and not struck:
        empty = np.zeros(0)
        none = np.zeros(0, dtype=np.int64)
        return LineEvents(none, empty, none, none, empty, empty, None, empty, none, none)
    hit_periods = [copy * n_years + ev.year[event] for _, _, ev, _, event, copy in struck]
    copies_period = np.concatenate([p.period for p in parts] + hit_periods)
    # Keys of the occurrences: own events are never alike; a scenario's hits by (scenario, event).
    kept, copies_row = _representatives(
        copies_period,
        np.concatenate([np.full(len(p.period), -1) for p in parts] + [e + (i << 32) for i, _, _, _, e, _ in struck]),
        np.concatenate(
            [np.zeros(len(p.period), dtype=bool) for p in parts]
            + [np.full(len(e), s.shared_duration) for _, s, _, _, e, _ in struck]
        ),
        line.count * n_years,
    )
    first = sum(len(p.period) for p in parts)
    hits = []
    for i, scenario, ev, b, event, copy in struck:
        last, first = first, first + len(event)
        if kept is not None and scenario.shared_duration:  # only the hits that stand for others or themselves
            mine = kept[(kept >= last) & (kept < first)] - last
            event, copy = event[mine], copy[mine]
        hits.append(_Hits(i, scenario, ev, b, event, copy))
    table, ground_up, source, occurrence = _table(line, parts, hits, n_years, seed, chunk)
    paid, review = np.zeros(len(ground_up)), None
    if terms is not None and table.n_events:
        result = apply_terms(table, terms, compact=True)
        paid = result.payable.sum(axis=1) if result.payable.shape[1] else paid
        review = result.under_review_payable
        if line.share != 1.0:  # a co-insurance share: the insurer's part of what each policy pays
            paid = paid * line.share
            review = None if review is None else review * line.share
    return LineEvents(
        period=table.period,
        time=table.time,
        source=source,
        occurrence=occurrence,
        ground_up=ground_up,
        paid=paid,
        under_review=review,
        weight=np.bincount(copies_row, minlength=table.n_events).astype(np.float64),
        copies_period=copies_period,
        copies_row=copies_row,
    )


def _representatives(
    period: IntArray, occurrence: IntArray, alike: BoolArray, n_periods: int
) -> tuple[IntArray | None, IntArray]:
    """Which rows the terms engine needs (None: all), and for every row the position of the one standing
    for it among them.

    An incident alone in its policy year has no earlier incident eroding its sublimits or aggregate, so the
    engine pays it whatever that period is; `alike` incidents of one occurrence (rows of a part with one
    shared duration, keyed by part and occurrence) that are each alone are therefore paid as their first
    one is, and only that one is kept (a part's hits come in occurrence order, so the rows of one occurrence
    follow each other). The others keep their own row. Exact: the engine sees the same rows.
    """
    from cyberins.portfolio.jit import representatives  # one compiled pass (numba, as the terms engine's)

    return representatives(period, occurrence, alike, n_periods)


def _own_parts(line: Line, seed: int, chunk: int, n_years: int) -> list[_Part]:
    """The copies' own events, in batches of whole copies of at most `MAX_YEARS` years of draws."""
    model = line.model
    if model is None or not model.event_types:
        return []
    covs = model.coverages
    codes = np.array([EVENT_TYPES.index(et.event_type) for et in model.event_types], dtype=np.int64)
    per_batch = max(1, MAX_YEARS // n_years)
    parts = []
    for batch, first in enumerate(range(0, line.count, per_batch)):
        copies = min(per_batch, line.count - first)
        drawn = draw_events(model, covs, copies * n_years, type_streams(seed, chunk, code(line.id), batch))
        t = drawn.table
        parts.append(
            _Part(
                coverages=covs,
                period=t.period + first * n_years,
                time=t.time,
                money=t.ground_up,
                outages=t.outages,
                event_type=codes[drawn.event_type],
                under_review=t.under_review,
                ground_up=drawn.gross,
            )
        )
    return parts


def _hits_of(line: Line, scenario: Scenario, ev: SystemicEvents, seed: int, chunk: int) -> tuple[IntArray, IntArray]:
    """(event, copy) of each copy of `line` a scenario's events hit: each copy independently."""
    streams = source(seed, chunk, HITS, code(scenario.id), code(line.id))
    return hits(streams(Stream.ARRIVALS), ev.n, line.count, scenario.hit_probability)


#: Uniform draws held at once for the hits (32 MB): a line of millions of insureds is drawn in slices of events.
HIT_DRAWS = 2**22


def hits(
    rng: np.random.Generator, n_events: int, count: int, p: float, slice_draws: int = HIT_DRAWS
) -> tuple[IntArray, IntArray]:
    """(event, copy) of each hit: copy j is hit by event e when draw e·count + j of `rng` is below `p`.

    Drawn in slices of whole events; a generator's doubles come in sequence, so the slices are the numbers
    one draw of the whole matrix would give, and memory stays bounded whatever the line's count."""
    step = max(1, slice_draws // max(count, 1))
    events, copies = [], []
    for first in range(0, n_events, step):
        # The flat positions, split: twice as fast as the 2-d `np.nonzero`, the same (event, copy) order.
        e, c = np.divmod(np.flatnonzero(rng.random((min(step, n_events - first), count)) < p), count)
        events.append(e + first)
        copies.append(c)
    if not events:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(events).astype(np.int64), np.concatenate(copies).astype(np.int64)


@dataclass(frozen=True)
class _Hits:
    """The hits of scenario `index` that reach the engine: (`event`, `copy`) pairs, in that order."""

    index: int
    scenario: Scenario
    events: SystemicEvents
    bar: Bar
    event: IntArray
    copy: IntArray


def _table(
    line: Line, own: list[_Part], hits: list[_Hits], n_years: int, seed: int, chunk: int
) -> tuple[LossTable, FloatArray, IntArray, IntArray]:
    """The own events' parts, then each scenario's hits, as one loss table over the union of their coverages
    (catalog order), written straight into its arrays; beside it each row's ground-up loss, source (0 own,
    1 + i scenario i) and occurrence (the scenario event's index; −1 own).

    A hit's incident: one shared duration (or, in the what-if, each hit its own, from the same distribution)
    times the line's income an hour on the hourly coverage, and the line's exposure on each other one."""
    losses = [tuple(c for c in COVERAGES if c in h.scenario.losses) for h in hits]
    held = {c for p in own for c in p.coverages} | {c for h in losses for c in h}
    covs = tuple(c for c in COVERAGES if c in held)
    column = {c: j for j, c in enumerate(covs)}
    sizes = [len(p.period) for p in own] + [len(h.event) for h in hits]
    n = sum(sizes)
    period, time = np.empty(n, dtype=np.int64), np.empty(n)
    money, ground_up = np.zeros((n, len(covs))), np.zeros(n)
    event_type, sources, occurrence = (np.empty(n, dtype=np.int64) for _ in range(3))
    excluded = np.zeros((n, len(covs)), dtype=bool) if any(h.bar.exclusion is not None for h in hits) else None
    with_review = any(p.under_review is not None for p in own) or any(h.bar.under_review for h in hits)
    review = np.zeros(n, dtype=bool) if with_review else None
    rows, cols, ends, rates = [], [], [], []
    start = 0
    for p in own:
        where = slice(start, start + len(p.period))
        at = np.array([column[c] for c in p.coverages], dtype=np.int64)
        period[where], time[where], money[where, at] = p.period, p.time, p.money
        ground_up[where], event_type[where], sources[where], occurrence[where] = p.ground_up, p.event_type, 0, -1
        if review is not None and p.under_review is not None:
            review[where] = p.under_review
        if p.outages is not None:
            rows.append(p.outages.event + start)
            cols.append(at[p.outages.coverage])
            ends.append(p.outages.end_h - p.outages.start_h)
            rates.append(p.outages.per_hour)
        start += len(p.period)
    for h, h_covs in zip(hits, losses, strict=True):
        m, scenario = len(h.event), h.scenario
        where = slice(start, start + m)
        np.add(h.copy * n_years, h.events.year[h.event], out=period[where])
        time[where] = h.events.time[h.event]
        if scenario.shared_duration:
            duration = h.events.duration_h[h.event]
        else:  # the what-if: each hit policy its own duration
            streams = source(seed, chunk, HITS, code(scenario.id), code(line.id))
            duration = np.maximum(scenario.duration_hours.sample(streams(Stream.SEVERITY), m), 0.0)
        hit_ground_up = ground_up[where]
        for cov in h_covs:
            basis = scenario.losses[cov]
            if basis == HOURS:
                rate = line.amount(BI_PER_HOUR)
                if rate > 0:
                    rows.append(np.arange(start, start + m))
                    cols.append(np.full(m, column[cov]))
                    ends.append(duration)
                    rates.append(np.full(m, rate))
                    hit_ground_up += duration * rate
            else:
                money[where, column[cov]] = line.amount(basis)
                hit_ground_up += money[where, column[cov]]
        event_type[where], sources[where], occurrence[where] = (
            EVENT_TYPES.index(scenario.event_type),
            h.index + 1,
            h.event,
        )
        if excluded is not None and h.bar.exclusion is not None:
            excluded[where] = True
        if review is not None and h.bar.under_review:
            review[where] = True
        start += m
    outages = None
    if rows:
        hours = np.concatenate(ends)
        outages = Outages(
            np.concatenate(rows), np.concatenate(cols), np.zeros_like(hours), hours, np.concatenate(rates)
        )
    table = LossTable(covs, period, time, money, outages, excluded=excluded, event_type=event_type, under_review=review)
    return table, ground_up, sources, occurrence

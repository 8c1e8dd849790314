"""Monte Carlo simulation of a risk model through a policy: in blocks of years, vectorised, reproducible.

Per block of years: each event type's events (`FrequencyModel.occurrences`) → their severity draws → an
events × coverages ground-up matrix sorted by (year, time) → the terms engine → per-year sums. No Python loop
runs over years or events. Every random draw comes from a stream keyed by (seed, block, event type, purpose)
(`cyberins.quant.streams`): the numbers do not depend on the machine or on how blocks are scheduled, and a
factor on one event type changes no other event type's events (common random numbers).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Coverage, EventType
from cyberins.model.policy import Policy
from cyberins.quant.arrivals import TICKS_PER_YEAR, TIME_BITS, time_order
from cyberins.quant.metrics import LossMeasures
from cyberins.quant.model import FloatArray, IntArray, RiskModel
from cyberins.quant.sizes import BLOCK_YEARS, MAX_YEARS, YEARS_LIMIT
from cyberins.quant.streams import Stream, StreamSource, blocks, type_streams
from cyberins.terms import CompiledTerms, LossTable, Outages, apply_terms
from cyberins.terms.tables import BoolArray

log = logging.getLogger(__name__)

#: Target standard error of the AAL, relative to it, for `years_for_precision`.
DEFAULT_REL_SE = 0.005
#: Years of the pilot run that estimates the standard deviation of annual losses: one block.
PILOT_YEARS = BLOCK_YEARS


@dataclass(frozen=True)
class YearLossTable:
    """Per simulated year: total and largest-event loss, gross and insured (insured is gross without a policy)."""

    gross: FloatArray
    insured: FloatArray
    gross_largest: FloatArray
    insured_largest: FloatArray


@dataclass(frozen=True)
class SimulationResult:
    years: int
    seed: int
    currency: str
    ylt: YearLossTable
    #: Annual average loss per coverage and per event type: {id: (gross, insured)}.
    by_coverage: dict[Coverage, tuple[float, float]]
    by_event_type: dict[EventType, tuple[float, float]]
    #: Simulated events per year by event type (its mean frequency, as drawn).
    frequency: dict[EventType, float]
    money_only_time_element: tuple[Coverage, ...]
    has_policy: bool
    #: What the policy pays per year for events whose attribution is under review (rule 20): counted in
    #: `ylt.insured` (the prudent view) and reported apart; None when the model has no such events.
    under_review: FloatArray | None = None

    def gross(self) -> LossMeasures:
        return LossMeasures.of(self.ylt.gross, self.ylt.gross_largest)

    def insured(self) -> LossMeasures:
        return LossMeasures.of(self.ylt.insured, self.ylt.insured_largest)


@dataclass(frozen=True)
class Events:
    """One block's events sorted by (year, time), with their ground-up sums.

    `gross` is each event's ground-up loss (money plus hourly income), `event_type` its index in the
    model's event types; `gross_by_coverage` sums the events per column of `table`, `gross_by_type` and
    `count_by_type` per event type.
    """

    table: LossTable
    event_type: IntArray
    #: Whether each event's attribution is under review (rule 20); None when the model has none.
    under_review: BoolArray | None
    gross: FloatArray
    gross_by_coverage: FloatArray
    gross_by_type: FloatArray
    count_by_type: IntArray


def simulate(
    model: RiskModel,
    policy: Policy | None,
    years: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate `years` independent policy years of `model` under `policy` (gross only when it is None)."""
    if not 1 <= years <= YEARS_LIMIT:
        raise InvalidInput.one("years", Said("input.quant.years_memory", {"years": years, "high": YEARS_LIMIT}))
    log.info("simulate", extra={"stage": "simulate", "years": years, "seed": seed})
    terms = CompiledTerms.from_policy(policy) if policy is not None else None
    covs = model.coverages
    ets = [et.event_type for et in model.event_types]
    acc = _Accumulator(years, covs, terms.coverages if terms else covs, len(ets))
    restricted = terms is not None and not terms.answers.all()
    enum_code = np.array([list(EventType).index(et) for et in ets], dtype=np.int64)
    position = {c: j for j, c in enumerate(terms.coverages)} if terms else {}
    for block, start, n_years in blocks(years):
        events = draw_events(model, covs, n_years, type_streams(seed, block))
        if terms is None:
            acc.add(start, n_years, events, events.gross, events.gross_by_coverage, np.zeros(len(covs), dtype=bool))
        else:
            table = events.table
            if restricted:  # the policy covers some coverages for some event types only (rule 19)
                table = replace(table, event_type=enum_code[events.event_type])
            # Only the covered coverages the model can hit come back; the others pay zero (`position` places them).
            result = apply_terms(table, terms, compact=True)
            per_event, per_cov = _sums(result.payable)
            at = np.array([position[c] for c in result.coverages], dtype=np.int64)
            paid_cov, money_only = np.zeros(len(terms.coverages)), np.zeros(len(terms.coverages), dtype=bool)
            paid_cov[at], money_only[at] = per_cov, result.money_only_time_element
            acc.add(start, n_years, events, per_event, paid_cov, money_only, result.under_review_payable)
        if progress:  # a gross-only run (an assessment) reports its blocks too
            progress(n_years)
    return acc.result(years, seed, model, ets, has_policy=terms is not None)


def years_for_precision(
    model: RiskModel,
    policy: Policy | None,
    seed: int,
    *,
    rel_se: float = DEFAULT_REL_SE,
    pilot_years: int = PILOT_YEARS,
    max_years: int = MAX_YEARS,
) -> int:
    """Years needed for the insured AAL's standard error (the gross one without a policy) to be ≤ `rel_se` × AAL.

    A pilot of `pilot_years` estimates the standard deviation σ and mean μ of annual losses; the answer is
    (σ / (rel_se · μ))², rounded up to whole blocks of `BLOCK_YEARS` and clamped to
    [`pilot_years`, `max_years`]. A pilot in which the policy pays nothing cannot estimate σ/μ: the answer
    is then `max_years`. Deterministic for a seed (the pilot is the first years of that seed's simulation).
    """
    if not (rel_se > 0 and 1 <= pilot_years <= max_years):
        raise ValueError("need rel_se > 0 and 1 <= pilot_years <= max_years")
    pilot = simulate(model, policy, pilot_years, seed)
    annual = pilot.ylt.insured if policy is not None else pilot.ylt.gross
    mean = float(annual.mean())
    if mean <= 0:
        return max_years
    needed = (float(annual.std(ddof=1)) / (rel_se * mean)) ** 2 if pilot_years > 1 else math.inf
    whole_blocks = math.ceil(needed / BLOCK_YEARS) * BLOCK_YEARS if math.isfinite(needed) else max_years
    return int(min(max(whole_blocks, pilot_years), max_years))


def draw_events(
    model: RiskModel, covs: tuple[Coverage, ...], n_years: int, streams_of: Callable[[EventType], StreamSource]
) -> Events:
    """One block's events (at most `BLOCK_YEARS` years) sorted by (year, time): the terms engine's order.

    Each event type draws from its own streams (`streams_of`): which events exist, when, and their losses
    (row k of the severity stream for the type's k-th event), so the types do not disturb one another.
    """
    column = {c: j for j, c in enumerate(covs)}
    n_types = len(model.event_types)
    ticks, draws, by_type = [], [], np.zeros(n_types)
    reviews: list[BoolArray | None] = []
    for et in model.event_types:
        streams = streams_of(et.event_type)
        occurrences = et.frequency.occurrences(streams, n_years)
        ticks.append(occurrences.ticks)
        k = len(occurrences.ticks)
        draws.append(et.severity.sample(streams(Stream.SEVERITY), k))
        # Row k of its own stream, like every other per-event draw, so it survives a change of frequency.
        reviews.append(streams(Stream.ATTRIBUTION).random(k) < et.under_review if et.under_review > 0 else None)
    tick = np.concatenate(ticks) if ticks else np.zeros(0, dtype=np.uint64)
    n = len(tick)
    order = time_order(tick)
    rank = np.empty(n, dtype=np.int64)  # the sorted row of each event, events in draw order
    rank[order] = np.arange(n)
    # Each column of each type's draws is scattered straight to its sorted rows: one n × k matrix, no permuting.
    ground_up, gross, event_type = np.zeros((n, len(covs))), np.empty(n), np.empty(n, dtype=np.int64)
    under_review = np.zeros(n, dtype=bool) if any(r is not None for r in reviews) else None
    by_coverage, count_by_type = np.zeros(len(covs)), np.zeros(n_types, dtype=np.int64)
    hourly: list[tuple[IntArray, int, FloatArray, FloatArray]] = []  # sorted rows, column, hours, income/hour
    start = 0
    for i, d in enumerate(draws):
        rows = rank[start : start + len(d.money)]
        start += len(rows)
        cols = [column[c] for c in d.coverages]
        for j, col in enumerate(cols):
            ground_up[rows, col] = d.money[:, j]
        event_gross, col_gross = _sums(d.money)
        for j, (hours, per_hour) in d.outages.items():
            income = hours * per_hour
            event_gross += income
            col_gross[j] += income.sum()
            hourly.append((rows, cols[j], hours, per_hour))
        gross[rows], event_type[rows] = event_gross, i
        flags = reviews[i]
        if flags is not None and under_review is not None:
            under_review[rows] = flags
        by_coverage[cols] += col_gross  # a draw names each coverage once
        by_type[i] += col_gross.sum()
        count_by_type[i] += len(rows)
    sorted_tick = tick[order]
    period = (sorted_tick >> np.uint64(TIME_BITS)).astype(np.int64)
    time = (sorted_tick & np.uint64(TICKS_PER_YEAR - 1)).astype(np.float64) / TICKS_PER_YEAR
    outages = None
    if hourly:
        hours = np.concatenate([h for _, _, h, _ in hourly])
        outages = Outages(
            np.concatenate([r for r, _, _, _ in hourly]),
            np.concatenate([np.full(len(r), c) for r, c, _, _ in hourly]),
            np.zeros_like(hours),
            hours,
            np.concatenate([rate for _, _, _, rate in hourly]),
        )
    table = LossTable(covs, period, time, ground_up, outages, under_review=under_review)
    return Events(table, event_type, under_review, gross, by_coverage, by_type, count_by_type)


def _sums(a: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Row and column sums of an events × coverages matrix, column by column: NumPy's axis reductions are
    several times slower on a narrow row-major matrix."""
    columns = [a[:, j] for j in range(a.shape[1])]
    rows = np.zeros(a.shape[0])
    for c in columns:
        rows += c
    return rows, np.array([c.sum() for c in columns], dtype=np.float64)


class _Accumulator:
    """Running sums of one simulation, block by block."""

    def __init__(self, years: int, covs: tuple[Coverage, ...], paid_covs: tuple[Coverage, ...], n_types: int) -> None:
        self.covs, self.paid_covs = covs, paid_covs
        self.gross, self.insured = np.zeros(years), np.zeros(years)
        self.gross_max, self.insured_max = np.zeros(years), np.zeros(years)
        self.cov_gross, self.cov_insured = np.zeros(len(covs)), np.zeros(len(paid_covs))
        self.type_gross, self.type_insured = np.zeros(n_types), np.zeros(n_types)
        self.type_count = np.zeros(n_types, dtype=np.int64)
        self.money_only = np.zeros(len(paid_covs), dtype=bool)
        self.under_review: FloatArray | None = None

    def add(
        self,
        offset: int,
        n_years: int,
        events: Events,
        paid: FloatArray,
        paid_cov: FloatArray,
        money_only: np.ndarray,
        under_review: FloatArray | None = None,
    ) -> None:
        """`paid` per event (in the events' order) and per paid coverage; `under_review` the part of `paid` per
        event from events whose attribution is under review (rule 20)."""
        period = events.table.period
        window = slice(offset, offset + n_years)
        if under_review is not None:
            if self.under_review is None:
                self.under_review = np.zeros(len(self.gross))
            self.under_review[window] = np.bincount(period, weights=under_review, minlength=n_years)
        self.gross[window] = np.bincount(period, weights=events.gross, minlength=n_years)
        self.insured[window] = np.bincount(period, weights=paid, minlength=n_years)
        # Losses are never negative, so each year's largest event is the maximum over its events and zero.
        np.maximum.at(self.gross_max[window], period, events.gross)
        np.maximum.at(self.insured_max[window], period, paid)
        self.cov_gross += events.gross_by_coverage
        self.cov_insured += paid_cov
        self.type_gross += events.gross_by_type
        self.type_insured += np.bincount(events.event_type, weights=paid, minlength=len(self.type_insured))
        self.type_count += events.count_by_type
        self.money_only |= money_only

    def result(
        self, years: int, seed: int, model: RiskModel, ets: list[EventType], *, has_policy: bool
    ) -> SimulationResult:
        insured_cov = dict(zip(self.paid_covs, self.cov_insured / years, strict=True))
        covs = list(dict.fromkeys(self.covs + self.paid_covs))
        gross_cov = dict(zip(self.covs, self.cov_gross / years, strict=True))
        return SimulationResult(
            years=years,
            seed=seed,
            currency=model.currency,
            ylt=YearLossTable(self.gross, self.insured, self.gross_max, self.insured_max),
            by_coverage={c: (float(gross_cov.get(c, 0.0)), float(insured_cov.get(c, 0.0))) for c in covs},
            by_event_type={
                et: (float(g / years), float(p / years))
                for et, g, p in zip(ets, self.type_gross, self.type_insured, strict=True)
            },
            frequency={et: float(n / years) for et, n in zip(ets, self.type_count, strict=True)},
            money_only_time_element=tuple(c for c, f in zip(self.paid_covs, self.money_only, strict=True) if f),
            has_policy=has_policy,
            under_review=self.under_review,
        )

"""Monte Carlo simulation of a risk model through a policy: chunked, vectorised, reproducible.

Per chunk of years: counts per (year, event type) → a flat table of events → severity draws → an events ×
coverages ground-up matrix → the terms engine → per-year sums. No Python loop runs over years or events.
Each chunk draws from `default_rng([seed, chunk])`; chunk boundaries depend only on the model and the
number of years, so the same seed gives the same numbers however the chunks are scheduled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from cyberins.model.ids import Coverage, EventType
from cyberins.model.policy import Policy
from cyberins.quant.metrics import LossMeasures
from cyberins.quant.model import FloatArray, IntArray, RiskModel
from cyberins.terms import CompiledTerms, LossTable, Outages, apply_terms

#: Expected events per chunk: keeps a chunk's event matrix near 50 MB whatever the number of years.
EVENTS_PER_CHUNK = 200_000


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

    def gross(self) -> LossMeasures:
        return LossMeasures.of(self.ylt.gross, self.ylt.gross_largest)

    def insured(self) -> LossMeasures:
        return LossMeasures.of(self.ylt.insured, self.ylt.insured_largest)


def chunk_sizes(model: RiskModel, years: int) -> Iterator[int]:
    """Years per chunk: a fixed function of the model's frequency, never of the machine."""
    rate = sum(et.frequency.mean() for et in model.event_types)
    size = int(min(max(EVENTS_PER_CHUNK / max(rate, 1e-9), 1_000), 1_000_000))
    for start in range(0, years, size):
        yield min(size, years - start)


def simulate(
    model: RiskModel,
    policy: Policy | None,
    years: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate `years` independent policy years of `model` under `policy` (gross only when it is None)."""
    if years < 1:
        raise ValueError("years must be at least 1")
    terms = CompiledTerms.from_policy(policy) if policy is not None else None
    covs = model.coverages
    ets = [et.event_type for et in model.event_types]
    acc = _Accumulator(years, covs, terms.coverages if terms else covs, len(ets))
    offset = 0
    for chunk, n_years in enumerate(chunk_sizes(model, years)):
        rng = np.random.default_rng([seed, chunk])
        table, event_type = draw_events(model, covs, n_years, rng)
        gross = ground_up_sums(table)
        if terms is None:
            paid, money_only = gross, np.zeros(len(covs), dtype=bool)
        else:
            result = apply_terms(table, terms)
            paid, money_only = (result.payable.sum(axis=1), result.payable.sum(axis=0)), result.money_only_time_element
        acc.add(offset, n_years, table.period, event_type, gross, paid, money_only)
        offset += n_years
        if progress:
            progress(n_years)
    return acc.result(years, seed, model, ets, has_policy=terms is not None)


def draw_events(
    model: RiskModel, covs: tuple[Coverage, ...], n_years: int, rng: np.random.Generator
) -> tuple[LossTable, IntArray]:
    """One chunk's events, sorted by (year, time): the order in which the terms engine erodes limits."""
    column = {c: j for j, c in enumerate(covs)}
    event_years = [et.frequency.event_years(rng, n_years) for et in model.event_types]
    sizes = [len(y) for y in event_years]
    period = np.concatenate(event_years) if event_years else np.zeros(0, dtype=np.int64)
    # Events happen at uniform times within their year. Sorting first lets each event type's draws be
    # written straight to their sorted rows, so the ground-up matrix is built once, never permuted.
    key = period + rng.random(len(period))
    order = np.argsort(key, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    ground_up = np.zeros((len(period), len(covs)))
    types = np.empty(len(period), dtype=np.int64)
    out_event, out_col, out_hours, out_rate = [], [], [], []
    start = 0
    for i, (et, n) in enumerate(zip(model.event_types, sizes, strict=True)):
        rows = rank[start : start + n]
        draws = et.severity.sample(rng, n)
        cols = [column[c] for c in draws.coverages]
        ground_up[np.ix_(rows, np.asarray(cols, dtype=np.int64))] = draws.money
        types[rows] = i
        for j, (hours, per_hour) in draws.outages.items():
            out_event.append(rows)
            out_col.append(np.full(n, cols[j], dtype=np.int64))
            out_hours.append(hours)
            out_rate.append(per_hour)
        start += n
    outages = None
    if out_event:
        cat = np.concatenate
        hours = cat(out_hours)
        outages = Outages(cat(out_event), cat(out_col), np.zeros_like(hours), hours, cat(out_rate))
    sorted_period = period[order]
    table = LossTable(
        coverages=covs, period=sorted_period, time=key[order] - sorted_period, ground_up=ground_up, outages=outages
    )
    return table, types


def _year_max(values: FloatArray, starts: IntArray) -> FloatArray:
    """Largest value of each year (rows sorted by year, each year starting at `starts`).

    Most years with an event have exactly one, whose value is its maximum; the segmented reduction runs on
    the other years only (it costs per segment).
    """
    counts = np.diff(np.r_[starts, len(values)])
    out = values[starts].copy()
    several = counts > 1
    if several.any():
        rows = np.repeat(several, counts)
        inner = np.r_[0, np.cumsum(counts[several])[:-1]]
        out[several] = np.maximum.reduceat(values[rows], inner)
    return out


def ground_up_sums(table: LossTable) -> tuple[FloatArray, FloatArray]:
    """Ground-up loss per event and per coverage (money plus hourly income), before any term."""
    by_event, by_coverage = table.ground_up.sum(axis=1), table.ground_up.sum(axis=0)
    o = table.outages
    if o is not None:
        income = (o.end_h - o.start_h) * o.per_hour
        by_event = by_event + np.bincount(o.event, weights=income, minlength=len(by_event))
        by_coverage = by_coverage + np.bincount(o.coverage, weights=income, minlength=len(by_coverage))
    return by_event, by_coverage


class _Accumulator:
    """Running sums of one simulation, chunk by chunk."""

    def __init__(self, years: int, covs: tuple[Coverage, ...], paid_covs: tuple[Coverage, ...], n_types: int) -> None:
        self.covs, self.paid_covs = covs, paid_covs
        self.gross, self.insured = np.zeros(years), np.zeros(years)
        self.gross_max, self.insured_max = np.zeros(years), np.zeros(years)
        self.cov_gross, self.cov_insured = np.zeros(len(covs)), np.zeros(len(paid_covs))
        self.type_gross, self.type_insured = np.zeros(n_types), np.zeros(n_types)
        self.type_count = np.zeros(n_types)
        self.money_only = np.zeros(len(paid_covs), dtype=bool)

    def add(
        self,
        offset: int,
        n_years: int,
        period: IntArray,
        event_type: IntArray,
        gross: tuple[FloatArray, FloatArray],
        paid: tuple[FloatArray, FloatArray],
        money_only: np.ndarray,
    ) -> None:
        """`gross` and `paid` are (per event, per coverage) sums of the chunk."""
        (g, gross_cov), (p, paid_cov) = gross, paid
        window = slice(offset, offset + n_years)
        self.gross[window] = np.bincount(period, weights=g, minlength=n_years)
        self.insured[window] = np.bincount(period, weights=p, minlength=n_years)
        if len(period):
            starts = np.flatnonzero(np.r_[True, period[1:] != period[:-1]])
            years = period[starts]
            self.gross_max[window][years] = _year_max(g, starts)
            self.insured_max[window][years] = _year_max(p, starts)
        self.cov_gross += gross_cov
        self.cov_insured += paid_cov
        n_types = len(self.type_gross)
        self.type_gross += np.bincount(event_type, weights=g, minlength=n_types)
        self.type_insured += np.bincount(event_type, weights=p, minlength=n_types)
        self.type_count += np.bincount(event_type, minlength=n_types)
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
        )

"""Several insureds simulated together in the same years, each under its own policy, with a shared aggregate.

The group scheme (园区保) and a product warranty's customer base are both "many (RiskModel, Policy) pairs
over the same simulated years": each member's events are drawn, its own policy terms apply (the terms
engine), and then, for a scheme, one **scheme aggregate limit** erodes across all members' payments in
event-time order within each year (DESIGN.md, "Products"). Members are independent: accumulation through
shared dependencies (one cloud outage hitting many members) is the portfolio module's later work.

Randomness: member m's events of event type t in block b come from the streams keyed by
``(seed, b, t, m.id)`` (`cyberins.quant.streams`), and blocks depend on the number of years only, so the
numbers do not depend on the order in which members are listed or processed, and a factor on one member's
event type changes nothing else. Memory per year is a few floats per *line* (not per event), so a block's
event tables bound the peak whatever the number of years.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Coverage
from cyberins.model.policy import Policy
from cyberins.quant.metrics import LossMeasures
from cyberins.quant.model import FloatArray, IntArray, RiskModel
from cyberins.quant.simulate import YearLossTable, draw_events
from cyberins.quant.streams import blocks, type_streams
from cyberins.terms import CompiledTerms, apply_terms
from cyberins.terms.kernels import capped_running


@dataclass(frozen=True)
class SchemeMember:
    """One insured of a multi-policy simulation: its risk model under its own policy (its certificate).

    `line` groups members into the lines of a result (a warranty's segment); by default each member is its
    own line. `id` seeds the member's random stream, so ids must be unique.
    """

    id: str
    model: RiskModel
    policy: Policy
    line: str = ""

    @property
    def line_id(self) -> str:
        return self.line or self.id


@dataclass(frozen=True)
class SchemeResult:
    """Annual losses of a simulated group; money in `currency` per year, float64.

    `ylt` holds the group totals: `gross` (ground-up), `insured` after the scheme aggregate, and the largest
    single event of each year. `before_aggregate` is what the members' own policies pay before the scheme
    aggregate. Line arrays have one row per line (`lines`), one column per year; `line_insured` is each
    line's share of `ylt.insured`, allocated year by year in proportion to `line_before` (rows add up to
    the total). Member figures are annual averages, in `members` order.
    """

    years: int
    seed: int
    currency: str
    aggregate_limit: float | None
    ylt: YearLossTable
    before_aggregate: FloatArray
    lines: tuple[str, ...]
    line_before: FloatArray
    line_insured: FloatArray
    members: tuple[str, ...]
    member_gross: FloatArray
    member_before: FloatArray
    member_insured: FloatArray
    #: Annual average insured loss per coverage, after the scheme aggregate (split event by event).
    insured_by_coverage: dict[Coverage, float]
    #: Years in which the scheme aggregate was used up.
    exhausted_years: int

    def insured(self) -> LossMeasures:
        return LossMeasures.of(self.ylt.insured, self.ylt.insured_largest)

    def gross(self) -> LossMeasures:
        return LossMeasures.of(self.ylt.gross, self.ylt.gross_largest)

    @property
    def exhaustion_probability(self) -> float | None:
        """Share of simulated years in which the scheme aggregate is used up (None without one)."""
        return None if self.aggregate_limit is None else self.exhausted_years / self.years


def shared_aggregate(amount: FloatArray, period: IntArray, time: FloatArray, cap: float) -> FloatArray:
    """What each event pays when all events of a period share one aggregate `cap`, eroded in time order.

    Parameters
    ----------
    amount
        Payment per event before the shared aggregate (currency), e.g. each member's certificate payment.
    period
        Policy year of each event.
    time
        Time of each event within its year (any unit; only the order matters).
    cap
        The shared aggregate limit per year (currency).

    Returns
    -------
    FloatArray
        Payment per event, in the input's order: within each year, events in time order are paid in full
        until the running total reaches `cap`, the event that crosses it is paid the remainder, later
        events nothing. So every year pays ``min(sum(amount), cap)``.

    Examples
    --------
    >>> shared_aggregate(np.array([60.0, 50.0, 30.0]), np.array([0, 0, 0]), np.array([0.5, 0.1, 0.9]), 100.0)
    array([50., 50.,  0.])
    """
    order = np.lexsort((time, period))
    paid = capped_running(amount[order], period[order], cap, 0.0)
    out = np.empty_like(amount)
    out[order] = paid
    return out


def allocate_pro_rata(before: FloatArray, total: FloatArray) -> FloatArray:
    """Split each year's `total` across lines in proportion to what they paid before the scheme aggregate.

    Parameters
    ----------
    before
        Lines × years: each line's payments before the shared aggregate (currency).
    total
        Years: the group's payments after it (currency), at most the column sums of `before`.

    Returns
    -------
    FloatArray
        Lines × years; each column adds up to `total` (up to float rounding) and no line gets more than it
        paid before. A year without payments allocates nothing.

    Examples
    --------
    >>> allocate_pro_rata(np.array([[30.0, 0.0], [90.0, 0.0]]), np.array([100.0, 0.0]))
    array([[25.,  0.],
           [75.,  0.]])
    """
    column = before.sum(axis=0)
    ratio = np.divide(total, column, out=np.zeros_like(total), where=column > 0)
    return np.asarray(before * ratio[np.newaxis, :])


def simulate_scheme(
    members: Sequence[SchemeMember], years: int, seed: int, aggregate_limit: float | None = None
) -> SchemeResult:
    """Simulate `years` policy years of every member together; apply each certificate, then the scheme aggregate.

    Parameters
    ----------
    members
        The insureds with their models and certificates, all in one currency, with unique ids.
    years, seed
        Number of simulated years and the base seed.
    aggregate_limit
        The scheme aggregate limit per year (currency), shared by all members; None for none (a customer
        base priced together, each under its own policy only).

    Returns
    -------
    SchemeResult
        Group totals, lines (allocated pro rata year by year) and member averages.
    """
    _check(members, years, aggregate_limit)
    cap = math.inf if aggregate_limit is None else float(aggregate_limit)
    lines = tuple(dict.fromkeys(m.line_id for m in members))
    line_of = np.array([lines.index(m.line_id) for m in members], dtype=np.int64)
    terms = [CompiledTerms.from_policy(m.policy) for m in members]
    acc = _Totals(years, len(members), len(lines))
    for block, offset, n_years in blocks(years):
        draws = [_member_block(m, t, n_years, seed, block) for m, t in zip(members, terms, strict=True)]
        acc.add(offset, n_years, draws, line_of, cap)
    return SchemeResult(
        years=years,
        seed=seed,
        currency=members[0].model.currency,
        aggregate_limit=None if aggregate_limit is None else float(aggregate_limit),
        ylt=YearLossTable(acc.gross, acc.insured, acc.gross_max, acc.insured_max),
        before_aggregate=acc.before,
        lines=lines,
        line_before=acc.line_before,
        line_insured=acc.line_insured,
        members=tuple(m.id for m in members),
        member_gross=acc.member_gross / years,
        member_before=acc.member_before / years,
        member_insured=acc.member_insured / years,
        insured_by_coverage={c: acc.by_coverage[c] / years for c in Coverage if c in acc.by_coverage},
        exhausted_years=int(np.count_nonzero(acc.before >= cap)),
    )


def _check(members: Sequence[SchemeMember], years: int, aggregate_limit: float | None) -> None:
    if years < 1:
        raise ValueError("years must be at least 1")
    if not members:
        raise InvalidInput.one("members", Said("input.quant.no_members"))
    ids = [m.id for m in members]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InvalidInput.one("members", Said("input.quant.member_twice", {"ids": ", ".join(repeated)}))
    currency = members[0].model.currency
    for i, m in enumerate(members):
        if m.model.currency != currency or m.policy.currency != currency:
            said = Said(
                "input.quant.member_currency",
                {"id": repr(m.id), "model": m.model.currency, "policy": m.policy.currency, "currency": currency},
            )
            raise InvalidInput.one(f"members[{i}].currency", said)
    if aggregate_limit is not None and not aggregate_limit >= 0:
        raise InvalidInput.one("aggregate_limit", Said("input.quant.not_non_negative", {"amount": aggregate_limit}))


@dataclass(frozen=True)
class _MemberBlock:
    """One member's events of one block: year, time, gross and certificate payment, payment by coverage."""

    period: IntArray
    time: FloatArray
    gross: FloatArray
    payable: FloatArray
    coverages: tuple[Coverage, ...]


def _member_block(m: SchemeMember, terms: CompiledTerms, n_years: int, seed: int, block: int) -> _MemberBlock:
    member = int.from_bytes(m.id.encode("utf-8"), "little")
    events = draw_events(m.model, m.model.coverages, n_years, type_streams(seed, block, member))
    payable = apply_terms(events.table, terms).payable
    return _MemberBlock(events.table.period, events.table.time, events.gross, payable, terms.coverages)


class _Totals:
    """Running results of a scheme simulation, block by block."""

    def __init__(self, years: int, n_members: int, n_lines: int) -> None:
        self.gross, self.before, self.insured = np.zeros(years), np.zeros(years), np.zeros(years)
        self.gross_max, self.insured_max = np.zeros(years), np.zeros(years)
        self.line_before, self.line_insured = np.zeros((n_lines, years)), np.zeros((n_lines, years))
        self.member_gross, self.member_before = np.zeros(n_members), np.zeros(n_members)
        self.member_insured = np.zeros(n_members)
        self.by_coverage: dict[Coverage, float] = {}

    def add(self, offset: int, n_years: int, draws: list[_MemberBlock], line_of: IntArray, cap: float) -> None:
        window = slice(offset, offset + n_years)
        n_members = len(draws)
        member = np.concatenate([np.full(len(d.period), i, dtype=np.int64) for i, d in enumerate(draws)])
        period = np.concatenate([d.period for d in draws])
        before = np.concatenate([d.payable.sum(axis=1) for d in draws])
        gross = np.concatenate([d.gross for d in draws])
        paid = shared_aggregate(before, period, np.concatenate([d.time for d in draws]), cap)
        member_before = _sum_by(member * n_years + period, before, n_members * n_years).reshape(n_members, -1)
        year_before = member_before.sum(axis=0)
        year_paid = _sum_by(period, paid, n_years)
        member_paid = allocate_pro_rata(member_before, year_paid)
        self.gross[window] = _sum_by(period, gross, n_years)
        self.before[window] = year_before
        self.insured[window] = year_paid
        np.maximum.at(self.gross_max[window], period, gross)
        np.maximum.at(self.insured_max[window], period, paid)
        for i, j in enumerate(line_of):
            self.line_before[j, window] += member_before[i]
            self.line_insured[j, window] += member_paid[i]
        self.member_gross += _sum_by(member, gross, n_members)
        self.member_before += member_before.sum(axis=1)
        self.member_insured += member_paid.sum(axis=1)
        share = np.divide(paid, before, out=np.zeros_like(paid), where=before > 0)
        start = 0
        for d in draws:
            n = len(d.period)
            by_cov = (d.payable * share[start : start + n, np.newaxis]).sum(axis=0)
            for c, v in zip(d.coverages, by_cov, strict=True):
                self.by_coverage[c] = self.by_coverage.get(c, 0.0) + float(v)
            start += n


def _sum_by(index: IntArray, weights: FloatArray, n: int) -> FloatArray:
    """Sums of `weights` by `index` in 0..n-1."""
    return np.bincount(index, weights=weights, minlength=n).astype(np.float64)

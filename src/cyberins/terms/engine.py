"""The financial-terms engine: a policy's terms applied to a table of ground-up losses.

One function serves pricing (millions of simulated events, float64), the portfolio, and claims (one real
incident, exact `Decimal`). The order of application is DESIGN.md rule 1:

    exclusions, cover by event type (rule 19) and jurisdiction rules -> indemnity period (rule 3)
    -> waiting period (rule 2) -> monetary retention (one per coverage and incident, or one per incident
    under `retention_basis: per_incident`, rules 5-6) -> each-claim limit -> coinsurance
    -> sublimit remaining in the policy year -> aggregate remaining in the policy year.

Events erode the sublimits and the aggregate in time order within their policy year; within one event,
coverages erode the aggregate in the order the policy lists them. Each step is a function of `terms.steps`;
this module selects and orders the rows and columns, runs the steps and keeps the trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np

from cyberins.model.ids import Coverage
from cyberins.terms.compiled import CompiledTerms
from cyberins.terms.kernels import overlap_hours, scatter_add
from cyberins.terms.steps import (
    Hourly,
    add_indemnity_period_income,
    apply_coinsurance,
    apply_waiting_period,
    erode_aggregate,
    erode_sublimits,
    limit_each_claim,
    remove_excluded,
    take_retentions,
)
from cyberins.terms.tables import Amounts, BoolArray, IntArray, LossTable


class Step(StrEnum):
    """Stages of rule 1; a trace holds the amount still payable after each."""

    GROUND_UP = "ground_up"
    EXCLUSIONS = "exclusions"
    INDEMNITY_PERIOD = "indemnity_period"
    WAITING_PERIOD = "waiting_period"
    RETENTION = "retention"
    EACH_CLAIM_LIMIT = "each_claim_limit"
    COINSURANCE = "coinsurance"
    SUBLIMIT = "sublimit"
    AGGREGATE = "aggregate"


@dataclass(frozen=True)
class TermsResult:
    """Payable per event (rows in the input table's order) and covered coverage (the policy's order).

    The columns are every covered coverage of the policy, or with ``compact=True`` only those the table
    holds; `payable`, each `trace` array and `money_only_time_element` share them.
    """

    coverages: tuple[Coverage, ...]
    payable: Amounts
    trace: dict[Step, Amounts] | None
    #: Columns whose time terms could not act because some event gave that loss only as money (rule 15).
    money_only_time_element: BoolArray
    #: Per event (input order): the part of its payable, summed over coverages, from an event whose
    #: attribution is under review (rule 20); 0 for the others. None when the table has no `under_review`.
    under_review_payable: Amounts | None = None
    #: Per event (input order): the one retention of `retention_basis: per_incident`, the highest among the
    #: coverages the event reaches (0 when it reaches none). None under the default `per_coverage`.
    incident_retention: Amounts | None = None
    #: With `trace`: the figures the waiting period used (rule 2), for a statement to show.
    waiting: WaitingTrace | None = None


@dataclass(frozen=True)
class WaitingTrace:
    """What the waiting period (rule 2) acted on, kept with a trace so that a statement can show how its
    deduction was computed rather than compute it again."""

    #: Per outage row of the table (its order): hours inside the waiting period.
    outage_hours: Amounts
    #: Per event × column (as `payable`): income lost inside the waiting period, after exclusions.
    income: Amounts
    #: Per event × column: hours from the first outage's start to the last one's end (0 without hours).
    span_h: Amounts


def apply_terms(
    table: LossTable,
    terms: CompiledTerms,
    *,
    prior_paid: dict[Coverage, Decimal] | None = None,
    trace: bool = False,
    compact: bool = False,
) -> TermsResult:
    """Apply `terms` to every event of `table`.

    Parameters
    ----------
    table
        Ground-up losses; amount arrays of the same number type as `terms` (float64 or Decimal objects).
        Coverages the policy does not buy are ignored; covered coverages absent from the table lose nothing.
    terms
        The policy compiled by `CompiledTerms.from_policy`.
    prior_paid
        What the policy year (every period of the table) has already paid per coverage; it erodes the
        sublimits and the aggregate (rule 11).
    trace
        Keep the amount payable after each `Step` (an n × k array each), for settlement statements.
    compact
        Return only the columns of the covered coverages the table holds (in the policy's order) instead of
        every covered coverage; a simulation whose model hits few of many covered coverages skips the
        re-expansion. Rows stay in the input's order either way.

    Examples
    --------
    A 100-hour outage losing 1,000 an hour under a 12-hour time retention and a 5,000 retention:
    (100 - 12) × 1,000 - 5,000 = 83,000.
    """
    decimal = terms.numeric == "decimal"
    zero: Any = Decimal(0) if decimal else 0.0
    n = table.n_events
    column_of = {c: j for j, c in enumerate(table.coverages)}
    # Only covered coverages that the table holds can pay; the others stay zero and are skipped, which
    # matters when a policy buys many coverages and a model hits few.
    present = [j for j, c in enumerate(terms.coverages) if c in column_of]
    work = terms.select(present)
    cols = np.asarray([column_of[c] for c in work.coverages], dtype=np.int64)
    k = len(cols)
    if terms.jit and not decimal and not trace:  # the same steps in one compiled pass (float64, no trace)
        from cyberins.terms.fused import fused_terms  # numba: imported only when a simulation asks for it

        prior, prior_total = _prior(prior_paid or {}, work, terms, decimal)
        payable, money_only, one = fused_terms(table, work, cols, prior, prior_total)
        return _result(table, terms, work, present, compact, payable, money_only, one, None)
    order = _time_order(table)
    period = table.period if order is None else table.period[order]

    loss = _columns(table.ground_up, cols, order, work, n)
    defence = _columns(table.defence, cols, order, work, n)
    hourly, wait_h = _hourly(table, work, order, cols)
    te = hourly.te
    money_only = np.zeros(k, dtype=bool)
    money_only[te] = ((loss[:, te] > zero) & ~hourly.has_hours).any(axis=0)
    steps: dict[Step, Amounts] | None = {} if trace else None

    # Steps with nothing to act on are skipped (no exclusions, no defence costs, no hourly losses): on the
    # simulation path they would only copy million-row arrays. The result is the same either way.
    _record(steps, Step.GROUND_UP, loss, defence, hourly=hourly)
    excluded = _excluded(table, work, order, cols)
    if excluded is not None:
        loss, defence, hourly = remove_excluded(excluded, loss, defence, hourly, zero)
    _record(steps, Step.EXCLUSIONS, loss, defence, hourly=hourly)
    loss = add_indemnity_period_income(loss, hourly)
    _record(steps, Step.INDEMNITY_PERIOD, loss, defence)
    retention: Amounts = np.broadcast_to(work.retention, (n, k))
    loss, retention = apply_waiting_period(loss, retention, hourly, work.waiting_mode[te], work.waiting_h[te], zero)
    _record(steps, Step.WAITING_PERIOD, loss, defence)
    loss, defence, one_retention = take_retentions(
        loss,
        defence,
        retention,
        per_incident=work.retention_per_incident,
        defence_given=table.defence is not None,
        zero=zero,
    )
    _record(steps, Step.RETENTION, loss, defence)
    loss, defence = limit_each_claim(
        loss, defence, work.each_claim_limit, expenses_erode=work.claims_expenses_erode_limit, zero=zero
    )
    _record(steps, Step.EACH_CLAIM_LIMIT, loss, defence)
    loss, defence = apply_coinsurance(loss, defence, work.coinsurance)
    _record(steps, Step.COINSURANCE, loss, defence)
    prior, prior_total = _prior(prior_paid or {}, work, terms, decimal)
    loss = erode_sublimits(loss, period, work.sublimit, prior)
    _record(steps, Step.SUBLIMIT, loss, defence)
    payable = erode_aggregate(loss, period, work.aggregate_limit, prior_total) + defence
    _record(steps, Step.AGGREGATE, payable)

    waiting = None
    if steps is not None:
        waiting = (wait_h, _widened(hourly.income_wait, te, n, k, work), _widened(hourly.duration, te, n, k, work))
    return _result(
        table, terms, work, present, compact, payable, money_only, one_retention, _inverse(order), steps, waiting
    )


def _result(
    table: LossTable,
    terms: CompiledTerms,
    work: CompiledTerms,
    present: list[int],
    compact: bool,
    payable: Amounts,
    money_only: BoolArray,
    one_retention: Amounts | None,
    back: IntArray | None,
    steps: dict[Step, Amounts] | None = None,
    waiting: tuple[Amounts, Amounts, Amounts] | None = None,
) -> TermsResult:
    """The result in the input's row order (`back` undoes the time order), with every covered coverage's
    column unless `compact`; the traced `steps` and `waiting` figures (outage hours, then two step arrays)."""
    expand = not compact and len(present) < len(terms.coverages)
    width = len(terms.coverages) if expand else None

    def out(values: Amounts) -> Amounts:
        return _output(values, back, present, width, terms)

    flags = money_only
    if width is not None:
        flags = np.zeros(width, dtype=bool)
        flags[present] = money_only
    paid = out(payable)
    zero = terms.zeros(())[()]
    under_review = None
    if table.under_review is not None:
        under_review = np.where(table.under_review, paid.sum(axis=1) + zero, zero)
    return TermsResult(
        coverages=terms.coverages if expand else work.coverages,
        payable=paid,
        trace=None if steps is None else {s: out(v) for s, v in steps.items()},
        money_only_time_element=flags,
        under_review_payable=under_review,
        incident_retention=one_retention if one_retention is None or back is None else one_retention[back],
        waiting=None if waiting is None else WaitingTrace(waiting[0], out(waiting[1]), out(waiting[2])),
    )


def _widened(values: Amounts, te: IntArray, n: int, k: int, terms: CompiledTerms) -> Amounts:
    """Time-element columns (`te`) spread to all `k` step columns, zeros elsewhere."""
    wide = terms.zeros((n, k))
    wide[:, te] = values
    return wide


def _record(
    steps: dict[Step, Amounts] | None, step: Step, first: Amounts, *rest: Amounts, hourly: Hourly | None = None
) -> None:
    """Keep the amount still payable after `step` (the parts summed) when tracing. Before the indemnity
    period the hourly income is not yet part of the loss, so `hourly` adds all of it for the record."""
    if steps is None:
        return
    total = sum(rest, first.copy())
    if hourly is not None:
        total[:, hourly.te] += hourly.income_all
    steps[step] = total


def _columns(source: Amounts | None, cols: IntArray, order: IntArray | None, work: CompiledTerms, n: int) -> Amounts:
    """The policy's columns of `source`, rows in (period, time) order, as a new array (zeros when absent)."""
    if source is None or not len(cols):
        return work.zeros((n, len(cols)))
    taken = np.take(source, cols, axis=1)
    return taken if order is None else taken[order]


def _prior(
    paid: dict[Coverage, Decimal], work: CompiledTerms, terms: CompiledTerms, decimal: bool
) -> tuple[Amounts, Any]:
    """What the policy year already paid (rule 11): per step column, and in total over every covered coverage."""
    prior = np.array([paid.get(c, Decimal(0)) for c in work.coverages], dtype=object)
    total: Any = sum((paid.get(c, Decimal(0)) for c in terms.coverages), Decimal(0))
    return (prior, total) if decimal else (prior.astype(np.float64), float(total))


def _inverse(order: IntArray | None) -> IntArray | None:
    """The permutation back to the input's row order; None when the rows were not reordered."""
    if order is None:
        return None
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    return back


def _output(
    values: Amounts, back: IntArray | None, present: list[int], width: int | None, terms: CompiledTerms
) -> Amounts:
    """Back to the input's row order; with a `width`, to every covered coverage (absent ones pay zero)."""
    rows = values if back is None else values[back]
    if width is None:
        return rows
    wide = terms.zeros((rows.shape[0], width))
    wide[:, present] = rows
    return wide


def _excluded(table: LossTable, terms: CompiledTerms, order: IntArray | None, cols: IntArray) -> BoolArray | None:
    """Events × `terms`' columns, rows in (period, time) order: pairs that exclusions and jurisdiction rules
    (the table's `excluded`) or the cover by event type (rule 19) remove; None when nothing is removed."""
    masks = [] if table.excluded is None else [table.excluded[:, cols]]
    if table.event_type is not None:
        by_type = terms.not_answered(table.event_type)
        masks += [] if by_type is None else [by_type]
    if not masks:
        return None
    mask = masks[0] if len(masks) == 1 else masks[0] | masks[1]
    return mask if order is None else mask[order]


def _time_order(table: LossTable) -> IntArray | None:
    """The permutation that sorts events by (period, time); None when they already are (simulated tables)."""
    p, t = table.period, table.time
    if len(p) < 2 or ((p[1:] > p[:-1]) | ((p[1:] == p[:-1]) & (t[1:] >= t[:-1]))).all():
        return None
    return np.lexsort((t, p))


def _hourly(table: LossTable, terms: CompiledTerms, order: IntArray | None, cols: IntArray) -> tuple[Hourly, Amounts]:
    """The hourly income of the time-element columns, rows in (period, time) order: lost in all, inside the
    indemnity period and inside the waiting period; the span from the first outage's start; whether the
    loss came in hours. Beside it, per outage row of the table, its hours inside the waiting period (0 off
    the time-element columns), which a trace keeps for a statement."""
    te = np.flatnonzero(terms.time_element)
    n, m = table.n_events, len(te)
    zero: Any = Decimal(0) if terms.numeric == "decimal" else 0.0
    income_all, income_ip, income_wait, duration = (terms.zeros((n, m)) for _ in range(4))
    has_hours = np.zeros((n, m), dtype=bool)
    out = table.outages
    wait_h = terms.zeros((0 if out is None else len(out.event),))
    hourly = Hourly(te, income_all, income_ip, income_wait, duration, has_hours)
    if out is None or len(out.event) == 0 or m == 0:
        return hourly, wait_h
    position = np.full(len(table.coverages), -1)  # table column -> position among te
    position[cols[te]] = np.arange(m)
    column = position[out.coverage]
    use = column >= 0
    row, column = out.event[use], column[use]
    back = _inverse(order)
    if back is not None:
        row = back[row]
    start, end, rate = out.start_h[use], out.end_h[use], out.per_hour[use]
    flat = row * m + column
    ip = terms.indemnity_h[te][column]
    wait = np.minimum(terms.waiting_h[te][column], ip)
    scatter_add(income_all, flat, (end - start) * rate)
    scatter_add(income_ip, flat, overlap_hours(start, end, zero, ip, zero) * rate)
    wait_h[use] = overlap_hours(start, end, zero, wait, zero)
    scatter_add(income_wait, flat, wait_h[use] * rate)
    np.maximum.at(duration.reshape(-1), flat, end)
    has_hours.reshape(-1)[flat] = True
    return hourly, wait_h

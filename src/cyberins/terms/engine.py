"""The financial-terms engine: a policy's terms applied to a table of ground-up losses.

One function serves pricing (millions of simulated events, float64), the portfolio, and claims (one real
incident, exact `Decimal`). The order of application is DESIGN.md rule 1:

    exclusions, cover by event type (rule 19) and jurisdiction rules -> indemnity period (rule 3)
    -> waiting period (rule 2) -> monetary retention (one per coverage and incident, or one per incident
    under `retention_basis: per_incident`, rules 5-6) -> each-claim limit -> coinsurance
    -> sublimit remaining in the policy year -> aggregate remaining in the policy year.

Events erode the sublimits and the aggregate in time order within their policy year; within one event,
coverages erode the aggregate in the order the policy lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np

from cyberins.model.ids import Coverage, WaitingPeriodMode
from cyberins.terms.compiled import MODE_CODES, CompiledTerms
from cyberins.terms.kernels import (
    capped_running,
    overlap_hours,
    reaches_cap,
    scatter_add,
    take_in_order,
    take_retention,
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
    order = _time_order(table)
    period = table.period if order is None else table.period[order]
    column_of = {c: j for j, c in enumerate(table.coverages)}
    # Only covered coverages that the table holds can pay; the others stay zero and are skipped, which
    # matters when a policy buys many coverages and a model hits few.
    present = [j for j, c in enumerate(terms.coverages) if c in column_of]
    work = terms.select(present)
    cols = [column_of[c] for c in work.coverages]
    col_index = np.asarray(cols, dtype=np.int64)
    k = len(cols)

    def pick(source: Amounts | None) -> Amounts:
        """The policy's columns of `source`, rows in (period, time) order, as a new array."""
        if source is None or not k:
            return work.zeros((n, k))
        taken = np.take(source, col_index, axis=1)
        return taken if order is None else taken[order]

    loss = pick(table.ground_up)
    defence = pick(table.defence)
    # Hourly losses live on the time-element columns `te` only: arrays n × len(te), not n × k.
    te = np.flatnonzero(work.time_element)
    income_all, income_ip, income_wait, duration, has_hours = _hourly(table, work, order, cols, te)
    money_only = np.zeros(k, dtype=bool)
    money_only[te] = ((loss[:, te] > zero) & ~has_hours).any(axis=0)
    steps: dict[Step, Amounts] = {}

    def record(step: Step, *parts: Amounts) -> None:
        if trace:
            total = sum(parts[1:], parts[0].copy())
            if step in (Step.GROUND_UP, Step.EXCLUSIONS):
                total[:, te] += income_all
            steps[step] = total

    # Steps with nothing to act on are skipped (no exclusions, no defence costs, no hourly losses): on the
    # simulation path they would only copy million-row arrays. The result is the same either way.
    record(Step.GROUND_UP, loss, defence)
    excluded = _excluded(table, work, order, col_index)
    if excluded is not None:
        keep = ~excluded
        loss, defence = np.where(keep, loss, zero), np.where(keep, defence, zero)
        keep_te = keep[:, te]
        income_all, income_ip = np.where(keep_te, income_all, zero), np.where(keep_te, income_ip, zero)
        income_wait = np.where(keep_te, income_wait, zero)
    record(Step.EXCLUSIONS, loss, defence)

    loss[:, te] += income_ip
    record(Step.INDEMNITY_PERIOD, loss, defence)
    retention: Amounts = np.broadcast_to(work.retention, (n, k))
    if te.size and has_hours.any():  # waiting periods act on losses given in hours only (rule 15)
        mode = work.waiting_mode[te]
        part = loss[:, te]
        part = np.where(has_hours & (mode == MODE_CODES[WaitingPeriodMode.TIME_RETENTION]), part - income_wait, part)
        reached = duration > work.waiting_h[te]
        part = np.where(has_hours & (mode == MODE_CODES[WaitingPeriodMode.TRIGGER]) & ~reached, zero, part)
        loss[:, te] = part
        greater_of = has_hours & (mode == MODE_CODES[WaitingPeriodMode.GREATER_OF])
        if greater_of.any():
            retention = np.array(retention)
            retention[:, te] = np.where(greater_of, np.maximum(retention[:, te], income_wait), retention[:, te])
    record(Step.WAITING_PERIOD, loss, defence)

    one_retention = None
    if work.retention_per_incident and k:
        # Rule 5, per_incident: the highest retention among the coverages the incident still reaches here,
        # taken once from them in the policy's order, defence costs first within a coverage (rule 6).
        reached = (loss + defence) > zero
        one_retention = np.where(reached, retention, zero).max(axis=1)
        defence, loss = take_in_order(defence, loss, one_retention, zero)
    elif table.defence is not None:
        defence, loss = take_retention(defence, loss, retention, zero)
    else:
        loss = np.maximum(loss - retention, zero)
    record(Step.RETENTION, loss, defence)
    if work.claims_expenses_erode_limit:
        loss, defence = np.minimum(loss + defence, work.each_claim_limit), work.zeros((n, k))
    else:
        loss = np.minimum(loss, work.each_claim_limit)
    record(Step.EACH_CLAIM_LIMIT, loss, defence)
    share = 1 - work.coinsurance
    if (work.coinsurance != 0).any():
        loss, defence = loss * share, defence * share
    record(Step.COINSURANCE, loss, defence)

    paid_before = prior_paid or {}
    prior = np.array([paid_before.get(c, Decimal(0)) for c in work.coverages], dtype=object)
    prior_total: Any = sum((paid_before.get(c, Decimal(0)) for c in terms.coverages), Decimal(0))
    if not decimal:
        prior, prior_total = prior.astype(np.float64), float(prior_total)
    loss = capped_running(loss, period, work.sublimit, prior)
    record(Step.SUBLIMIT, loss, defence)
    if reaches_cap(loss.sum(axis=1), period, work.aggregate_limit, prior_total):
        # Erode the aggregate event by event and, within an event, coverage by coverage (rule 1).
        loss = capped_running(loss.reshape(-1), np.repeat(period, k), work.aggregate_limit, prior_total).reshape(n, k)
    payable = loss + defence
    record(Step.AGGREGATE, payable)

    back = None
    if order is not None:
        back = np.empty_like(order)
        back[order] = np.arange(n)
    expand = not compact and len(present) < len(terms.coverages)

    def out(values: Amounts) -> Amounts:
        """Back to the input's row order; unless compact, to every covered coverage (absent ones pay zero)."""
        rows = values if back is None else values[back]
        if not expand:
            return rows
        wide = terms.zeros((n, len(terms.coverages)))
        wide[:, present] = rows
        return wide

    flags = money_only
    if expand:
        flags = np.zeros(len(terms.coverages), dtype=bool)
        flags[present] = money_only
    paid = out(payable)
    under_review = None
    if table.under_review is not None:
        under_review = np.where(table.under_review, paid.sum(axis=1) + zero, zero)
    return TermsResult(
        coverages=work.coverages if not expand else terms.coverages,
        payable=paid,
        trace={s: out(v) for s, v in steps.items()} if trace else None,
        money_only_time_element=flags,
        under_review_payable=under_review,
        incident_retention=None if one_retention is None else (one_retention if back is None else one_retention[back]),
    )


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


def _hourly(
    table: LossTable, terms: CompiledTerms, order: IntArray | None, cols: list[int], te: IntArray
) -> tuple[Amounts, Amounts, Amounts, Amounts, BoolArray]:
    """On the time-element columns `te` (n × len(te)): income lost in all, inside the indemnity period and
    inside the waiting period; the span from the first outage's start; whether the loss came in hours."""
    n, m = table.n_events, len(te)
    zero: Any = Decimal(0) if terms.numeric == "decimal" else 0.0
    income_all, income_ip, income_wait, duration = (terms.zeros((n, m)) for _ in range(4))
    has_hours = np.zeros((n, m), dtype=bool)
    out = table.outages
    if out is None or len(out.event) == 0 or m == 0:
        return income_all, income_ip, income_wait, duration, has_hours
    position = np.full(len(table.coverages), -1)  # table column -> position among te
    position[np.asarray(cols, dtype=np.int64)[te]] = np.arange(m)
    column = position[out.coverage]
    use = column >= 0
    row, column = out.event[use], column[use]
    if order is not None:
        rank = np.empty_like(order)
        rank[order] = np.arange(n)
        row = rank[row]
    start, end, rate = out.start_h[use], out.end_h[use], out.per_hour[use]
    flat = row * m + column
    ip = terms.indemnity_h[te][column]
    wait = np.minimum(terms.waiting_h[te][column], ip)
    scatter_add(income_all, flat, (end - start) * rate)
    scatter_add(income_ip, flat, overlap_hours(start, end, zero, ip, zero) * rate)
    scatter_add(income_wait, flat, overlap_hours(start, end, zero, wait, zero) * rate)
    np.maximum.at(duration.reshape(-1), flat, end)
    has_hours.reshape(-1)[flat] = True
    return income_all, income_ip, income_wait, duration, has_hours

"""The float64 path of `engine.apply_terms` in one compiled pass, for the portfolio's millions of rows.

The steps of rule 1 are those of `terms.steps`, in the same order and with the same arithmetic, written per
row instead of per whole array: a line of a portfolio (100 insureds × 512 years) reaches the engine with a
few thousand rows, where the NumPy path pays for two dozen whole-array temporaries, a time-order sort and a
scatter of the outages per call. Here one pass orders the rows by (period, time) with a counting sort, a
second computes each row's amounts through the retention, limits and coinsurance and tells the policy years
whose sublimit or aggregate can bind, and a third erodes only those years in time order.

The NumPy path (`CompiledTerms.jit` false, and every `Decimal` claim) stays the specification: a property
test draws policies and tables and checks that both pay the same, up to float rounding
(tests/terms/test_fused.py). Used only with `CompiledTerms.jit` and without a trace: a settlement
statement needs each step's amounts, which the NumPy path keeps.
"""

from __future__ import annotations

import numba
import numpy as np

from cyberins.model.ids import WaitingPeriodMode
from cyberins.terms.compiled import MODE_CODES, CompiledTerms
from cyberins.terms.tables import Amounts, BoolArray, IntArray, LossTable

_jit = numba.njit(cache=True, nogil=True)
_TIME_RETENTION = MODE_CODES[WaitingPeriodMode.TIME_RETENTION]
_TRIGGER = MODE_CODES[WaitingPeriodMode.TRIGGER]
_GREATER_OF = MODE_CODES[WaitingPeriodMode.GREATER_OF]


@_jit
def _row_order(period: IntArray, time: Amounts) -> IntArray:  # pragma: no cover
    """The stable (period, time) order: a counting sort by period where the periods span few values per row
    (simulated tables), a stable lexsort otherwise; then insertion by time within each period."""
    n = len(period)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = period.min(), period.max()
    span = high - low + 1
    if span > 4 * n + 2**17:  # periods far apart: a table of them would cost more than sorting
        return _lexsort(period, time)
    starts = np.zeros(span + 1, dtype=np.int64)
    for i in range(n):
        starts[period[i] - low + 1] += 1
    crowded = 0
    for p in range(span):
        crowded = max(crowded, starts[p + 1])
        starts[p + 1] += starts[p]
    if crowded > 64:  # a crowded period: insertion sorts would be quadratic
        return _lexsort(period, time)
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        p = period[i] - low
        order[starts[p]] = i
        starts[p] += 1
    for a in range(1, n):  # by time within each period: stable insertion among the period's rows
        row = order[a]
        b = a
        while b > 0 and period[order[b - 1]] == period[row] and time[order[b - 1]] > time[row]:
            order[b] = order[b - 1]
            b -= 1
        order[b] = row
    return order


@_jit
def _lexsort(period: IntArray, time: Amounts) -> IntArray:  # pragma: no cover
    """`np.lexsort((time, period))` (stable) for the tables a counting sort does not suit."""
    by_time = np.argsort(time, kind="mergesort")
    return by_time[np.argsort(period[by_time], kind="mergesort")]


@_jit
def _fused(
    period: IntArray,
    time: Amounts,
    money: Amounts,
    cols: IntArray,
    defence: Amounts,
    excluded: BoolArray,
    event_type: IntArray,
    not_answered: BoolArray,
    seg_event: IntArray,
    seg_column: IntArray,
    seg_start: Amounts,
    seg_end: Amounts,
    seg_rate: Amounts,
    retention: Amounts,
    each_claim_limit: Amounts,
    coinsurance: Amounts,
    sublimit: Amounts,
    waiting_h: Amounts,
    indemnity_h: Amounts,
    mode: IntArray,
    time_element: BoolArray,
    aggregate: float,
    prior: Amounts,
    prior_total: float,
    expenses_erode: bool,
    per_incident: bool,
) -> tuple[Amounts, BoolArray, Amounts]:  # pragma: no cover
    """Rule 1 on the table's rows in any order, its columns `cols` (the policy's covered coverages the table
    holds); `defence` and `excluded` empty when the table has none, outage segments with their step column
    (−1 off the time-element columns). Returns what each row pays per column (input order), the
    time-element columns with a loss given only as money, and the one retention per incident (input order;
    zeros under `per_coverage`)."""
    n, k = money.shape[0], len(cols)
    defence_given = defence.shape[0] > 0
    order = _row_order(period, time)
    # Each row's outage segments (input order kept within a row, as the NumPy path's scatter adds them).
    seg_starts = np.zeros(n + 1, dtype=np.int64)
    for s in range(len(seg_event)):
        seg_starts[seg_event[s] + 1] += 1
    for i in range(n):
        seg_starts[i + 1] += seg_starts[i]
    seg_fill = seg_starts[:-1].copy()
    segs = np.empty(len(seg_event), dtype=np.int64)
    for s in range(len(seg_event)):
        segs[seg_fill[seg_event[s]]] = s
        seg_fill[seg_event[s]] += 1

    loss = np.empty((n, k))  # rows in (period, time) order from here on
    left = np.empty((n, k))  # defence costs still payable
    money_only = np.zeros(k, dtype=np.bool_)
    one = np.zeros(n)
    income_ip = np.zeros(k)
    income_wait = np.zeros(k)
    duration = np.zeros(k)
    has_hours = np.zeros(k, dtype=np.bool_)
    ret = np.empty(k)
    with_types = len(event_type) > 0
    with_excluded = excluded.shape[0] > 0
    for a in range(n):
        r = order[a]
        for j in range(k):
            income_ip[j] = 0.0
            income_wait[j] = 0.0
            duration[j] = 0.0
            has_hours[j] = False
        for b in range(seg_starts[r], seg_starts[r + 1]):
            s = segs[b]
            j = seg_column[s]
            if j < 0:
                continue
            start, end, rate = seg_start[s], seg_end[s], seg_rate[s]
            ip = indemnity_h[j]
            wait = min(waiting_h[j], ip)
            income_ip[j] += max(min(end, ip) - max(start, 0.0), 0.0) * rate
            income_wait[j] += max(min(end, wait) - max(start, 0.0), 0.0) * rate
            duration[j] = max(duration[j], end)
            has_hours[j] = True
        for j in range(k):
            x = money[r, cols[j]]
            d = defence[r, cols[j]] if defence_given else 0.0
            if time_element[j] and x > 0.0 and not has_hours[j]:
                money_only[j] = True
            out = (with_excluded and excluded[r, cols[j]]) or (with_types and not_answered[j, event_type[r]])
            if out:  # exclusions and cover by event type (rules 7-9, 19): nothing of this pair is paid
                x, d = 0.0, 0.0
                income_ip[j] = 0.0
                income_wait[j] = 0.0
            ret[j] = retention[j]
            if time_element[j]:
                x += income_ip[j]  # indemnity period (rule 3)
                if has_hours[j]:  # waiting period (rule 2), by the policy's mode
                    if mode[j] == _TIME_RETENTION:
                        x = x - income_wait[j]
                    elif mode[j] == _TRIGGER and not duration[j] > waiting_h[j]:
                        x = 0.0
                    elif mode[j] == _GREATER_OF:
                        ret[j] = max(ret[j], income_wait[j])
            loss[a, j] = x
            left[a, j] = d
        # Monetary retention (rules 5-6): one per incident taken in the policy's order, or one per coverage.
        if per_incident and k > 0:
            highest = 0.0
            for j in range(k):
                reach = ret[j] if loss[a, j] + left[a, j] > 0.0 else 0.0
                highest = reach if j == 0 else max(highest, reach)
            one[r] = highest
            running, before = 0.0, 0.0
            for j in range(k):
                for part in range(2):  # a coverage's defence costs before its loss
                    v = left[a, j] if part == 0 else loss[a, j]
                    running += v
                    to_date = min(running, highest)
                    taken = to_date - before
                    before = to_date
                    rest = v - min(max(taken, 0.0), v)
                    if part == 0:
                        left[a, j] = rest
                    else:
                        loss[a, j] = rest
        elif defence_given:
            for j in range(k):
                d = left[a, j]
                left[a, j] = max(d - ret[j], 0.0)
                loss[a, j] = max(loss[a, j] - max(ret[j] - d, 0.0), 0.0)
        else:
            for j in range(k):
                loss[a, j] = max(loss[a, j] - ret[j], 0.0)
        for j in range(k):  # each-claim limit, then coinsurance
            if expenses_erode:
                loss[a, j] = min(loss[a, j] + left[a, j], each_claim_limit[j])
                left[a, j] = 0.0
            else:
                loss[a, j] = min(loss[a, j], each_claim_limit[j])
            share = 1 - coinsurance[j]
            loss[a, j] = loss[a, j] * share
            left[a, j] = left[a, j] * share

    years = _years(period, order)
    _erode(loss, years, sublimit, prior)
    # The aggregate: erodes only when some policy year's total reaches it (`kernels.reaches_cap` on the
    # rows' sums), then over the rows' coverages flattened in the policy's order, as `steps.erode_aggregate`.
    reaches = False
    for y in range(len(years) - 1):
        total = 0.0
        for a in range(years[y], years[y + 1]):
            row = 0.0
            for j in range(k):
                row += loss[a, j]
            total += row
        if total + prior_total > aggregate:
            reaches = True
    if reaches:
        _erode_flat(loss, years, aggregate, prior_total)
    paid = np.empty((n, k))
    for a in range(n):
        for j in range(k):
            paid[order[a], j] = loss[a, j] + left[a, j]
    return paid, money_only, one


@_jit
def _years(period: IntArray, order: IntArray) -> IntArray:  # pragma: no cover
    """Where each policy year starts among the rows in `order` (then the end)."""
    n = len(order)
    starts = np.empty(n + 1, dtype=np.int64)
    m = 0
    for a in range(n):
        if a == 0 or period[order[a]] != period[order[a - 1]]:
            starts[m] = a
            m += 1
    starts[m] = n
    return starts[: m + 1]


@_jit
def _erode(loss: Amounts, years: IntArray, cap: Amounts, prior: Amounts) -> None:  # pragma: no cover
    """`kernels.capped_running` on the rows (in time order, policy years starting at `years`): a year whose
    total in some column, plus `prior`, passes that column's cap pays in time order until the cap, every
    column, running sums from `prior` row by row; in place."""
    k = loss.shape[1]
    for y in range(len(years) - 1):
        hit = False
        for j in range(k):
            total = 0.0
            for a in range(years[y], years[y + 1]):
                total += loss[a, j]
            if total + prior[j] > cap[j]:
                hit = True
        if hit:
            for j in range(k):
                running = prior[j]
                before = min(running, cap[j])
                for a in range(years[y], years[y + 1]):
                    amount = loss[a, j]
                    running += amount
                    to_date = min(running, cap[j])
                    loss[a, j] = min(max(to_date - before, 0.0), amount)
                    before = to_date


@_jit
def _erode_flat(loss: Amounts, years: IntArray, cap: float, prior: float) -> None:  # pragma: no cover
    """`_erode` of one cap over each row's columns in turn (the aggregate, rule 1); in place."""
    k = loss.shape[1]
    for y in range(len(years) - 1):
        total = 0.0
        for a in range(years[y], years[y + 1]):
            for j in range(k):
                total += loss[a, j]
        if total + prior > cap:
            running = prior
            before = min(running, cap)
            for a in range(years[y], years[y + 1]):
                for j in range(k):
                    amount = loss[a, j]
                    running += amount
                    to_date = min(running, cap)
                    loss[a, j] = min(max(to_date - before, 0.0), amount)
                    before = to_date


def fused_terms(
    table: LossTable, work: CompiledTerms, cols: IntArray, prior: Amounts, prior_total: float
) -> tuple[Amounts, BoolArray, Amounts | None]:
    """`work`'s terms (the covered coverages the table holds, table columns `cols`) on `table`: what each
    event pays per column in the table's row order, the time-element columns whose loss came only as money
    (rule 15), and the one retention per incident (None under `per_coverage`)."""
    k = len(cols)
    none_2d = np.zeros((0, 0))
    event_type, not_answered = np.zeros(0, dtype=np.int64), np.zeros((k, 0), dtype=bool)
    if table.event_type is not None and not work.answers.all():
        event_type, not_answered = table.event_type, ~work.answers
    # Each table column's step column when it is a time-element one, else −1 (outages there are ignored).
    te_column = np.full(len(table.coverages), -1, dtype=np.int64)
    te_column[cols[work.time_element]] = np.flatnonzero(work.time_element)
    out = table.outages
    empty = np.zeros(0)
    start, end, rate = (empty, empty, empty) if out is None else (out.start_h, out.end_h, out.per_hour)
    paid, money_only, one = _fused(
        table.period,
        table.time,
        table.ground_up,
        cols,
        none_2d if table.defence is None else table.defence,
        np.zeros((0, 0), dtype=bool) if table.excluded is None else table.excluded,
        event_type,
        not_answered,
        np.zeros(0, dtype=np.int64) if out is None else out.event,
        np.zeros(0, dtype=np.int64) if out is None else te_column[out.coverage],
        start,
        end,
        rate,
        work.retention,
        work.each_claim_limit,
        work.coinsurance,
        work.sublimit,
        work.waiting_h,
        work.indemnity_h,
        work.waiting_mode.astype(np.int64),
        work.time_element,
        float(work.aggregate_limit),
        np.asarray(prior, dtype=np.float64),
        float(prior_total),
        bool(work.claims_expenses_erode_limit),
        bool(work.retention_per_incident),
    )
    return paid, money_only, one if work.retention_per_incident and k else None

"""Compiled (numba) loops behind the float64 path of `terms.kernels`: one pass over the rows where NumPy needs
several whole-array temporaries (cumulative sums, segment sums, sorting).

Imported by `terms.kernels` only when a float64 array arrives (numba takes about a second to import; a claim's
`Decimal` path never needs it). `cache=True` keeps the machine code under `__pycache__`, so only the first run
on a machine compiles (a few seconds, once); the results are those of the NumPy expressions they replace, up
to float rounding: running totals are summed row by row inside each group, never over the whole column.
"""

from __future__ import annotations

import numba
import numpy as np

from cyberins.terms.tables import Amounts, BoolArray, IntArray

_jit = numba.njit(cache=True, nogil=True)


@_jit
def _binding(amounts: Amounts, group: IntArray, cap: Amounts, prior: Amounts) -> BoolArray:  # pragma: no cover
    """Per row: whether its group's total (rows sorted by group), plus `prior`, exceeds `cap` in some column."""
    n, k = amounts.shape
    out = np.zeros(n, dtype=np.bool_)
    first = 0
    while first < n:
        last = first
        while last + 1 < n and group[last + 1] == group[first]:
            last += 1
        hit = False
        for j in range(k):
            total = 0.0
            for i in range(first, last + 1):
                total += amounts[i, j]
            if total + prior[j] > cap[j]:
                hit = True
        if hit:
            out[first : last + 1] = True
        first = last + 1
    return out


@_jit
def _capped(
    amounts: Amounts, group: IntArray, cap: Amounts, prior: Amounts, binding: BoolArray
) -> Amounts:  # pragma: no cover
    """`kernels.capped_running` on 2-d rows: the rows of binding groups pay in order until the cap; the others
    pay their amount."""
    n, k = amounts.shape
    paid = amounts.copy()
    i = 0
    while i < n:
        if not binding[i]:
            i += 1
            continue
        last = i
        while last + 1 < n and group[last + 1] == group[i]:
            last += 1
        for j in range(k):
            running = prior[j]
            before = min(running, cap[j])
            for r in range(i, last + 1):
                running += amounts[r, j]
                to_date = min(running, cap[j])
                pay = to_date - before
                paid[r, j] = min(max(pay, 0.0), amounts[r, j])
                before = to_date
        i = last + 1
    return paid


def binding_rows(amounts: Amounts, group: IntArray, cap: Amounts, prior: Amounts) -> BoolArray:
    """Rows (sorted by `group`) of the groups whose total plus `prior` exceeds `cap` in some column; `amounts`
    2-d float64, `cap` and `prior` one value per column."""
    return np.asarray(_binding(amounts, group, cap, prior))


def capped_rows(amounts: Amounts, group: IntArray, cap: Amounts, prior: Amounts, binding: BoolArray) -> Amounts:
    """What each row pays when the `binding` groups' running totals stop at `cap` (see `binding_rows`)."""
    return np.asarray(_capped(amounts, group, cap, prior, binding))


@_jit
def _order(period: IntArray, time: Amounts, low: int, span: int) -> IntArray:  # pragma: no cover
    """A counting sort by period, then a stable insertion sort by time within each period (empty when a
    period holds more than 64 rows)."""
    n = len(period)
    starts = np.zeros(span + 1, dtype=np.int64)
    for i in range(n):
        starts[period[i] - low + 1] += 1
    for p in range(span):
        if starts[p + 1] > 64:
            return np.empty(0, dtype=np.int64)  # a crowded period: insertion sorts would be quadratic
        starts[p + 1] += starts[p]
    fill = starts[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        p = period[i] - low
        order[fill[p]] = i
        fill[p] += 1
    for p in range(span):
        for a in range(starts[p] + 1, starts[p + 1]):
            row = order[a]
            b = a
            while b > starts[p] and time[order[b - 1]] > time[row]:
                order[b] = order[b - 1]
                b -= 1
            order[b] = row
    return order


@_jit
def _sorted(period: IntArray, time: Amounts) -> bool:  # pragma: no cover
    for i in range(1, len(period)):
        if period[i] < period[i - 1] or (period[i] == period[i - 1] and time[i] < time[i - 1]):
            return False
    return True


#: Periods a counting sort may span beyond four per row: its table costs far less than `np.lexsort` does on the
#: rows (a portfolio line of 100 insureds × 512 years spans 51,200 periods with a few thousand rows).
COUNTING_SPAN = 2**17


def time_order(period: IntArray, time: Amounts) -> IntArray | None:
    """The stable permutation that sorts rows by (period, time), as ``np.lexsort((time, period))`` gives it;
    None when they already are. Linear when the periods span at most a few times the rows (simulated years)
    plus `COUNTING_SPAN`, by sorting otherwise."""
    period = np.ascontiguousarray(period, dtype=np.int64)
    time = np.ascontiguousarray(time, dtype=np.float64)
    if _sorted(period, time):
        return None
    low, high = int(period.min()), int(period.max())
    if high - low <= 4 * len(period) + COUNTING_SPAN:
        order = np.asarray(_order(period, time, low, high - low + 1))
        if len(order) == len(period):
            return order
    return np.lexsort((time, period))

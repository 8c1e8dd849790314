"""Compiled (numba) loops of the portfolio simulation, where NumPy would sort what only needs grouping.

`cache=True` keeps the machine code under `__pycache__` (as `terms.fused` does); the portfolio imports numba
through the terms engine's compiled kernels anyway.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from cyberins.quant.model import FloatArray, IntArray

_jit = numba.njit(cache=True, nogil=True)


@_jit
def _groups(year: IntArray, value: FloatArray, n_years: int) -> tuple[IntArray, IntArray]:  # pragma: no cover
    """`group_rows` in one pass per row: a counting sort by year, then within each year a hash table of the
    values (open addressing on their bits) numbers the groups in order of first appearance."""
    n = len(year)
    starts = np.zeros(n_years + 1, dtype=np.int64)
    for i in range(n):
        starts[year[i] + 1] += 1
    for y in range(n_years):
        starts[y + 1] += starts[y]
    fill = starts[:-1].copy()
    by_year = np.empty(n, dtype=np.int64)
    for i in range(n):
        by_year[fill[year[i]]] = i
        fill[year[i]] += 1
    order = np.empty(n, dtype=np.int64)
    group_starts = np.empty(n + 1, dtype=np.int64)
    n_groups = 0
    bits = value.view(np.uint64)
    for y in range(n_years):
        first, last = starts[y], starts[y + 1]
        m = last - first
        if m == 0:
            continue
        size = 1
        while size < 2 * m:
            size *= 2
        slot_group = np.full(size, -1, dtype=np.int64)
        slot_bits = np.zeros(size, dtype=np.uint64)
        group_of = np.empty(m, dtype=np.int64)
        count = np.zeros(m, dtype=np.int64)
        k = 0
        for a in range(m):
            b = bits[by_year[first + a]]
            h = np.int64((b * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)) & (size - 1)
            while slot_group[h] >= 0 and slot_bits[h] != b:
                h = (h + 1) & (size - 1)
            if slot_group[h] < 0:
                slot_group[h] = k
                slot_bits[h] = b
                k += 1
            group_of[a] = slot_group[h]
            count[slot_group[h]] += 1
        at = np.empty(k, dtype=np.int64)
        running = first
        for g in range(k):
            group_starts[n_groups + g] = running
            at[g] = running
            running += count[g]
        for a in range(m):
            g = group_of[a]
            order[at[g]] = by_year[first + a]
            at[g] += 1
        n_groups += k
    group_starts[n_groups] = n
    return order, group_starts[: n_groups + 1]


def group_rows(year: npt.NDArray[np.integer[Any]], value: FloatArray, n_years: int) -> tuple[IntArray, IntArray]:
    """The rows (`year` in 0 … n_years − 1) grouped by year and equal value (bit for bit): a permutation that
    puts each group's rows together, years ascending, and where each group starts in it (then the end).
    Within a year the groups come in order of first appearance, a group's rows in input order."""
    return _groups(
        np.ascontiguousarray(year, dtype=np.int64), np.ascontiguousarray(value, dtype=np.float64), int(n_years)
    )


@_jit
def _line_sums(
    year: IntArray,
    source: IntArray,
    occurrence: IntArray,
    paid: FloatArray,
    ground_up: FloatArray,
    weight: FloatArray,
    review: FloatArray,
    n_years: int,
    n_sources: int,
    n_systemic: int,
) -> tuple[
    FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray
]:  # pragma: no cover
    """`line_sums` in one pass over the rows, each sum in row order."""
    gross = np.zeros(n_years)
    gu = np.zeros(n_years)
    under_review = np.zeros(n_years)
    gross_by_source = np.zeros((n_sources, n_years))
    gu_by_source = np.zeros(n_sources)
    gu_largest = np.zeros(n_years)
    gross_largest = np.zeros(n_years)
    sys_gu = np.zeros(n_systemic)
    sys_gross = np.zeros(n_systemic)
    with_review = len(review) > 0
    for i in range(len(year)):
        y, s = year[i], source[i]
        p, g = paid[i] * weight[i], ground_up[i] * weight[i]
        gu[y] += g
        gross[y] += p
        if with_review:
            under_review[y] += review[i] * weight[i]
        gross_by_source[s, y] += p
        gu_by_source[s] += g
        if s == 0:  # an own event is an occurrence of its own, one incident: the year's largest is a maximum
            gu_largest[y] = max(gu_largest[y], ground_up[i])
            gross_largest[y] = max(gross_largest[y], paid[i])
        else:
            sys_gu[occurrence[i]] += g
            sys_gross[occurrence[i]] += p
    return gross, gu, under_review, gross_by_source, gu_by_source, gu_largest, gross_largest, sys_gu, sys_gross


def line_sums(
    year: IntArray,
    source: IntArray,
    occurrence: IntArray,
    paid: FloatArray,
    ground_up: FloatArray,
    weight: FloatArray,
    review: FloatArray | None,
    n_years: int,
    n_sources: int,
    n_systemic: int,
) -> tuple[FloatArray, ...]:
    """One line's rows summed (a row counts `weight` times): per year its gross, ground-up and part under
    review; gross by source (own events 0, then each scenario) and year; ground-up by source; per year the
    largest own event, ground-up and gross; per systemic occurrence its ground-up and gross. Each is summed in
    row order from zero, as `np.bincount` would, so a line's sums do not depend on the other lines."""
    return _line_sums(
        year,
        source,
        occurrence,
        paid,
        ground_up,
        weight,
        np.zeros(0) if review is None else review,
        int(n_years),
        int(n_sources),
        int(n_systemic),
    )


@_jit
def _stand_ins(
    period: IntArray, occurrence: IntArray, alike: npt.NDArray[np.bool_], n_periods: int
) -> tuple[bool, IntArray, IntArray]:  # pragma: no cover
    """`representatives` in three passes over the rows."""
    n = len(period)
    in_period = np.zeros(n_periods, dtype=np.int64)
    for i in range(n):
        in_period[period[i]] += 1
    stands_for = np.arange(n)
    keep = np.ones(n, dtype=np.bool_)
    last_key, last_row, alone_rows, collapsed = -1, -1, 0, False
    for i in range(n):
        if not (alike[i] and in_period[period[i]] == 1):
            continue
        alone_rows += 1
        if last_row >= 0 and occurrence[i] == last_key:  # the same occurrence as the previous lone row
            stands_for[i] = stands_for[last_row]
            keep[i] = False
            collapsed = True
        last_key, last_row = occurrence[i], i
    if alone_rows < 2 or not collapsed:
        return False, np.zeros(0, dtype=np.int64), stands_for
    position = np.zeros(n, dtype=np.int64)
    kept = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if keep[i]:
            position[i] = k
            kept[k] = i
            k += 1
    for i in range(n):
        stands_for[i] = position[stands_for[i]]
    return True, kept[:k], stands_for


def representatives(
    period: IntArray, occurrence: IntArray, alike: npt.NDArray[np.bool_], n_periods: int
) -> tuple[IntArray | None, IntArray]:
    """`portfolio.events._representatives` (the rule and why it is exact are there), `period` in
    0 … n_periods − 1: a row `alike` and alone in its period that follows another such row of the same
    `occurrence` is stood in for by the first of that run."""
    collapsed, kept, position = _stand_ins(
        np.ascontiguousarray(period, dtype=np.int64),
        np.ascontiguousarray(occurrence, dtype=np.int64),
        np.ascontiguousarray(alike, dtype=np.bool_),
        int(n_periods),
    )
    return (kept, position) if collapsed else (None, position)

"""Compiled (numba) loops of the portfolio simulation, where NumPy would sort what only needs grouping.

`cache=True` keeps the machine code under `__pycache__` (as `terms.jit` does); the portfolio imports numba
through the terms engine's compiled kernels anyway.
"""

from __future__ import annotations

import numba
import numpy as np

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


def group_rows(year: IntArray, value: FloatArray, n_years: int) -> tuple[IntArray, IntArray]:
    """The rows (`year` in 0 … n_years − 1) grouped by year and equal value (bit for bit): a permutation that
    puts each group's rows together, years ascending, and where each group starts in it (then the end).
    Within a year the groups come in order of first appearance, a group's rows in input order."""
    return _groups(
        np.ascontiguousarray(year, dtype=np.int64), np.ascontiguousarray(value, dtype=np.float64), int(n_years)
    )

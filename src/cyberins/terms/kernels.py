"""Pure array kernels of the terms engine: arrays in, arrays out, for float64 and Decimal (object) arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from cyberins.terms.tables import Amounts, IntArray


def scatter_add(out: Amounts, index: IntArray, values: Amounts) -> Amounts:
    """Add `values` into the flat positions `index` of `out` (repeated positions accumulate)."""
    flat = out.reshape(-1)
    if out.dtype == object:
        np.add.at(flat, index, values)
    else:
        flat += np.bincount(index, weights=values, minlength=flat.size)
    return out


def overlap_hours(start: Amounts, end: Amounts, lo: Any, hi: Amounts, zero: Any) -> Amounts:
    """Length of [start, end) ∩ [lo, hi), never negative."""
    return np.asarray(np.maximum(np.minimum(end, hi) - np.maximum(start, lo), zero))


def take_retention(defence: Amounts, loss: Amounts, retention: Amounts, zero: Any) -> tuple[Amounts, Amounts]:
    """One retention per coverage and incident, taken first from defence costs, then from the loss (rule 6)."""
    defence_left = np.maximum(defence - retention, zero)
    retention_left = np.maximum(retention - defence, zero)
    return defence_left, np.maximum(loss - retention_left, zero)


def take_in_order(defence: Amounts, loss: Amounts, allowance: Amounts, zero: Any) -> tuple[Amounts, Amounts]:
    """Take up to `allowance` (one amount per row) from each row's coverages left to right, from a coverage's
    defence costs before its loss (one retention per incident, rules 5-6). Returns what is left of both."""
    n, k = loss.shape
    parts = np.stack([defence, loss], axis=2).reshape(n, 2 * k)  # d0, l0, d1, l1, ...
    taken_to_date = np.minimum(np.cumsum(parts, axis=1), allowance[:, None])
    taken = np.diff(taken_to_date, axis=1, prepend=zero * parts[:, :1])
    # Differences of float cumulative sums may be off by a rounding step; keep 0 <= taken <= part.
    left = parts - np.minimum(np.maximum(taken, zero), parts)
    return left[:, 0::2], left[:, 1::2]


def reaches_cap(amounts: Amounts, group: IntArray, cap: Any, prior: Any) -> bool:
    """Whether any group's total (rows sorted by group; 1-d amounts) plus `prior` exceeds `cap`."""
    if amounts.shape[0] == 0:
        return False
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    return bool((np.add.reduceat(amounts, starts) + prior > cap).any())


def capped_running(amounts: Amounts, group: IntArray, cap: Any, prior: Any) -> Amounts:
    """Pay `amounts` in row order until each column's running total within a group reaches `cap`.

    Rows are sorted by `group` (a policy year); `prior` is what the group had already paid before the first
    row (it erodes the cap, rule 11). Returns what each row pays, so that per group and column
    ``prior + paid.sum() <= cap`` and every row pays at most its amount. Works on 1-d or 2-d `amounts`;
    returns `amounts` itself (not a copy) when no group reaches the cap, so callers must not modify it.

    Only the groups whose total reaches the cap can be cut: the running totals are computed for their rows
    alone, so a cap that seldom binds (the usual case for sublimits over simulated years) costs one sum.

    """
    m = amounts.shape[0]
    if m == 0:
        return amounts
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    binding = np.add.reduceat(amounts, starts, axis=0) + prior > cap
    if binding.ndim > 1:
        binding = binding.any(axis=1)
    if not binding.any():
        return amounts  # nothing reaches the cap: every row pays its amount
    counts = np.diff(np.r_[starts, m])
    rows = np.repeat(binding, counts)
    paid = amounts.copy()
    paid[rows] = _capped_groups(amounts[rows], group[rows], cap, prior)
    return paid


def _capped_groups(amounts: Amounts, group: IntArray, cap: Any, prior: Any) -> Amounts:
    """`capped_running` on rows that all belong to groups which may reach the cap."""
    m = amounts.shape[0]
    running = np.cumsum(amounts, axis=0)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    counts = np.diff(np.r_[starts, m])
    before = np.zeros_like(running[:1]).repeat(len(starts), axis=0)
    before[1:] = running[starts[1:] - 1]
    within = running - np.repeat(before, counts, axis=0) + prior
    paid_to_date = np.minimum(within, cap)
    previous = np.empty_like(paid_to_date)
    previous[1:] = paid_to_date[:-1]
    previous[starts] = np.minimum(prior, cap)
    # Differences of float cumulative sums carry rounding of the whole column's magnitude; clipping to
    # [0, amount] keeps "never pays more than claimed" exact (a no-op on Decimal arrays).
    return np.asarray(np.minimum(np.maximum(paid_to_date - previous, 0 * amounts), amounts))

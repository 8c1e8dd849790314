"""A chunk's occurrences in the order treaties see them, and layers reached in time order each year.

Rows (one per policy and occurrence) may come in any order; occurrences are processed in (year, time,
occurrence id) order. Running totals per year decide which occurrence crosses an annual cover or a stop
loss's attachment (contract portfolio.md §2.6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cyberins.quant.model import FloatArray, IntArray
from cyberins.terms.kernels import capped_running


@dataclass(frozen=True)
class Occurrences:
    """The chunk's occurrences in processing order, (year, time, occurrence id), without sorting the rows:
    `index` is each row's occurrence (its position in that order), `year` each occurrence's year; `starts`
    each occurrence's first row when the rows already come in that order (sums by segment, not by scatter)."""

    index: IntArray
    year: IntArray
    weight: FloatArray | None
    starts: IntArray | None = None

    @classmethod
    def of(cls, year: IntArray, occurrence: IntArray, time: FloatArray, weight: FloatArray | None) -> Occurrences:
        """From the rows' columns (`treaties.GrossRows`): rows of one occurrence share its year and time."""
        year, occurrence = np.asarray(year, dtype=np.int64), np.asarray(occurrence, dtype=np.int64)
        if len(year) == 0:
            return cls(year, year, weight)
        time = np.asarray(time, dtype=np.float64)
        if bool((year[1:] >= year[:-1]).all()):  # perhaps in order already: then sums go by segment
            dy, dt, do = np.diff(year), np.diff(time), np.diff(occurrence)
            if bool(((dy > 0) | ((dy == 0) & ((dt > 0) | ((dt == 0) & (do >= 0))))).all()):
                new = np.r_[True, (dy != 0) | (do != 0)]
                starts = np.flatnonzero(new)
                return cls(np.cumsum(new) - 1, year[starts], weight, starts)
        low = int(occurrence.min())
        key, top = occurrence - low, int(occurrence.max()) - low + 1
        if top <= _dense(key):  # the chunk's ids: one compiled pass and a sort of each year's occurrences
            from cyberins.portfolio.jit import occurrence_order

            ordered = occurrence_order(year, key, time, top)
            if ordered is not None:
                return cls(ordered[0], ordered[1], weight)
        keys, first = _first_rows(key, top)
        if not np.array_equal(_lookup(key, top, keys, year[first]), year):  # ids unique within a year only
            if (int(year.max()) + 1) * top >= 2**62:
                key, top = np.unique(key, return_inverse=True)[1].astype(np.int64), len(keys)
            key, top = year * top + key, (int(year.max()) + 1) * top
            keys, first = _first_rows(key, top)
        order = np.lexsort((occurrence[first], time[first], year[first]))
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        return cls(_lookup(key, top, keys, position), year[first][order], weight)

    def total(self, per_row: FloatArray) -> FloatArray:
        """Per occurrence: Σ weight · value over its rows."""
        weighted = per_row if self.weight is None else per_row * self.weight
        if self.starts is not None:
            return np.add.reduceat(weighted, self.starts) if len(weighted) else weighted
        return np.asarray(np.bincount(self.index, weights=weighted, minlength=len(self.year)), dtype=np.float64)

    def annual(self, per_occurrence: FloatArray, n_years: int) -> FloatArray:
        return annual_sum(self.year, per_occurrence, n_years)

    def largest(self, per_occurrence: FloatArray, n_years: int) -> FloatArray:
        """Each year's largest occurrence (0 in a year without one)."""
        out = np.zeros(n_years)
        if len(per_occurrence):
            first = np.flatnonzero(np.r_[True, self.year[1:] != self.year[:-1]])
            out[self.year[first]] = np.maximum.reduceat(per_occurrence, first)
        return out


def _dense(key: IntArray) -> int:
    """Keys up to this bound are numbered by a table (a few passes), larger ones by sorting."""
    return 4 * len(key) + 1024


def _first_rows(key: IntArray, top: int) -> tuple[IntArray, IntArray]:
    """The distinct keys in ascending order and a row holding each (keys are 0 … top − 1)."""
    if top <= _dense(key):
        first = np.full(top, -1, dtype=np.int64)
        first[key] = np.arange(len(key))
        keys = np.flatnonzero(first >= 0)
        return keys, first[keys]
    keys, rows = np.unique(key, return_index=True)
    return keys, rows.astype(np.int64)


def _lookup(key: IntArray, top: int, keys: IntArray, values: IntArray) -> IntArray:
    """Per row, the value of its key (`values` given for the distinct ascending `keys`)."""
    if top <= _dense(key):
        table = np.zeros(top, dtype=np.int64)
        table[keys] = values
        return table[key]
    return values[np.searchsorted(keys, key)]


def annual_sum(year: IntArray, values: FloatArray, n_years: int) -> FloatArray:
    """Σ values per year 0 … n_years − 1."""
    counted = np.bincount(np.asarray(year, dtype=np.int64), weights=values, minlength=n_years)
    return np.asarray(counted[:n_years], dtype=np.float64)


def capped_in_time_order(per_occurrence: FloatArray, year: IntArray, cover: float | None) -> FloatArray:
    """Recoveries reached in time order until each year's total reaches `cover` (None: no cap); the
    occurrence that crosses it gets the part up to it."""
    if cover is None:
        return per_occurrence
    paid = capped_running(per_occurrence, year, cover, 0.0, jit=True)
    if paid is per_occurrence:
        return paid  # no year reaches the cover
    return _settled(paid, per_occurrence, year, np.minimum(_by_year(per_occurrence, year), cover))


def stop_loss_in_time_order(per_occurrence: FloatArray, year: IntArray, attachment: float, limit: float) -> FloatArray:
    """What passes `attachment` in each year, up to `limit`, reached in time order: the occurrence that takes
    the year past the attachment gets what lies above it."""
    top = capped_running(per_occurrence, year, attachment + limit, 0.0, jit=True)
    paid = np.clip(top - capped_running(per_occurrence, year, attachment, 0.0, jit=True), 0.0, None)
    return _settled(paid, per_occurrence, year, np.clip(_by_year(per_occurrence, year) - attachment, 0.0, limit))


def _by_year(per_occurrence: FloatArray, year: IntArray) -> FloatArray:
    return annual_sum(year, per_occurrence, int(year[-1]) + 1 if len(year) else 0)


def _settled(paid: FloatArray, amount: FloatArray, year: IntArray, due: FloatArray) -> FloatArray:
    """`paid` (0 ≤ paid ≤ amount per occurrence) with each year's total made what is `due` that year: the
    difference, float rounding of running totals that carry the magnitude of every year before, is taken up
    by the occurrence with the most room either way, the one that crossed the cap. So a year's recovery
    never passes its cover by a rounding step, nor misses reaching it."""
    room = np.minimum(paid, amount - paid)
    crossing = np.flatnonzero(room > 0)
    if len(crossing) == 0:
        return paid
    crossing = crossing[np.lexsort((room[crossing], year[crossing]))]  # by year, the most room last
    crossing = crossing[np.r_[year[crossing][1:] != year[crossing][:-1], True]]
    gap = due - _by_year(paid, year)
    settled = paid.copy()
    settled[crossing] = np.clip(settled[crossing] + gap[year[crossing]], 0.0, amount[crossing])
    return settled

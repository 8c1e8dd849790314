"""A chunk's occurrences in the order treaties see them, and layers reached in time order each year.

Rows (one per policy and occurrence) may come in any order; occurrences are processed in (year, time,
occurrence id) order. Running totals per year decide which occurrence crosses an annual cover or a stop
loss's attachment (contract portfolio.md §2.6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from cyberins.quant.model import FloatArray, IntArray


class Layer(NamedTuple):
    """What a treaty recovers a share of, per row: min(max(scale · x − attachment, 0), limit) of the row's x."""

    scale: float
    attachment: float
    limit: float


#: The row's whole x (bit for bit: 1 · x − 0 is x).
WHOLE = Layer(1.0, 0.0, np.inf)


@dataclass(frozen=True)
class Occurrences:
    """The chunk's occurrences in processing order, (year, time, occurrence id): `year` is each one's year,
    `rows` the rows grouped by occurrence in that order (an occurrence's rows in their own order, so sums over
    them go as `np.bincount` would), `starts` where each occurrence's rows start in `rows` (then the end), and
    `weight` the rows' weights in `rows`' order (None: 1). Per-row arrays that the compiled passes of
    `portfolio.programme_jit` read are in `rows`' order (`grouped`)."""

    year: IntArray
    rows: IntArray
    starts: IntArray
    weight: FloatArray | None

    @classmethod
    def of(cls, year: IntArray, occurrence: IntArray, time: FloatArray, weight: FloatArray | None) -> Occurrences:
        """From the rows' columns (`treaties.GrossRows`): rows of one occurrence share its year and time."""
        from cyberins.portfolio.programme_jit import grouped

        key, low, position, occurrence_year = _positions(year, occurrence, time)
        rows, starts = grouped(key, low, position, len(occurrence_year))
        return cls(occurrence_year, rows, starts, None if weight is None else np.asarray(weight)[rows])

    def grouped(self, per_row: FloatArray) -> FloatArray:
        """A per-row array in `rows`' order."""
        return np.asarray(per_row, dtype=np.float64)[self.rows]

    def ungrouped(self, per_row: FloatArray) -> FloatArray:
        """A per-row array in `rows`' order back in the rows' own order."""
        out = np.empty_like(per_row)
        out[self.rows] = per_row
        return out

    def total(self, per_row: FloatArray) -> FloatArray:
        """Per occurrence: Σ weight · value over its rows (`per_row` in the rows' own order)."""
        total: FloatArray = self.layer_totals(self.grouped(per_row), [WHOLE])[0]
        return total

    def layer_totals(self, grouped: FloatArray, layers: Sequence[Layer]) -> FloatArray:
        """Per layer and occurrence: Σ weight · the layer of the value (`grouped`) over its rows, in one pass."""
        from cyberins.portfolio.programme_jit import layer_sums

        return layer_sums(grouped, self.starts, self.weight, np.array(layers, dtype=np.float64))

    def cede(
        self, left: FloatArray, share: FloatArray, layer: Layer, following: Layer, *, by_row: bool = True
    ) -> tuple[FloatArray | None, FloatArray, FloatArray]:
        """A treaty that recovers `share` (per occurrence) of each row's `layer` of `left` (`grouped`, float64),
        never more than is left, in one pass: `left` loses the recoveries in place. Returns the recoveries in
        the rows' own order (`by_row`; else None), their total per occurrence and the total per occurrence of
        the `following` layer of what is left."""
        from cyberins.portfolio.programme_jit import cede

        recovery = np.empty_like(left) if by_row else None
        ceded, basis = cede(
            left, self.rows, self.starts, self.weight, share, np.array(layer), np.array(following), recovery
        )
        return recovery, ceded, basis

    def by_year(self, per_occurrence: FloatArray, n_years: int) -> tuple[FloatArray, FloatArray]:
        """Each year's total of the occurrences and its largest occurrence (0 in a year without one)."""
        from cyberins.portfolio.programme_jit import year_sums

        return year_sums(self.year, per_occurrence, n_years)


def _positions(year: IntArray, occurrence: IntArray, time: FloatArray) -> tuple[IntArray, int, IntArray, IntArray]:
    """Each occurrence's position in processing order, by row as (key, low, position): the row's is
    position[key − low]; and each occurrence's year in that order."""
    year, occurrence = np.asarray(year, dtype=np.int64), np.asarray(occurrence, dtype=np.int64)
    if len(year) == 0:
        return year, 0, year, year
    time = np.asarray(time, dtype=np.float64)
    if bool((year[1:] >= year[:-1]).all()):  # perhaps in order already
        dy, dt, do = np.diff(year), np.diff(time), np.diff(occurrence)
        if bool(((dy > 0) | ((dy == 0) & ((dt > 0) | ((dt == 0) & (do >= 0))))).all()):
            new = np.r_[True, (dy != 0) | (do != 0)]
            return _by_row(np.cumsum(new) - 1, year[new])
    low = int(occurrence.min())
    top = int(occurrence.max()) - low + 1
    if top <= _dense(occurrence):  # the chunk's ids: one compiled pass and a sort of each year's occurrences
        from cyberins.portfolio.programme_jit import occurrence_order

        ordered = occurrence_order(year, occurrence, time, low, top)
        if ordered is not None:
            return occurrence, low, ordered[0], ordered[1]
    key = occurrence - low
    keys, first = _first_rows(key, top)
    if not np.array_equal(_lookup(key, top, keys, year[first]), year):  # ids unique within a year only
        if (int(year.max()) + 1) * top >= 2**62:
            key, top = np.unique(key, return_inverse=True)[1].astype(np.int64), len(keys)
        key, top = year * top + key, (int(year.max()) + 1) * top
        keys, first = _first_rows(key, top)
    order = np.lexsort((occurrence[first], time[first], year[first]))
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    return _by_row(_lookup(key, top, keys, position), year[first][order])


def _by_row(index: IntArray, occurrence_year: IntArray) -> tuple[IntArray, int, IntArray, IntArray]:
    """`_positions` from each row's position."""
    return index, 0, np.arange(len(occurrence_year)), occurrence_year


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
    from cyberins.portfolio.programme_jit import reached_in_time_order

    return reached_in_time_order(per_occurrence, year, 0.0, cover)


def stop_loss_in_time_order(per_occurrence: FloatArray, year: IntArray, attachment: float, limit: float) -> FloatArray:
    """What passes `attachment` in each year, up to `limit`, reached in time order: the occurrence that takes
    the year past the attachment gets what lies above it."""
    from cyberins.portfolio.programme_jit import reached_in_time_order

    return reached_in_time_order(per_occurrence, year, attachment, limit)

"""Risk measures of annual losses (DESIGN.md rule 13): levels, return periods, empirical VaR and TVaR.

Every measure of an array of N annual losses comes from its order statistics. Writing x₍₁₎ ≥ x₍₂₎ ≥ … for
the losses from the worst year down and m = (1 − α)·N:

- VaR at level α is the empirical quantile (inverted CDF, no interpolation): the smallest loss x with
  F_N(x) ≥ α, the ⌈αN⌉-th smallest, which is x₍⌊m⌋+1₎.
- TVaR at level α is the expected shortfall, the mean of the worst m years, the boundary year x₍⌊m⌋+1₎
  (VaR itself) weighted by the fraction m − ⌊m⌋:

      TVaR_α = (x₍₁₎ + … + x₍⌊m⌋₎ + (m − ⌊m⌋)·x₍⌊m⌋+1₎) / m

  When m is whole the VaR year has weight zero: it is not an extra year. This is right when most years
  lose nothing: with VaR 0 the tail is still the worst m years, never the mean of all years (Acerbi &
  Tasche, "On the coherence of expected shortfall", Journal of Banking & Finance 26, 2002, eq. 2.6).
- The loss of return period T is the (1 − 1/T) quantile, the same kind of quantile as VaR.

Levels and return periods are exact rationals (level "0.9" is 9/10), so the index of each order statistic
is exact integer arithmetic, never a rounded float product. All of them come from one radix select of
each array (`_OrderStatistics`), never a sort of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from cyberins.quant.model import FloatArray

LEVELS: tuple[float, ...] = (0.9, 0.95, 0.99, 0.995, 0.999)
RETURN_PERIODS: tuple[int, ...] = (2, 5, 10, 20, 50, 100, 200, 250, 500, 1000)
#: Buckets of the radix select: the top 16 bits of a float64 (sign, exponent and 4 bits of mantissa).
_BUCKETS = 2**16


def _exact(level: float) -> Fraction:
    """A level as the decimal its key names: 0.995 is 995/1000, not the nearest binary fraction."""
    return Fraction(str(level))


def _rank(level: Fraction, n: int) -> int:
    """0-based position, in ascending order, of the inverted-CDF quantile at `level` of n values: ⌈level·n⌉ − 1."""
    return max(math.ceil(level * n) - 1, 0)


class _OrderStatistics:
    """Order statistics of one array at chosen ascending positions, with the sums above them, without a sort.

    Zeros (most years of a small insured) are counted, not ranked. Positive float64 values order like their
    bit patterns, so the top 16 bits put each in one of 65,536 buckets in value order (a radix select): one
    pass counts and sums the buckets, and only the few buckets that hold a wanted position are gathered and
    sorted. An array with a negative value (never a loss) is partitioned instead.
    """

    def __init__(self, values: FloatArray, positions: list[int]) -> None:
        self.partitioned: FloatArray | None = None
        if len(values) == 0 or values.min() < 0:
            self.partitioned = np.partition(values, sorted(set(positions))) if len(values) else values
            return
        positive = values[values > 0]
        self.zeros = len(values) - len(positive)  # they take positions 0 … zeros − 1
        bucket = (positive.view(np.uint64) >> np.uint64(48)).astype(np.intp)
        counts = np.bincount(bucket, minlength=_BUCKETS)
        sums = np.bincount(bucket, weights=positive, minlength=_BUCKETS)
        self.end = np.cumsum(counts)  # one past the rank (among positive values) of each bucket's last value
        from_here = sums[::-1].cumsum()[::-1]
        self.total, self.sum_after = float(from_here[0]), from_here - sums  # sums of all, of the buckets above
        ranks = np.asarray([p - self.zeros for p in positions if p >= self.zeros], dtype=np.int64)
        wanted = np.zeros(_BUCKETS, dtype=bool)
        wanted[np.searchsorted(self.end, ranks, side="right")] = True
        self.gathered = np.sort(positive[wanted[bucket]])  # the wanted buckets, one after another
        in_gathered = np.where(wanted, counts, 0)
        self.offset = np.cumsum(in_gathered) - in_gathered  # where each wanted bucket starts in `gathered`

    def _locate(self, position: int) -> tuple[int, int]:
        """Bucket of the value at `position` among all values, and its index in `gathered`."""
        rank = position - self.zeros
        b = int(np.searchsorted(self.end, rank, side="right"))
        return b, int(self.offset[b] + rank - (self.end[b - 1] if b else 0))

    def at(self, position: int) -> float:
        """The value at 0-based ascending `position`."""
        if self.partitioned is not None:
            return float(self.partitioned[position])
        if position < self.zeros:
            return 0.0
        return float(self.gathered[self._locate(position)[1]])

    def sum_above(self, position: int) -> float:
        """The sum of the values after ascending `position` (one of the positions asked for)."""
        if self.partitioned is not None:
            return float(self.partitioned[position + 1 :].sum())
        if position < self.zeros:
            return self.total
        b, at = self._locate(position)
        stop = int(self.offset[b] + self.end[b] - (self.end[b - 1] if b else 0))
        return float(self.gathered[at + 1 : stop].sum()) + float(self.sum_after[b])


def _tail_mean(stats: _OrderStatistics, level: Fraction, n: int) -> float:
    """Expected shortfall at `level` (module docstring), from order statistics that hold its VaR position."""
    position = _rank(level, n)
    m = (1 - level) * n
    whole = n - 1 - position  # ⌊m⌋: the years strictly worse than the VaR year
    return (stats.sum_above(position) + float(m - whole) * stats.at(position)) / float(m)


def var(annual: FloatArray, level: float) -> float:
    """Value at risk: the empirical `level` quantile of annual losses (inverted CDF, no interpolation)."""
    position = _rank(_exact(level), len(annual))
    return _OrderStatistics(annual, [position]).at(position)


def tvar(annual: FloatArray, level: float) -> float:
    """Tail value at risk, the expected shortfall: the mean of the worst (1 − level)·N annual losses.

    The boundary year takes the fractional weight (module docstring), so the tail is right when most years
    lose nothing.

    >>> tvar(np.array([0.0] * 8 + [10.0, 30.0]), 0.9)  # the worst 1 of 10 years
    30.0
    >>> tvar(np.array([0.0] * 8 + [10.0, 30.0]), 0.85)  # the worst 1.5 years: (30 + 0.5·10) / 1.5
    23.333333333333332
    """
    exact = _exact(level)
    return _tail_mean(_OrderStatistics(annual, [_rank(exact, len(annual))]), exact, len(annual))


def tail_weights(annual: FloatArray, level: float) -> FloatArray:
    """Per-year weights w of the expected shortfall at `level`: `w @ annual == tvar(annual, level)`.

    1/m on the ⌊m⌋ worst years, (m − ⌊m⌋)/m on the VaR year, 0 elsewhere (m = (1 − level)·N). For lines
    whose annual losses add up to `annual`, `lines @ w` splits TVaR into contributions that add up to it
    (co-TVaR, Tasche 1999). Among tied years the lower year index counts as the worse, so the split is the
    same on every machine (contract portfolio.md §3).

    >>> tail_weights(np.array([5.0, 7.0, 5.0, 0.0]), 0.5).tolist()  # the worst 2: 7 and the first 5
    [0.5, 0.5, 0.0, 0.0]
    """
    exact, n = _exact(level), len(annual)
    position = _rank(exact, n)
    m = (1 - exact) * n
    boundary = annual[np.argpartition(annual, position)[position]]  # VaR
    worse = annual > boundary
    tied = np.flatnonzero(annual == boundary)
    whole = n - 1 - position - int(np.count_nonzero(worse))  # tied years inside the ⌊m⌋ worst, lowest index first
    weights = np.zeros(n)
    weights[worse] = 1.0 / float(m)
    weights[tied[:whole]] = 1.0 / float(m)
    weights[tied[whole]] = float(m - (n - 1 - position)) / float(m)
    return weights


def exceedance(values: FloatArray, return_periods: tuple[int, ...] = RETURN_PERIODS) -> list[list[float]]:
    """`[[T, loss], …]`: the loss exceeded once in T years on average, the (1 - 1/T) quantile of `values`.

    Applied to annual totals it gives the AEP curve, to annual largest events the OEP curve.
    """
    n = len(values)
    positions = [_rank(1 - Fraction(1, t), n) for t in return_periods]
    stats = _OrderStatistics(values, positions)
    return [[float(t), stats.at(p)] for t, p in zip(return_periods, positions, strict=True)]


def standard_error(values: FloatArray) -> float:
    """The standard error of the mean of `values` (one per simulated year): std / √N, 0 for a single value."""
    n = len(values)
    return float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0


@dataclass(frozen=True)
class LossMeasures:
    """Measures of N simulated annual losses (currency per year); `aal_se` = std / √N, the AAL's standard error."""

    aal: float
    aal_se: float
    std: float
    var: dict[str, float]
    tvar: dict[str, float]
    oep: list[list[float]]
    aep: list[list[float]]

    @classmethod
    def of(cls, annual: FloatArray, largest_event: FloatArray) -> LossMeasures:
        """Measures of annual totals and of each year's largest event: one radix select of each array."""
        n = len(annual)
        levels = [_exact(q) for q in LEVELS]
        level_at = [_rank(q, n) for q in levels]
        period_at = [_rank(1 - Fraction(1, t), n) for t in RETURN_PERIODS]
        stats = _OrderStatistics(annual, level_at + period_at)
        std = float(annual.std(ddof=1)) if n > 1 else 0.0
        return cls(
            aal=float(annual.mean()),
            aal_se=standard_error(annual),
            std=std,
            var={str(q): stats.at(p) for q, p in zip(LEVELS, level_at, strict=True)},
            tvar={str(q): _tail_mean(stats, e, n) for q, e in zip(LEVELS, levels, strict=True)},
            oep=exceedance(largest_event),
            aep=[[float(t), stats.at(p)] for t, p in zip(RETURN_PERIODS, period_at, strict=True)],
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "aal": self.aal,
            "aal_se": self.aal_se,
            "std": self.std,
            "var": self.var,
            "tvar": self.tvar,
            "oep": self.oep,
            "aep": self.aep,
        }

"""Which events happen in a block of years, drawn so that a higher frequency only ever adds events.

Event k of a type keeps everything but its existence when the type's frequency changes: its year and time
come from the k-th draws of the **times** streams and its losses from row k of the **severity** stream
(`cyberins.quant.streams`); only which k exist depends on the frequency.

- **Poisson(λ)**: over L years, Γ_k = E_1 + … + E_k with E_i ~ Exp(1) from the **arrivals** stream is a
  unit-rate Poisson process, and event k exists iff Γ_k < λL. The count is Poisson(λL) and the positions are
  uniform, so each year's count is Poisson(λ), independently of the other years (a Poisson process on
  disjoint years). Lowering λ removes the last events and keeps the others with their year, time and
  losses; raising it only adds events.
- **Negative binomial** (mean μ, variance σ² > μ) is a compound Poisson count: clusters of events arrive as
  a Poisson process of rate r·ln(σ²/μ) a year, r = μ²/(σ² − μ), and cluster j holds L_j ~ Logarithmic(q)
  events, q = 1 − μ/σ², all in the cluster's year (Quenouille, "A relation between the logarithmic, Poisson,
  and negative binomial series", Biometrics 5, 1949). Clusters exist by the arrivals rule above, their
  years come from the times stream and their sizes from the **cluster sizes** stream; the events of
  cluster j are numbered after those of clusters 0 … j−1 and take their times within the year from the
  **event times** stream. Scaling the frequency by f keeps σ²/μ (`NegBin.scaled`), so q stays and the
  cluster rate is scaled by f: again only whole clusters are added or removed.

An event's position in the block is kept as an integer tick, year·2³¹ + ⌊time·2³¹⌋ (a resolution of 15 ms):
the sort by (year, time) the terms engine needs is then a radix sort, and a time is exact in float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cyberins.quant.streams import Stream, StreamSource

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
TickArray = npt.NDArray[np.uint64]

#: An event's position in its block is year·TICKS_PER_YEAR + the tick of its time within the year.
TIME_BITS = 31
TICKS_PER_YEAR = 2**TIME_BITS
#: Years drawn at once (a block) at most: ticks stay below 2⁴⁷, what `time_order` sorts.
MAX_YEARS = 2**16


@dataclass(frozen=True)
class Occurrences:
    """Events of one type in one block, event k in row k: `ticks[k]` places it, severity row k prices it."""

    ticks: TickArray

    def years(self) -> IntArray:
        return (self.ticks >> np.uint64(TIME_BITS)).astype(np.int64)


def _arrivals(rng: np.random.Generator, total: float) -> int:
    """How many of Γ_1 < Γ_2 < … (partial sums of unit exponentials) fall below `total`.

    Each Γ_k depends on the first k draws only (sequential sums), so a larger `total` counts a superset.
    """
    if total <= 0:
        return 0
    batch = int(total + 6 * math.sqrt(total) + 16)
    draws = rng.standard_exponential(batch)
    gamma = np.cumsum(draws)
    while gamma[-1] < total:  # a shortfall of six standard deviations: almost never
        draws = np.concatenate([draws, rng.standard_exponential(batch)])
        gamma = np.cumsum(draws)
    return int(np.searchsorted(gamma, total))


def _uniform_ticks(rng: np.random.Generator, count: int, n_ticks: int) -> TickArray:
    """`count` uniform integers on [0, n_ticks) (n_ticks ≤ 2⁵³: exact in float64)."""
    return (rng.random(count) * float(n_ticks)).astype(np.uint64)


def _check(n_years: int) -> None:
    if not 0 < n_years <= MAX_YEARS:
        raise ValueError(f"{n_years} years at once: events are drawn in blocks of 1 to {MAX_YEARS:,} years")


def poisson_occurrences(streams: StreamSource, n_years: int, lam: float) -> Occurrences:
    """Poisson(λ) events in each of `n_years` years (module docstring): event k exists iff Γ_k < λ·n_years."""
    _check(n_years)
    count = _arrivals(streams(Stream.ARRIVALS), lam * n_years)
    return Occurrences(_uniform_ticks(streams(Stream.TIMES), count, n_years * TICKS_PER_YEAR))


def negative_binomial_occurrences(streams: StreamSource, n_years: int, mean: float, var: float) -> Occurrences:
    """Negative-binomial counts (mean, var > mean) in each of `n_years` years, as clusters (module docstring)."""
    _check(n_years)
    q = 1 - mean / var
    rate = mean**2 / (var - mean) * math.log(var / mean)  # clusters a year: r·ln(1/p), p = mean/var
    clusters = _arrivals(streams(Stream.ARRIVALS), rate * n_years)
    year = (_uniform_ticks(streams(Stream.TIMES), clusters, n_years * TICKS_PER_YEAR) >> np.uint64(TIME_BITS)) << (
        np.uint64(TIME_BITS)
    )
    sizes = streams(Stream.CLUSTER_SIZES).logseries(q, clusters)
    events = int(sizes.sum())
    return Occurrences(np.repeat(year, sizes) | _uniform_ticks(streams(Stream.EVENT_TIMES), events, TICKS_PER_YEAR))


def time_order(ticks: TickArray) -> IntArray:
    """The permutation that sorts `ticks` (< 2⁴⁷) stably: ties keep their input order.

    NumPy sorts 16-bit integers by radix in linear time: two stable passes sort by the top 32 bits (the year
    and 16 bits of the time, about eight minutes); events closer than that in one year are rare, and a
    stable merge sort of the then nearly sorted ticks puts them in order in linear time too.
    """
    digit = np.uint64(0xFFFF)
    order = np.argsort(((ticks >> np.uint64(15)) & digit).astype(np.uint16), kind="stable")
    order = order[np.argsort((ticks[order] >> np.uint64(31)).astype(np.uint16), kind="stable")]
    in_order = ticks[order]
    if (in_order[1:] < in_order[:-1]).any():
        order = order[np.argsort(in_order, kind="stable")]
    return order

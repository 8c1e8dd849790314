"""Which events happen in a block of years, drawn so that a higher frequency only ever adds events.

Events of one type are the points of a unit-rate Poisson process on the plane (years × intensity) that lie
under the type's intensity: a point at year-position x and height h is an event when h < Λ(year of x).
Points are drawn by rising height: Γ_k = E_1 + … + E_k with E_i ~ Exp(1) from the **arrivals** stream, over
a stretch of L years, puts point k at height Γ_k / L; its position x_k = L·V_k comes from the k-th draw of
the **times** stream and its losses from row k of the **severity** stream (`cyberins.quant.streams`).

- **Poisson(λ)**: Λ = λ in every year, so event k exists iff Γ_k < λL. The count is Poisson(λL) and the
  positions are uniform, so each year's count is Poisson(λ), independently (a Poisson process restricted
  to disjoint years). Lowering λ removes the last events and keeps the others with their year, time and
  losses; raising it only adds events.
- **Negative binomial** (mean μ, variance σ² > μ) is Poisson with a gamma intensity: Λ_y = θ·Q_r(U_y), U_y
  uniform from the **intensity** stream, Q_r the gamma(r, 1) quantile, θ = σ²/μ − 1, r = μ/θ. Then each
  year's count is Poisson(Λ_y) given Λ_y, i.e. negative binomial with exactly that mean and variance.
  Scaling the frequency by f keeps σ²/μ (`NegBin.scaled`), so θ stays and r becomes r·f; the gamma quantile
  at a fixed U_y rises with r, so every year's intensity rises and, again, only events are added.

To keep the over-dispersed case cheap, years are grouped by their uniform U_y (group g holds
1 − 2^−g ≤ U_y < 1 − 2^−(g+1)); each group runs its own process on its own streams up to the largest
intensity in it, so few points fall above the intensity of their year. Groups depend on U_y only, never
on the parameters.

An event's position in the block is kept as an integer tick, year·2³² + ⌊time·2³²⌋: the sort by (year, time)
the terms engine needs is then a radix sort, and a time is exact in float64.
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
TICK_BITS = 32
TICKS_PER_YEAR = 2**TICK_BITS
#: Years drawn at once (a block) at most: ticks stay below 2⁴⁷.
MAX_YEARS = 2**15
#: Groups of years of an over-dispersed frequency; the last holds every U_y ≥ 1 − 2^-(GROUPS - 1).
GROUPS = 16


@dataclass(frozen=True)
class Candidates:
    """The points of one group: `count` rows of its severity stream, of which the rows `keep` are events."""

    group: int
    count: int
    keep: IntArray | None  # ascending; None when every point is an event


@dataclass(frozen=True)
class Occurrences:
    """Events of one type in one block: their ticks, in the order of the groups' kept rows."""

    groups: tuple[Candidates, ...]
    ticks: TickArray

    def years(self) -> IntArray:
        return (self.ticks >> np.uint64(TICK_BITS)).astype(np.int64)


def _arrivals(rng: np.random.Generator, total: float) -> FloatArray:
    """Γ_1 < Γ_2 < … < `total`: partial sums of unit exponentials, a unit-rate Poisson process on [0, total).

    Each Γ_k depends on the first k draws only (sequential sums), so a larger `total` extends the list.
    """
    batch = int(total + 6 * math.sqrt(total) + 16)
    draws = rng.standard_exponential(batch)
    gamma = np.cumsum(draws)
    while gamma[-1] < total:  # a shortfall of six standard deviations: almost never
        draws = np.concatenate([draws, rng.standard_exponential(batch)])
        gamma = np.cumsum(draws)
    return gamma[: int(np.searchsorted(gamma, total))]


def _ticks(rng: np.random.Generator, count: int, length: int) -> TickArray:
    """Uniform positions on [0, length) years, as ticks below 2⁴⁷ (what `time_order` sorts)."""
    if length > MAX_YEARS:
        raise ValueError(f"{length} years at once: events are drawn in blocks of at most {MAX_YEARS:,} years")
    return (rng.random(count) * float(length * TICKS_PER_YEAR)).astype(np.uint64)


def poisson_occurrences(streams: StreamSource, n_years: int, lam: float) -> Occurrences:
    """Poisson(λ) events in each of `n_years` years (module docstring): event k exists iff Γ_k < λ·n_years."""
    if lam <= 0:
        return Occurrences((), np.zeros(0, dtype=np.uint64))
    count = len(_arrivals(streams(Stream.ARRIVALS, 0), lam * n_years))
    return Occurrences((Candidates(0, count, None),), _ticks(streams(Stream.TIMES, 0), count, n_years))


def gamma_poisson_occurrences(streams: StreamSource, n_years: int, shape: float, scale: float) -> Occurrences:
    """Events of a Poisson process whose intensity in each year is gamma(`shape`, `scale`) (module docstring)."""
    from scipy.special import gammaincinv  # only over-dispersed frequencies need it: keep start-up light

    u = streams(Stream.INTENSITY, 0).random(n_years)
    group = np.minimum(-np.log2(1.0 - u), GROUPS - 1).astype(np.uint8)
    by_group = np.argsort(group, kind="stable")  # years of group 0, then group 1, …; ascending in each
    sizes = np.bincount(group, minlength=GROUPS)
    found: list[Candidates] = []
    ticks: list[TickArray] = []
    start = 0
    for g, size in enumerate(sizes.tolist()):
        years = by_group[start : start + size]
        start += size
        if not size:
            continue
        top = scale * float(gammaincinv(shape, u[years].max()))
        gamma = _arrivals(streams(Stream.ARRIVALS, g), top * size)
        local = _ticks(streams(Stream.TIMES, g), len(gamma), size)
        year = years[(local >> np.uint64(TICK_BITS)).astype(np.int64)]
        keep = np.flatnonzero(gamma < scale * gammaincinv(shape, u[year]) * size)
        found.append(Candidates(g, len(gamma), keep))
        within = local[keep] & np.uint64(TICKS_PER_YEAR - 1)
        ticks.append((year[keep].astype(np.uint64) << np.uint64(TICK_BITS)) | within)
    return Occurrences(tuple(found), np.concatenate(ticks) if ticks else np.zeros(0, dtype=np.uint64))


def time_order(ticks: TickArray) -> IntArray:
    """The permutation that sorts `ticks` (< 2⁴⁷) stably: ties keep their input order.

    NumPy sorts 16-bit integers by radix in linear time: two stable passes sort by the top 32 bits (the year
    and 17 bits of the time, about four minutes); events closer than that in one year are rare, and a stable
    merge sort of the then nearly sorted ticks puts them in order in linear time too.
    """
    digit = np.uint64(0xFFFF)
    order = np.argsort(((ticks >> np.uint64(15)) & digit).astype(np.uint16), kind="stable")
    order = order[np.argsort((ticks[order] >> np.uint64(31)).astype(np.uint16), kind="stable")]
    in_order = ticks[order]
    if (in_order[1:] < in_order[:-1]).any():
        order = order[np.argsort(in_order, kind="stable")]
    return order

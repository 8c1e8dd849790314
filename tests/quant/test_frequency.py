"""Event counts: exact distributions against closed form, and the monotone coupling of frequencies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cyberins.quant.arrivals import time_order
from cyberins.quant.distributions import NegBin, Poisson
from cyberins.quant.streams import BLOCK_YEARS, Stream, source

N = 400_000  # years: about 12 blocks, so block boundaries are crossed


def assert_counts_follow(counts: np.ndarray, dist: stats.rv_discrete) -> None:
    """Every pmf value, the mean and the variance within 4.5 standard errors of the closed form."""
    n = len(counts)
    top = int(dist.isf(1e-5)) + 1
    observed = np.bincount(counts, minlength=top + 1)[: top + 1] / n
    expected = dist.pmf(np.arange(top + 1))
    band = 4.5 * np.sqrt(expected * (1 - expected) / n) + 1e-6
    assert (np.abs(observed - expected) <= band).all(), list(zip(observed, expected, strict=True))
    mean, variance = dist.stats(moments="mv")
    assert abs(counts.mean() - mean) <= 4.5 * np.sqrt(variance / n)
    assert counts.var() == pytest.approx(float(variance), rel=0.04)


@pytest.mark.parametrize("lam", [0.02, 0.3, 2.0])  # rare (most years empty) to frequent
def test_poisson_counts_have_the_poisson_distribution(lam: float) -> None:
    counts = Poisson(dist="poisson", lam=lam).sample(np.random.default_rng(4), N)
    assert len(counts) == N
    assert_counts_follow(counts, stats.poisson(lam))


@pytest.mark.parametrize(("mean", "var"), [(0.05, 0.08), (0.3, 0.45), (1.5, 3.0)])
def test_negative_binomial_counts_have_their_distribution(mean: float, var: float) -> None:
    counts = NegBin.model_validate({"dist": "negbin", "mean": mean, "var": var}).sample(np.random.default_rng(5), N)
    # scipy's nbinom(n, p): mean n(1-p)/p, variance n(1-p)/p²; so p = mean/var, n = mean²/(var - mean)
    assert_counts_follow(counts, stats.nbinom(mean**2 / (var - mean), mean / var))


@pytest.mark.parametrize(
    "frequency",
    [Poisson(dist="poisson", lam=0.4), NegBin.model_validate({"dist": "negbin", "mean": 0.4, "var": 1.0})],
    ids=["poisson", "negbin"],
)
@pytest.mark.parametrize("factor", [0.5, 0.9, 0.999, 1.7])
def test_a_lower_frequency_only_removes_events(frequency: Poisson | NegBin, factor: float) -> None:
    streams = source(11, 3, 77)
    base = frequency.occurrences(streams, BLOCK_YEARS).ticks
    scaled = frequency.scaled(factor).occurrences(streams, BLOCK_YEARS).ticks
    small, large = (scaled, base) if factor < 1 else (base, scaled)
    # event k keeps its year, time and severity row k: the smaller set is the first events of the larger
    assert len(small) < len(large)
    np.testing.assert_array_equal(large[: len(small)], small)


def test_events_of_a_block_fall_in_its_years() -> None:
    occ = NegBin.model_validate({"dist": "negbin", "mean": 3.0, "var": 9.0}).occurrences(source(1, 0, 5), 1_000)
    years = occ.years()
    assert years.min() >= 0 and years.max() < 1_000
    assert len(years) == pytest.approx(3_000, rel=0.2)


def test_time_order_sorts_ticks_stably() -> None:
    rng = np.random.default_rng(8)
    ticks = rng.integers(0, 2**47, 50_000).astype(np.uint64)
    ticks[::7] = ticks[0]  # ties keep their input order
    np.testing.assert_array_equal(time_order(ticks), np.argsort(ticks, kind="stable"))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**200), min_size=1, max_size=6), st.sampled_from(list(Stream)))
def test_a_source_draws_what_a_seed_sequence_of_its_whole_key_draws(key: list[int], purpose: Stream) -> None:
    """The words of a key computed once give the stream `SeedSequence([*key, purpose])` gives: small, zero and
    many-word keys alike (event-type and line codes are the UTF-8 bytes of their ids)."""
    expected = np.random.default_rng(np.random.SeedSequence([*key, int(purpose)])).random(4)
    assert np.array_equal(source(*key)(purpose).random(4), expected)

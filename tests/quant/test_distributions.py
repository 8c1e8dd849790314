"""Distributions: parameters as analysts write them, sampling against closed-form moments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from cyberins.quant.distributions import Frequency, LogNormal, NegBin, Pert, Severity

SEV = TypeAdapter(Severity)
FREQ = TypeAdapter(Frequency)
N = 400_000


def test_ci90_gives_mu_and_sigma_in_closed_form() -> None:
    d = SEV.validate_python({"dist": "lognormal", "ci90": [10_000, 1_000_000]})
    assert isinstance(d, LogNormal)
    # mu = mean of the logs; sigma = half the log-span over z_0.95 = 1.644854
    assert d.mu == pytest.approx((math.log(1e4) + math.log(1e6)) / 2)
    assert d.sigma == pytest.approx((math.log(1e6) - math.log(1e4)) / (2 * 1.6448536269514722))
    x = d.sample(np.random.default_rng(3), N)
    assert np.quantile(x, [0.05, 0.95]) == pytest.approx([1e4, 1e6], rel=0.02)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "lognormal", "mu": 10, "sigma": 1.2},
        {"dist": "gamma", "shape": 0.8, "scale": 150_000},
        {"dist": "pert", "low": 10_000, "mode": 40_000, "high": 300_000},
        {"dist": "uniform", "low": 5, "high": 15},
        {"dist": "empirical", "values": [1, 2, 10]},
        {"dist": "fixed", "value": 7},
    ],
)
def test_sample_mean_matches_the_stated_mean(spec: dict[str, object]) -> None:
    d = SEV.validate_python(spec)
    x = d.sample(np.random.default_rng(1), N)
    assert x.mean() == pytest.approx(d.mean(), rel=0.03)


def test_pert_mean_is_the_fair_formula() -> None:
    d = Pert(dist="pert", low=10_000, mode=40_000, high=300_000)
    assert d.mean() == pytest.approx((10_000 + 4 * 40_000 + 300_000) / 6)


def test_negbin_by_mean_and_variance() -> None:
    d = FREQ.validate_python({"dist": "negbin", "mean": 1.5, "var": 3})
    assert isinstance(d, NegBin)
    x = d.sample(np.random.default_rng(2), N)
    assert (x.mean(), x.var()) == pytest.approx((1.5, 3.0), rel=0.03)
    s = d.scaled(0.5)  # controls scale the mean and keep the dispersion ratio
    assert (s.mean(), s.var) == (0.75, 1.5)


def test_poisson_counts() -> None:
    x = FREQ.validate_python({"dist": "poisson", "lam": 0.3}).sample(np.random.default_rng(4), N)
    assert stats.poisson(0.3).pmf(0) == pytest.approx((x == 0).mean(), abs=0.003)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"dist": "poisson", "lam": -1}, "lam"),
        ({"dist": "zipf", "a": 2}, "zipf"),
        ({"dist": "negbin", "mean": 2, "var": 1}, "var"),
    ],
)
def test_bad_frequencies_are_refused(spec: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        FREQ.validate_python(spec)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"dist": "lognormal", "mu": 1}, "mu and sigma"),
        ({"dist": "lognormal", "ci90": [5, 1]}, "the low one first"),
        ({"dist": "lognormal", "ci90": [1, 5], "mu": 1}, "not both"),
        ({"dist": "pert", "low": 5, "mode": 1, "high": 9}, "low <= mode"),
        ({"dist": "gamma", "shape": 0, "scale": 1}, "shape"),
    ],
)
def test_bad_severities_are_refused(spec: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        SEV.validate_python(spec)

"""Frequency and severity distributions as validated data, each able to sample and to state its mean.

The `dist` field names the family (the explicit-model contract of issue 4). Parameters are the ones
analysts write: lognormal by `mu`/`sigma` of the log or by its 90% interval `ci90: [p5, p95]` (the
convention of riskquant and Hubbard's calibrated estimates), PERT by low/mode/high (FAIR), negative
binomial by mean and variance.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, PositiveFloat, model_validator

from cyberins.model.base import Frozen
from cyberins.quant.arrivals import (
    FloatArray,
    IntArray,
    Occurrences,
    negative_binomial_occurrences,
    poisson_occurrences,
)
from cyberins.quant.streams import StreamSource, blocks, source

#: z of the 95th percentile of the standard normal: a 90% interval spans ±1.6449 σ.
Z95 = NormalDist().inv_cdf(0.95)


class _Dist(Frozen):
    """A distribution's parameters as a file or a request gives them."""


# ---- frequency (events per year) ------------------------------------------------------------------------


def _counts(frequency: Poisson | NegBin, rng: np.random.Generator, n: int) -> IntArray:
    """Events in each of `n` years, drawn block by block as a simulation draws them (`quant.arrivals`)."""
    key = int(rng.integers(2**63))
    return np.concatenate(
        [np.bincount(frequency.occurrences(source(key, b), size).years(), minlength=size) for b, _, size in blocks(n)]
    )


class Poisson(_Dist):
    dist: Literal["poisson"]
    lam: float = Field(ge=0, allow_inf_nan=False, description="expected events per year")

    def sample(self, rng: np.random.Generator, n: int) -> IntArray:
        """Events in each of `n` years."""
        return _counts(self, rng, n)

    def occurrences(self, streams: StreamSource, n_years: int) -> Occurrences:
        """The events of `n_years` years (at most one block) from the streams of one event type."""
        return poisson_occurrences(streams, n_years, self.lam)

    def mean(self) -> float:
        return self.lam

    def scaled(self, factor: float) -> Poisson:
        return self.model_copy(update={"lam": self.lam * factor})


class NegBin(_Dist):
    """Negative binomial by mean and variance (variance > mean: over-dispersed counts).

    Drawn as clusters of events: a Poisson number of clusters, each of a logarithmic number of events.
    """

    dist: Literal["negbin"]
    mean_: float = Field(alias="mean", ge=0, allow_inf_nan=False)
    var: PositiveFloat = Field(allow_inf_nan=False)
    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="after")
    def _over_dispersed(self) -> NegBin:
        if self.var <= self.mean_:
            raise ValueError(f"var {self.var} must exceed mean {self.mean_}; use poisson when they are equal")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> IntArray:
        """Events in each of `n` years."""
        return _counts(self, rng, n)

    def occurrences(self, streams: StreamSource, n_years: int) -> Occurrences:
        """The events of `n_years` years (at most one block) from the streams of one event type."""
        if self.mean_ == 0:
            return poisson_occurrences(streams, n_years, 0.0)
        return negative_binomial_occurrences(streams, n_years, self.mean_, self.var)

    def mean(self) -> float:
        return self.mean_

    def scaled(self, factor: float) -> NegBin:
        """Scale the mean, keeping the variance-to-mean ratio (the same over-dispersion): the cluster rate scales."""
        return self.model_copy(update={"mean_": self.mean_ * factor, "var": self.var * factor})


Frequency = Annotated[Poisson | NegBin, Field(discriminator="dist")]


# ---- severity (money per event) ---------------------------------------------------------------------------


class LogNormal(_Dist):
    """Lognormal by `mu`/`sigma` of the log, or by its 90% interval `ci90: [p5, p95]`."""

    dist: Literal["lognormal"]
    mu: float | None = Field(default=None, allow_inf_nan=False)
    sigma: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    ci90: tuple[PositiveFloat, PositiveFloat] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_interval(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("ci90") is None:
            return data
        if data.get("mu") is not None or data.get("sigma") is not None:
            raise ValueError("give either mu and sigma, or ci90, not both")
        ci90 = data["ci90"]
        if not (isinstance(ci90, list | tuple) and len(ci90) == 2 and all(isinstance(x, int | float) for x in ci90)):
            raise ValueError("ci90 is a list of two numbers [p5, p95]")
        p5, p95 = (float(x) for x in ci90)
        if not 0 < p5 < p95:
            raise ValueError(
                f"ci90 is [low, high], the 5th and 95th percentiles: the low one first and above 0, "
                f"got [{p5:g}, {p95:g}]" + (f"; did you mean [{p95:g}, {p5:g}]?" if 0 < p95 < p5 else "")
            )
        mu, sigma = (math.log(p5) + math.log(p95)) / 2, (math.log(p95) - math.log(p5)) / (2 * Z95)
        return {**data, "mu": mu, "sigma": sigma}

    @model_validator(mode="after")
    def _complete(self) -> LogNormal:
        if self.mu is None or self.sigma is None:
            raise ValueError("a lognormal needs mu and sigma (of the log), or ci90: [p5, p95]")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """exp(mu + sigma·Z), Z standard normal, as `rng.lognormal` draws it but transformed in place with NumPy's
        vectorised exp (the hottest draw of a simulation)."""
        assert self.mu is not None and self.sigma is not None
        out = rng.standard_normal(n)
        out *= self.sigma
        out += self.mu
        return np.exp(out, out=out)

    def mean(self) -> float:
        assert self.mu is not None and self.sigma is not None
        return math.exp(self.mu + self.sigma**2 / 2)


class Gamma(_Dist):
    dist: Literal["gamma"]
    shape: PositiveFloat = Field(allow_inf_nan=False)
    scale: PositiveFloat = Field(allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.gamma(self.shape, self.scale, n)

    def mean(self) -> float:
        return self.shape * self.scale


class Pert(_Dist):
    """Beta-PERT on [low, high] with the given mode; `lamb` = 4 is the classic (and FAIR's) weight."""

    dist: Literal["pert"]
    low: float = Field(ge=0, allow_inf_nan=False)
    mode: float = Field(ge=0, allow_inf_nan=False)
    high: float = Field(ge=0, allow_inf_nan=False)
    lamb: PositiveFloat = 4.0

    @model_validator(mode="after")
    def _ordered(self) -> Pert:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(f"pert needs low <= mode <= high and low < high, got {self.low}/{self.mode}/{self.high}")
        return self

    def _ab(self) -> tuple[float, float]:
        span = self.high - self.low
        return 1 + self.lamb * (self.mode - self.low) / span, 1 + self.lamb * (self.high - self.mode) / span

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        a, b = self._ab()
        return self.low + (self.high - self.low) * rng.beta(a, b, n)

    def mean(self) -> float:
        return (self.low + self.lamb * self.mode + self.high) / (self.lamb + 2)


class Uniform(_Dist):
    dist: Literal["uniform"]
    low: float = Field(ge=0, allow_inf_nan=False)
    high: float = Field(ge=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"uniform needs low <= high, got {self.low}/{self.high}")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.uniform(self.low, self.high, n)

    def mean(self) -> float:
        return (self.low + self.high) / 2


class Empirical(_Dist):
    """Equally likely observed values, resampled with replacement."""

    dist: Literal["empirical"]
    values: list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(min_length=1)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.choice(np.asarray(self.values, dtype=np.float64), n)

    def mean(self) -> float:
        return float(np.mean(self.values))


class Fixed(_Dist):
    """A known amount (a contractual fee, a fixed notification cost)."""

    dist: Literal["fixed"]
    value: float = Field(ge=0, allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return np.full(n, self.value)

    def mean(self) -> float:
        return self.value


Severity = Annotated[LogNormal | Gamma | Pert | Uniform | Empirical | Fixed, Field(discriminator="dist")]

"""Credibility: claims experience feeds back into the risk model's frequency (issue 5 §4).

Two estimates of a segment's claim frequency (claims per exposure-year), each a weighted average of the
segment's observed frequency N/E and a complement (the model's frequency λ₀, or the collective mean):

- **Poisson–gamma** (Bayesian): claims N ~ Poisson(λE) with λ ~ Gamma(α, β), α/β = λ₀ and β the prior's
  weight in exposure-years. The posterior is Gamma(α + N, β + E), whose mean is
  (α + N)/(β + E) = Z·N/E + (1 − Z)·λ₀ with Z = E/(E + β): exact (Bühlmann) credibility.
- **Bühlmann–Straub** (empirical Bayes): the structural parameters — the expected process variance v and the
  variance of hypothetical means a — are estimated from several segments' yearly counts and exposures; then
  k = v/a and Z_i = w_i/(w_i + k), w_i the segment's exposure.

Either result becomes a `Factor` named `experience` (frequency × posterior/prior for every event type) that
`RiskModel.adjusted` applies, so pricing sees the experience. Formulas and sources: docs/reserves.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Self

from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.ids import EventType
from cyberins.quant.model import Factor, RiskModel

Method = Literal["poisson_gamma", "buhlmann_straub"]

SOURCES: Mapping[Method, str] = {
    "poisson_gamma": (
        "Poisson-gamma credibility (Bühlmann 1967; Klugman, Panjer & Willmot, Loss Models, "
        "the Poisson-gamma model of Bayesian credibility)"
    ),
    "buhlmann_straub": (
        "Bühlmann-Straub credibility with nonparametric structural parameters (Bühlmann & Straub 1970; "
        "Bühlmann & Gisler, A Course in Credibility Theory, ch. 4)"
    ),
}


@dataclass(frozen=True)
class CredibilityEstimate:
    """A segment's credibility-weighted frequency: posterior = Z · observed + (1 − Z) · prior.

    `observed_frequency` is None when there is no exposure (then Z = 0). `k` is the credibility constant in
    exposure-years (the prior weight β for Poisson–gamma).
    """

    method: Method
    observed_claims: float
    exposure_years: float
    prior_frequency: float
    k: float
    credibility: float
    posterior_frequency: float
    segment: str = ""

    @property
    def observed_frequency(self) -> float | None:
        return self.observed_claims / self.exposure_years if self.exposure_years > 0 else None

    @property
    def multiplier(self) -> float:
        """posterior / prior: the factor on the model's frequency."""
        return self.posterior_frequency / self.prior_frequency

    def reason(self) -> str:
        observed = self.observed_frequency
        seen = "no exposure" if observed is None else f"observed {observed:.6g}"
        return (
            f"{self.observed_claims:g} claims in {self.exposure_years:g} exposure-years; Z = {self.credibility:.4f} "
            f"(k = {self.k:.6g}); posterior {self.posterior_frequency:.6g} = Z × {seen} + (1 − Z) × prior "
            f"{self.prior_frequency:.6g}; frequency × {self.multiplier:.4f}"
        )

    def factor(self, event_type: EventType) -> Factor:
        """The `experience` factor for one event type of the segment's model."""
        where = f" ({self.segment})" if self.segment else ""
        return Factor(
            name="experience",
            event_type=event_type,
            frequency=self.multiplier,
            source=f"claims experience{where}; {SOURCES[self.method]}",
            reason=self.reason(),
        )

    def factors(self, event_types: Iterable[EventType]) -> list[Factor]:
        """One `experience` factor per event type: the experience scales the whole frequency alike."""
        return [self.factor(e) for e in event_types]

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "segment": self.segment,
            "observed_claims": self.observed_claims,
            "exposure_years": self.exposure_years,
            "observed_frequency": self.observed_frequency,
            "prior_frequency": self.prior_frequency,
            "k": self.k,
            "credibility": self.credibility,
            "posterior_frequency": self.posterior_frequency,
            "multiplier": self.multiplier,
        }


def _finite(field: str, value: float, *, positive: bool = False) -> list[Problem]:
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        return [
            Problem.of(field, Said(f"input.reserving.finite_{'above' if positive else 'at_least'}", {"value": value}))
        ]
    return []


def _blend(exposure: float, claims: float, prior: float, k: float) -> tuple[float, float]:
    """(Z, Z · N/E + (1 − Z) · prior), the blend written as (N + k · prior)/(E + k): no N/E to overflow."""
    if not math.isfinite(k):
        return 0.0, prior
    return exposure / (exposure + k), (claims + k * prior) / (exposure + k)


def poisson_gamma(
    observed_claims: float, exposure_years: float, prior_frequency: float, prior_weight_years: float, segment: str = ""
) -> CredibilityEstimate:
    """Posterior mean claim frequency of a Poisson–gamma model (module docstring).

    Parameters
    ----------
    observed_claims
        N, claims observed in the segment.
    exposure_years
        E, exposure-years in which they were observed (e.g. policy-years).
    prior_frequency
        λ₀ = α/β, the model's claims per exposure-year, on the same footing as N (claims above the retention
        if N counts paid claims).
    prior_weight_years
        β, the weight of the prior in exposure-years: the experience gets half the weight when E = β.

    Examples
    --------
    A model frequency of 0.015, a prior worth 400 policy-years, 6 claims in 200 policy-years:
    Z = 200/600 = 1/3, posterior = (6 + 6)/(400 + 200) = 0.02 = 1/3 × 0.03 + 2/3 × 0.015.

    >>> round(poisson_gamma(6, 200, 0.015, 400).posterior_frequency, 10)
    0.02
    """
    problems = [
        *_finite("observed", observed_claims),
        *_finite("exposure", exposure_years),
        *_finite("prior_frequency", prior_frequency, positive=True),
        *_finite("prior_weight", prior_weight_years, positive=True),
    ]
    if not problems and observed_claims > 0 and exposure_years == 0:
        said = Said("input.reserving.exposure_zero", {"claims": f"{observed_claims:g}"})
        problems.append(Problem.of("exposure", said))
    if problems:
        raise InvalidInput(problems)
    z, posterior = _blend(exposure_years, observed_claims, prior_frequency, prior_weight_years)
    return CredibilityEstimate(
        "poisson_gamma", observed_claims, exposure_years, prior_frequency, prior_weight_years, z, posterior, segment
    )


class BuhlmannStraub:
    """Bühlmann–Straub credibility with structural parameters estimated from the data (empirical Bayes).

    For segment i and year j: X_ij = N_ij / w_ij (claims over exposure-years), w_i = Σ_j w_ij,
    X̄_i = Σ_j w_ij X_ij / w_i, w = Σ_i w_i, X̄ = Σ_i w_i X̄_i / w, and

        v̂ = Σ_i Σ_j w_ij (X_ij − X̄_i)² / Σ_i (n_i − 1)                 expected process variance
        â = (Σ_i w_i (X̄_i − X̄)² − (r − 1) v̂) / (w − Σ_i w_i² / w)       variance of hypothetical means
        k = v̂ / â,  Z_i = w_i / (w_i + k)

    When â ≤ 0 the segments show no more spread than chance: Z_i = 0. The collective mean is the
    credibility-weighted μ̂ = Σ Z_i X̄_i / Σ Z_i (Bühlmann & Gisler's homogeneous estimator; X̄ when every
    Z_i is 0). Follows scikit-learn conventions: `fit` returns self, fitted values end in `_`.
    """

    def fit(self, claims: Mapping[str, Sequence[float]], exposures: Mapping[str, Sequence[float]]) -> Self:
        """Estimate v, a, k and each segment's Z from yearly claim counts and exposure-years per segment."""
        _check_segments(claims, exposures)
        names = list(claims)
        w_i = {s: math.fsum(exposures[s]) for s in names}
        x_i = {s: math.fsum(claims[s]) / w_i[s] for s in names}
        w = math.fsum(w_i.values())
        x_bar = math.fsum(w_i[s] * x_i[s] for s in names) / w
        within = math.fsum(
            wij * (nij / wij - x_i[s]) ** 2 for s in names for nij, wij in zip(claims[s], exposures[s], strict=True)
        )
        v = within / sum(len(claims[s]) - 1 for s in names)
        between = math.fsum(w_i[s] * (x_i[s] - x_bar) ** 2 for s in names)
        a = (between - (len(names) - 1) * v) / (w - math.fsum(x * x for x in w_i.values()) / w)
        k = v / a if a > 0 else math.inf
        z = {s: (w_i[s] / (w_i[s] + k) if a > 0 else 0.0) for s in names}
        total_z = math.fsum(z.values())
        self.segments_ = tuple(names)
        self.claims_ = {s: math.fsum(claims[s]) for s in names}
        self.exposure_ = w_i
        self.frequency_ = x_i
        self.epv_, self.vhm_, self.k_ = v, a, k
        self.credibility_ = z
        self.mean_ = math.fsum(z[s] * x_i[s] for s in names) / total_z if total_z > 0 else x_bar
        return self

    def estimate(self, segment: str, prior_frequency: float | None = None) -> CredibilityEstimate:
        """Segment's frequency: Z_i X̄_i + (1 − Z_i) × the complement (the model's λ₀ if given, else `mean_`)."""
        if segment not in self.credibility_:
            said = Said(
                "input.reserving.unknown_segment", {"segment": repr(segment), "known": ", ".join(self.segments_)}
            )
            raise InvalidInput.one("segment", said)
        prior = self.mean_ if prior_frequency is None else prior_frequency
        if prior_frequency is not None:
            problems = _finite("prior_frequency", prior_frequency, positive=True)
            if problems:
                raise InvalidInput(problems)
        z, posterior = _blend(self.exposure_[segment], self.claims_[segment], prior, self.k_)
        return CredibilityEstimate(
            "buhlmann_straub",
            self.claims_[segment],
            self.exposure_[segment],
            prior,
            self.k_,
            z,
            posterior,
            segment,
        )


def _check_segments(claims: Mapping[str, Sequence[float]], exposures: Mapping[str, Sequence[float]]) -> None:
    problems: list[Problem] = []
    if set(claims) != set(exposures):
        problems.append(Problem.of("segments", Said("input.reserving.same_segments")))
    elif len(claims) < 2:
        problems.append(Problem.of("segments", Said("input.reserving.two_segments", {"method": "Bühlmann–Straub"})))
    else:
        for s in claims:
            if len(claims[s]) != len(exposures[s]) or not claims[s]:
                problems.append(Problem.of(f"{s}", Said("input.reserving.counts_per_year")))
            problems += [p for i, n in enumerate(claims[s]) for p in _finite(f"{s}.claims[{i}]", n)]
            problems += [p for i, e in enumerate(exposures[s]) for p in _finite(f"{s}.exposure[{i}]", e, positive=True)]
        if not problems and all(len(v) < 2 for v in claims.values()):
            problems.append(Problem.of("segments", Said("input.reserving.two_years")))
    if problems:
        raise InvalidInput(problems)


def model_frequency(model: RiskModel, event_types: Iterable[EventType] | None = None) -> float:
    """The model's expected events a year, summed over `event_types` (default: all of them)."""
    chosen = None if event_types is None else set(event_types)
    return math.fsum(et.frequency.mean() for et in model.event_types if chosen is None or et.event_type in chosen)


def with_experience(model: RiskModel, estimate: CredibilityEstimate) -> RiskModel:
    """The model with the `experience` factor on every event type (`RiskModel.adjusted`)."""
    return model.adjusted(estimate.factors(et.event_type for et in model.event_types))

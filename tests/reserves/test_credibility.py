"""Credibility: Poisson–gamma and Bühlmann–Straub against hand-computed numbers, and their properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberins.assess import load_risk_model
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import EventType
from cyberins.reserving import BuhlmannStraub, model_frequency, poisson_gamma, with_experience
from tests.conftest import EXAMPLES


def test_poisson_gamma_by_hand() -> None:
    # Prior: model frequency λ₀ = 0.015 worth β = 400 policy-years, so α = 0.015 × 400 = 6.
    # Experience: N = 6 claims in E = 200 policy-years (observed 0.03).
    # Posterior Gamma(6 + 6, 400 + 200): mean 12/600 = 0.02; Z = 200/600 = 1/3; 1/3 × 0.03 + 2/3 × 0.015 = 0.02.
    e = poisson_gamma(6, 200, 0.015, 400)
    assert e.credibility == pytest.approx(1 / 3)
    assert e.posterior_frequency == pytest.approx(0.02)
    assert e.observed_frequency == pytest.approx(0.03)
    assert e.multiplier == pytest.approx(4 / 3)
    assert e.k == 400


def test_no_exposure_keeps_the_prior() -> None:
    e = poisson_gamma(0, 0, 0.015, 400)
    assert (e.credibility, e.posterior_frequency, e.observed_frequency) == (0.0, 0.015, None)


def test_no_claims_lowers_the_frequency() -> None:
    # 0 claims in 600 policy-years against β = 400: Z = 0.6, posterior = 0.4 × 0.015 = 0.006.
    e = poisson_gamma(0, 600, 0.015, 400)
    assert e.posterior_frequency == pytest.approx(0.006) and e.multiplier == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((-1, 10, 0.01, 10), "observed"),
        ((1, -10, 0.01, 10), "exposure"),
        ((1, 10, 0, 10), "prior_frequency"),
        ((1, 10, 0.01, math.inf), "prior_weight"),
        ((3, 0, 0.01, 10), "exposure"),
    ],
)
def test_bad_inputs_are_named(args: tuple[float, float, float, float], field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        poisson_gamma(*args)
    assert [p.field for p in exc.value.problems] == [field]


# Three segments, two years each: claims N_ij over exposure-years w_ij.
CLAIMS = {"A": [2, 4], "B": [6, 10], "C": [10, 14]}
EXPOSURE = {"A": [100, 100], "B": [100, 100], "C": [200, 200]}


def test_buhlmann_straub_by_hand() -> None:
    # Frequencies X_ij: A .02 .04, B .06 .10, C .05 .07; means X̄_A = .03, X̄_B = .08, X̄_C = .06;
    # w_A = w_B = 200, w_C = 400, w = 800, X̄ = (6 + 16 + 24)/800 = .0575.
    # v = [100(.01² + .01²) + 100(.02² + .02²) + 200(.01² + .01²)] / (1 + 1 + 1) = (.02 + .08 + .04)/3 = 7/150
    # Σ w_i (X̄_i − X̄)² = 200 × .0275² + 200 × .0225² + 400 × .0025² = .15125 + .10125 + .0025 = .255
    # w − Σ w_i²/w = 800 − (200² + 200² + 400²)/800 = 500
    # a = (.255 − 2 × 7/150) / 500 = 97/300000;  k = v/a = 14000/97 = 144.33
    # Z_A = Z_B = 200/(200 + 14000/97) = 97/167 = .58084;  Z_C = 400/(400 + 14000/97) = 97/132 = .73485
    # μ̂ = Σ Z_i X̄_i / Σ Z_i = (97/167 × .11 + 97/132 × .06) / (2 × 97/167 + 97/132) = .056937
    bs = BuhlmannStraub().fit(CLAIMS, EXPOSURE)
    assert bs.epv_ == pytest.approx(7 / 150)
    assert bs.vhm_ == pytest.approx(97 / 300000)
    assert bs.k_ == pytest.approx(14000 / 97)
    assert bs.credibility_ == pytest.approx({"A": 97 / 167, "B": 97 / 167, "C": 97 / 132})
    assert bs.mean_ == pytest.approx(0.056937355)
    # Segment A against the model's 0.05: 97/167 × .03 + 70/167 × .05 = 6.41/167 = .038383
    a = bs.estimate("A", prior_frequency=0.05)
    assert a.posterior_frequency == pytest.approx(6.41 / 167)
    assert a.multiplier == pytest.approx(6.41 / 167 / 0.05)
    assert a.method == "buhlmann_straub" and a.exposure_years == 200 and a.observed_claims == 6
    # Against the collective mean: 97/167 × .03 + 70/167 × .056937 = .041291
    assert bs.estimate("A").posterior_frequency == pytest.approx(0.0412911069)


def test_buhlmann_straub_without_spread_gives_no_credibility() -> None:
    # Both segments observe 0.05 on average; the years scatter more than the segments: â ≤ 0, Z = 0.
    bs = BuhlmannStraub().fit({"A": [4, 6], "B": [6, 4]}, {"A": [100, 100], "B": [100, 100]})
    assert bs.vhm_ <= 0 and bs.credibility_ == {"A": 0.0, "B": 0.0}
    assert bs.mean_ == pytest.approx(0.05) and math.isinf(bs.k_)


def test_buhlmann_straub_input_errors() -> None:
    with pytest.raises(InvalidInput, match="two segments"):
        BuhlmannStraub().fit({"A": [1, 2]}, {"A": [1, 1]})
    with pytest.raises(InvalidInput) as exc:
        BuhlmannStraub().fit({"A": [1, 2], "B": [1, 1]}, {"A": [1, 0], "B": [1, 1]})
    assert [p.field for p in exc.value.problems] == ["A.exposure[1]"]
    with pytest.raises(InvalidInput, match="two years"):
        BuhlmannStraub().fit({"A": [1], "B": [2]}, {"A": [1], "B": [1]})
    with pytest.raises(InvalidInput) as exc:
        BuhlmannStraub().fit(CLAIMS, EXPOSURE).estimate("D")
    assert exc.value.problems[0].field == "segment"


def test_experience_factor_feeds_the_risk_model() -> None:
    model = load_risk_model(EXAMPLES / "orgs" / "sme-manufacturer.yaml")
    e = poisson_gamma(6, 200, 0.015, 400, segment="sme-manufacturer")
    adjusted = with_experience(model, e)
    assert model_frequency(adjusted) == pytest.approx(model_frequency(model) * 4 / 3)
    for before, after in zip(model.event_types, adjusted.event_types, strict=True):
        factor = after.factors[-1]
        assert factor.name == "experience" and factor.event_type is after.event_type
        assert factor.frequency == pytest.approx(4 / 3) and factor.severity == 1.0
        assert "Poisson-gamma" in factor.source and "sme-manufacturer" in factor.source
        assert "Z = 0.3333" in factor.reason
        assert after.frequency.mean() == pytest.approx(before.frequency.mean() * 4 / 3)
    only = model_frequency(model, [EventType.RANSOMWARE])
    assert 0 < only < model_frequency(model)


counts = st.integers(min_value=0, max_value=10_000)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(counts, st.floats(min_value=0, max_value=1e6), st.floats(min_value=1e-5, max_value=10), positive)
def test_poisson_gamma_properties(n: int, exposure: float, prior: float, weight: float) -> None:
    n = n if exposure > 0 else 0  # claims need exposure
    e = poisson_gamma(n, exposure, prior, weight)
    assert 0.0 <= e.credibility <= 1.0
    observed = e.observed_frequency if e.observed_frequency is not None else prior
    low, high = min(observed, prior), max(observed, prior)
    assert low * (1 - 1e-12) <= e.posterior_frequency <= high * (1 + 1e-12)
    if exposure > 0:  # the Bayesian posterior mean is the credibility blend
        assert e.posterior_frequency == pytest.approx((prior * weight + n) / (weight + exposure), rel=1e-9)


segment = st.lists(st.tuples(counts, positive), min_size=1, max_size=5)


@given(st.lists(segment, min_size=2, max_size=5), st.floats(min_value=1e-4, max_value=1.0))
def test_buhlmann_straub_properties(segments: list[list[tuple[int, float]]], prior: float) -> None:
    claims = {f"s{i}": [n for n, _ in s] for i, s in enumerate(segments)}
    exposure = {f"s{i}": [w for _, w in s] for i, s in enumerate(segments)}
    if all(len(s) < 2 for s in segments):
        return
    bs = BuhlmannStraub().fit(claims, exposure)
    for name in claims:
        e = bs.estimate(name, prior_frequency=prior)
        assert 0.0 <= e.credibility <= 1.0
        low, high = sorted((bs.frequency_[name], prior))
        assert low * (1 - 1e-9) - 1e-15 <= e.posterior_frequency <= high * (1 + 1e-9) + 1e-15

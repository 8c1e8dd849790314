"""Simulation: reproducibility, chunking, and closed-form compound-Poisson values (regression)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from cyberins.model.loading import parse_model
from cyberins.quant import streams
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.model import Factor, RiskModel
from cyberins.quant.simulate import BLOCK_YEARS, simulate, years_for_precision
from tests.terms.helpers import policy

BIG = 10**12


def explicit(lam: float, losses: dict[str, Any], event_type: str = "ransomware") -> RiskModel:
    doc = {
        "kind": "explicit",
        "currency": "CNY",
        "event_types": {event_type: {"frequency": {"dist": "poisson", "lam": lam}, "losses": losses}},
    }
    return parse_model(ExplicitModelFile, doc).to_model()


def lognormal(mu: float, sigma: float) -> dict[str, Any]:
    return {"dist": "lognormal", "mu": mu, "sigma": sigma}


def limited_mean(mu: float, s: float, a: float) -> float:
    """E[min(X, a)] for X ~ lognormal(mu, s) (Klugman, Panjer & Willmot, Loss Models, appendix A)."""
    phi = stats.norm.cdf
    return math.exp(mu + s * s / 2) * phi((math.log(a) - mu - s * s) / s) + a * (1 - phi((math.log(a) - mu) / s))


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    m = explicit(0.5, {"legal": lognormal(10, 1)})
    a, b, c = (simulate(m, None, 20_000, s) for s in (1, 1, 2))
    assert np.array_equal(a.ylt.gross, b.ylt.gross)
    assert not np.array_equal(a.ylt.gross, c.ylt.gross)


def test_blocks_depend_on_the_years_only_so_more_years_keep_the_earlier_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "BLOCK_YEARS", 1_000)  # many blocks
    m = explicit(0.5, {"legal": lognormal(10, 1)})
    short, long = simulate(m, None, 3_000, 5), simulate(m, None, 7_500, 5)
    # years 0-2,999 are three whole blocks in both runs, drawn from the same streams
    np.testing.assert_array_equal(long.ylt.gross[:3_000], short.ylt.gross)
    assert long.gross().aal == pytest.approx(0.5 * math.exp(10.5), rel=0.1)


def test_compound_poisson_mean_and_std_without_terms() -> None:
    lam, mu, s, n = 0.5, 10.0, 1.0, 200_000
    r = simulate(explicit(lam, {"legal": lognormal(mu, s)}), None, n, 42)
    ex, ex2 = math.exp(mu + s * s / 2), math.exp(2 * mu + 2 * s * s)
    assert abs(r.gross().aal - lam * ex) < 4 * math.sqrt(lam * ex2 / n)
    assert r.gross().std == pytest.approx(math.sqrt(lam * ex2), rel=0.05)
    assert r.frequency[next(iter(r.frequency))] == pytest.approx(lam, rel=0.02)


def test_per_occurrence_layer_matches_its_closed_form() -> None:
    lam, mu, s, d, lim, n = 0.8, 10.0, 1.2, 20_000, 100_000, 200_000
    p = policy({"legal": {"sublimit": BIG, "retention": d, "each_claim_limit": lim}}, aggregate=BIG)
    r = simulate(explicit(lam, {"legal": lognormal(mu, s)}), p, n, 7)
    # the each-claim limit applies after the retention (rule 1): each event pays min(max(X - d, 0), lim),
    # whose mean is E[min(X, d + lim)] - E[min(X, d)]
    want = lam * (limited_mean(mu, s, d + lim) - limited_mean(mu, s, d))
    assert abs(r.insured().aal - want) < 4 * math.sqrt((d + lim) * want / n)
    assert r.insured().aal <= r.gross().aal


def test_annual_caps_hold_in_every_simulated_year() -> None:
    cap = 150_000
    m = explicit(0.8, {"legal": lognormal(10, 1.2), "incident_response": lognormal(10, 1.2)})
    p = policy({"legal": {"sublimit": cap}, "incident_response": {"sublimit": cap}}, aggregate=cap)
    r = simulate(m, p, 50_000, 9)
    assert r.ylt.insured.max() <= cap * (1 + 1e-12)
    assert (r.ylt.insured <= r.ylt.gross + 1e-6).all()


def test_hourly_bi_lets_the_waiting_period_act() -> None:
    losses = {"business_interruption": {"hours": {"dist": "fixed", "value": 20}, "per_hour": 1_000}}
    m = explicit(1.0, losses)
    p = policy({"business_interruption": {"sublimit": BIG, "waiting_period_hours": 12}}, aggregate=BIG)
    r = simulate(m, p, 20_000, 3)
    # every event loses 20 h × 1,000; 12 h are waited: 8,000 insured per event, one event a year on average
    assert r.insured().aal == pytest.approx(8_000 * r.frequency[next(iter(r.frequency))], rel=1e-9)
    assert not r.money_only_time_element


def test_factors_scale_frequency_and_severity() -> None:
    m = explicit(0.4, {"legal": {"dist": "fixed", "value": 1_000}})
    et = m.event_types[0].event_type
    adjusted = m.adjusted([Factor("mfa", et, frequency=0.5, severity=0.8, source="test")])
    assert adjusted.expected_loss() == pytest.approx(0.4 * 0.5 * 1_000 * 0.8)
    assert adjusted.event_types[0].factors[0].name == "mfa"


def test_each_years_largest_event_is_its_maximum() -> None:
    r = simulate(explicit(1.5, {"legal": {"dist": "fixed", "value": 1_000}}), None, 20_000, 4)
    # every event loses 1,000: a year's largest event is 1,000 when it has any, its total 1,000 per event
    np.testing.assert_array_equal(r.ylt.gross_largest, np.where(r.ylt.gross > 0, 1_000.0, 0.0))
    assert r.ylt.gross.max() >= 5_000


def test_oep_comes_from_the_largest_event_and_never_exceeds_the_aep() -> None:
    r = simulate(explicit(2.0, {"legal": lognormal(10, 1)}), None, 20_000, 4)
    assert (r.ylt.gross_largest <= r.ylt.gross + 1e-9).all()
    assert ((r.ylt.gross_largest > 0) == (r.ylt.gross > 0)).all()


def test_years_for_precision_reaches_the_target_standard_error() -> None:
    lam, sigma, rel = 0.5, 1.0, 0.01
    m = explicit(lam, {"legal": lognormal(10, sigma)})
    # compound Poisson: var / mean² of the annual loss = E[X²] / (λ E[X]²) = e^(σ²) / λ for a lognormal
    want = math.exp(sigma**2) / lam / rel**2  # 54,366 years
    years = years_for_precision(m, None, 3, rel_se=rel, max_years=50 * BLOCK_YEARS)
    assert years % BLOCK_YEARS == 0
    assert want <= years <= 1.3 * want + BLOCK_YEARS
    assert years == years_for_precision(m, None, 3, rel_se=rel, max_years=50 * BLOCK_YEARS)
    r = simulate(m, None, years, 3)
    assert r.gross().aal_se <= 1.05 * rel * r.gross().aal


def test_years_for_precision_is_clamped_and_handles_a_policy_that_never_pays() -> None:
    m = explicit(0.5, {"legal": lognormal(10, 1)})
    assert years_for_precision(m, None, 1, rel_se=0.5) == BLOCK_YEARS  # the pilot alone is precise enough
    assert years_for_precision(m, None, 1, rel_se=1e-4, max_years=3 * BLOCK_YEARS) == 3 * BLOCK_YEARS
    never = policy({"incident_response": {"sublimit": 1_000_000}}, aggregate=1_000_000)  # the model hits legal only
    assert years_for_precision(m, never, 1, max_years=4 * BLOCK_YEARS) == 4 * BLOCK_YEARS
    with pytest.raises(ValueError, match="rel_se"):
        years_for_precision(m, None, 1, rel_se=0)

"""Simulation: reproducibility, chunking, and closed-form compound-Poisson values (regression)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from cyberins.model.loading import parse_model
from cyberins.quant import simulate as sim
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.model import Factor, RiskModel
from cyberins.quant.simulate import simulate
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


def test_results_do_not_depend_on_how_chunks_are_sized_only_on_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    m = explicit(0.5, {"legal": lognormal(10, 1)})
    first = simulate(m, None, 30_000, 5)
    # a rerun in a fresh process state draws the same chunks: chunking is a function of the model and years
    assert list(sim.chunk_sizes(m, 30_000)) == list(sim.chunk_sizes(m, 30_000))
    monkeypatch.setattr(sim, "EVENTS_PER_CHUNK", 1_000)  # many chunks: still deterministic, still unbiased
    small = simulate(m, None, 30_000, 5)
    assert len(list(sim.chunk_sizes(m, 30_000))) == 15  # 1,000 events / 0.5 a year = 2,000 years a chunk
    assert np.array_equal(small.ylt.gross, simulate(m, None, 30_000, 5).ylt.gross)
    assert small.gross().aal == pytest.approx(first.gross().aal, rel=0.1)


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
    values = np.array([5.0, 1.0, 7.0, 3.0, 2.0, 9.0])
    starts = np.array([0, 1, 4])  # years of 1, 3 and 2 events
    assert sim._year_max(values, starts).tolist() == [5.0, 7.0, 9.0]


def test_oep_comes_from_the_largest_event_and_never_exceeds_the_aep() -> None:
    r = simulate(explicit(2.0, {"legal": lognormal(10, 1)}), None, 20_000, 4)
    assert (r.ylt.gross_largest <= r.ylt.gross + 1e-9).all()
    assert ((r.ylt.gross_largest > 0) == (r.ylt.gross > 0)).all()

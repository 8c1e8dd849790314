"""Properties of pricing, with data drawn only from strategies."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Coverage
from cyberins.pricing import (
    ToleranceCurve,
    TolerancePoint,
    default_basis,
    premium_from_measures,
    variant_policy,
)
from cyberins.pricing.premium import allocate
from cyberins.quant.metrics import LossMeasures
from cyberins.quant.simulate import simulate
from tests.pricing.helpers import IR, explicit, poisson, policy, sme_policy

COVS = [Coverage.INCIDENT_RESPONSE, Coverage.DATA_RESTORATION, Coverage.PRIVACY_LIABILITY]
POLICY = policy({c.value: {"sublimit": 1_000_000} for c in COVS}, 2_000_000)
annual_losses = st.lists(st.floats(0, 5e6, allow_nan=False), min_size=1, max_size=300)
ratios = st.decimals(0, Decimal("0.45"), places=3)


@settings(max_examples=150, deadline=None)
@given(
    annual_losses,
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=3, max_size=3),
    ratios,
    ratios,
    st.decimals(0, 1, places=3),
)
def test_premium_covers_the_expected_loss_and_its_parts_add_up(
    losses: list[float], split: list[float], expense: Decimal, profit: Decimal, coc: Decimal
) -> None:
    basis = default_basis().with_overrides(expense_ratio=expense, profit_margin=profit, cost_of_capital_rate=coc)
    arr = np.asarray(losses)
    quote = premium_from_measures(LossMeasures.of(arr, arr), dict(zip(COVS, split, strict=True)), POLICY, basis)
    assert quote.premium >= quote.expected_loss + quote.risk_load
    assert quote.premium >= quote.minimum_premium
    assert quote.expected_loss + quote.risk_load + quote.expenses + quote.profit == quote.premium
    assert sum(line.premium for line in quote.by_coverage) == quote.premium
    assert sum(line.expected_loss for line in quote.by_coverage) == quote.expected_loss
    assert sum(line.risk_load for line in quote.by_coverage) == quote.risk_load


@settings(max_examples=25, deadline=None)
@given(
    st.floats(0.05, 2.0),
    st.floats(1_000, 400_000),
    st.floats(0.3, 2.0),
    st.integers(0, 200_000),
    st.integers(1, 200_000),
    st.integers(0, 2**31),
)
def test_a_higher_retention_never_raises_any_years_insured_loss(
    lam: float, median: float, sigma: float, low: int, step: int, seed: int
) -> None:
    model = explicit(
        {
            "ransomware": {
                "frequency": poisson(lam),
                "losses": {"incident_response": {"dist": "lognormal", "mu": float(np.log(median)), "sigma": sigma}},
            }
        }
    )
    base = policy({"incident_response": {"sublimit": 1_000_000}}, 1_000_000)
    lower = variant_policy(base, Decimal(1_000_000), Decimal(low))
    higher = variant_policy(base, Decimal(1_000_000), Decimal(min(low + step, 999_999)))
    a, b = simulate(model, lower, 500, seed), simulate(model, higher, 500, seed)
    assert (b.ylt.insured <= a.ylt.insured + 1e-6).all()
    assert b.insured().aal <= a.insured().aal + 1e-9
    assert b.insured().tvar["0.995"] <= a.insured().tvar["0.995"] + 1e-6


@settings(max_examples=50, deadline=None)
@given(st.integers(1_000, 5_000_000), st.integers(0, 400_000))
def test_variant_policies_keep_every_sublimit_inside_the_aggregate(limit: int, retention: int) -> None:
    base = sme_policy()
    try:
        variant = variant_policy(base, Decimal(limit), Decimal(retention))
    except InvalidInput as exc:  # an invalid cell: it must say why
        assert "could never pay" in str(exc) or "each_claim_limit" in str(exc)
        return
    for terms in variant.coverages.values():
        assert terms.sublimit <= variant.aggregate_limit
        assert terms.retention == retention < terms.sublimit
    assert variant.coverages[IR].sublimit == min(Decimal(limit) / 4, Decimal(limit)).quantize(Decimal("0.01"))


@settings(max_examples=200, deadline=None)
@given(st.decimals(0, 10**9, places=2), st.lists(st.floats(0, 1e9, allow_nan=False), min_size=1, max_size=8))
def test_allocation_adds_up_exactly(total: Decimal, weights: list[float]) -> None:
    parts = allocate(total, weights, "CNY")
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(1e3, 1e9),
    st.floats(1.01, 1e4),
    st.floats(1.01, 100.0),
    st.floats(1.01, 100.0),
)
def test_the_tolerance_curve_passes_through_both_points(
    loss: float, rp: float, loss_ratio: float, rp_ratio: float
) -> None:
    a = TolerancePoint(Decimal(loss), rp)
    b = TolerancePoint(Decimal(loss * loss_ratio), rp * rp_ratio)
    c = ToleranceCurve.through(a, b)
    assert c.sigma > 0
    assert np.isclose(c.loss_at(rp), loss, rtol=1e-6)
    assert np.isclose(c.loss_at(rp * rp_ratio), loss * loss_ratio, rtol=1e-6)

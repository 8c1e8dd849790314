"""Line premiums: the group premium split by co-TVaR contributions, adding up exactly."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.model.loading import parse_model
from cyberins.model.policy import Policy
from cyberins.pricing import default_basis, premium_from_measures
from cyberins.pricing.premium import allocate
from cyberins.products import line_premiums
from cyberins.quant.metrics import LossMeasures
from tests.products.helpers import policy_dict

POLICY = parse_model(Policy, policy_dict())


def test_the_line_heavy_in_the_worst_year_carries_the_load() -> None:
    # Four years; A loses 100 every year, B 400 in the last. TVaR99.5 of the total is the worst year (500):
    # with all stand-alone capital charged (d = 1), w_A = 100 + 0.1 × (100 − 100) = 100, w_B = 100 + 0.1 × 300
    # = 130; with the basis' diversification share d, w_B = 100 + 0.1 × d × 300 (the premium's own load).
    lines = np.array([[100.0, 100.0, 100.0, 100.0], [0.0, 0.0, 0.0, 400.0]])
    total = lines.sum(axis=0)
    for basis, w_b in (
        (default_basis().with_overrides(diversification=1), 130.0),
        (default_basis(), 100 + 0.1 * float(default_basis().risk_load.diversification.value) * 300),
    ):
        premium = premium_from_measures(LossMeasures.of(total, total), {}, POLICY, basis)
        shares = line_premiums(premium, total, lines, basis)
        assert shares == allocate(premium.premium, [100.0, w_b], "CNY")
        assert sum(shares) == premium.premium


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4), st.integers(2, 200), st.integers(0, 2**32 - 1), st.sampled_from(["cost_of_capital", "std_load"])
)
def test_line_premiums_add_up_to_the_group_premium(n_lines: int, years: int, seed: int, method: str) -> None:
    rng = np.random.default_rng(seed)
    lines = rng.pareto(1.5, (n_lines, years)) * 1_000 * (rng.random((n_lines, years)) < 0.2)
    total = lines.sum(axis=0)
    basis = default_basis()
    if method == "std_load":
        basis = basis.model_copy(update={"risk_load": basis.risk_load.model_copy(update={"method": "std_load"})})
    premium = premium_from_measures(LossMeasures.of(total, total), {}, POLICY, basis)
    shares = line_premiums(premium, total, lines, basis)
    assert sum(shares) == premium.premium
    assert all(s >= Decimal(0) for s in shares)

"""`cyberins.quant.scheme`: the shared aggregate in event-time order, pro-rata allocation, the simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.model.errors import InvalidInput
from cyberins.model.loading import parse_model
from cyberins.model.policy import Policy
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.model import RiskModel
from cyberins.quant.scheme import SchemeMember, allocate_pro_rata, shared_aggregate, simulate_scheme
from tests.products.helpers import fixed_model, policy_dict


def model(lam: float, amount: float) -> RiskModel:
    return parse_model(ExplicitModelFile, fixed_model(lam, amount)).to_model()


POLICY = parse_model(Policy, policy_dict())


def test_hand_made_table_erodes_in_event_time_order_and_allocates_pro_rata() -> None:
    # Year 0: A loses 60 at t=0.1 and 50 at t=0.5, B 40 at t=0.3; cap 100. In time order A is paid 60,
    # B 40, A's second event nothing. Year 1: B alone, 30, under the cap.
    amount = np.array([50.0, 60.0, 40.0, 30.0])
    period = np.array([0, 0, 0, 1])
    time = np.array([0.5, 0.1, 0.3, 0.2])
    member = np.array([0, 0, 1, 1])
    paid = shared_aggregate(amount, period, time, 100.0)
    np.testing.assert_array_equal(paid, [0.0, 60.0, 40.0, 30.0])
    before = np.zeros((2, 2))
    np.add.at(before, (member, period), amount)
    total = np.bincount(period, weights=paid)
    lines = allocate_pro_rata(before, total)
    # Year 0: A claimed 110 of 150, so it gets 110/150 of the 100 paid; B 40/150.
    np.testing.assert_allclose(lines, [[100 * 110 / 150, 0.0], [100 * 40 / 150, 30.0]])
    np.testing.assert_allclose(lines.sum(axis=0), total)


def test_two_members_with_fixed_losses_match_the_closed_form() -> None:
    # Each event pays exactly 100,000; the scheme pays min(100,000 N, 150,000) with N ~ Poisson(0.3 + 0.5).
    lam_a, lam_b, x, cap, years = 0.3, 0.5, 100_000.0, 150_000.0, 100_000
    members = [SchemeMember("a", model(lam_a, x), POLICY), SchemeMember("b", model(lam_b, x), POLICY)]
    r = simulate_scheme(members, years, seed=7, aggregate_limit=cap)
    lam = lam_a + lam_b
    p1, p_many = lam * math.exp(-lam), 1 - math.exp(-lam) - lam * math.exp(-lam)
    expected = x * p1 + cap * p_many
    se = math.sqrt(x**2 * p1 + cap**2 * p_many - expected**2) / math.sqrt(years)
    assert abs(r.ylt.insured.mean() - expected) < 4 * se
    # Every year: before the aggregate a whole number of events, after it min(before, cap).
    np.testing.assert_allclose(r.before_aggregate / x, np.round(r.before_aggregate / x))
    np.testing.assert_allclose(r.ylt.insured, np.minimum(r.before_aggregate, cap))
    # The aggregate is used up exactly in the years with two events or more.
    assert r.exhaustion_probability == np.mean(r.before_aggregate >= cap)
    assert abs(r.exhaustion_probability - p_many) < 4 * math.sqrt(p_many * (1 - p_many) / years)
    # Given N events, a's expected share of them is lam_a / lam, so its line is that share of the total.
    assert abs(r.line_insured[0].mean() - expected * lam_a / lam) < 4 * se
    np.testing.assert_allclose(r.line_insured.sum(axis=0), r.ylt.insured)


def test_results_do_not_depend_on_member_order_and_repeat_for_a_seed() -> None:
    members = [SchemeMember(f"m{i}", model(0.2 + 0.1 * i, 10_000.0 * (i + 1)), POLICY) for i in range(4)]
    a = simulate_scheme(members, 5_000, seed=3, aggregate_limit=40_000)
    b = simulate_scheme(members[::-1], 5_000, seed=3, aggregate_limit=40_000)
    c = simulate_scheme(members, 5_000, seed=4, aggregate_limit=40_000)
    np.testing.assert_array_equal(a.ylt.insured, b.ylt.insured)
    np.testing.assert_allclose(a.member_insured, b.member_insured[::-1])
    np.testing.assert_array_equal(a.ylt.insured, simulate_scheme(members, 5_000, 3, 40_000).ylt.insured)
    assert not np.array_equal(a.ylt.insured, c.ylt.insured)


def test_lines_group_members() -> None:
    members = [
        SchemeMember(f"m{i}", model(0.5, 1_000.0), POLICY, line="even" if i % 2 == 0 else "odd") for i in range(4)
    ]
    r = simulate_scheme(members, 2_000, seed=1)
    assert r.lines == ("even", "odd")
    assert r.exhaustion_probability is None
    np.testing.assert_allclose(r.line_insured.sum(axis=0), r.ylt.insured)
    np.testing.assert_allclose(r.line_insured[0].mean(), r.member_insured[0] + r.member_insured[2])


def test_members_need_unique_ids_and_one_currency() -> None:
    with pytest.raises(InvalidInput, match="twice"):
        simulate_scheme([SchemeMember("a", model(0.1, 1.0), POLICY)] * 2, 10, 1)
    usd = parse_model(ExplicitModelFile, {**fixed_model(0.1, 1.0), "currency": "USD"}).to_model()
    with pytest.raises(InvalidInput, match="currency"):
        simulate_scheme([SchemeMember("a", model(0.1, 1.0), POLICY), SchemeMember("b", usd, POLICY)], 10, 1)


amounts = st.lists(st.floats(0, 1e7, allow_nan=False), min_size=1, max_size=60)


@settings(max_examples=100, deadline=None)
@given(amounts, st.data(), st.floats(0, 2e7, allow_nan=False))
def test_shared_aggregate_pays_min_of_claims_and_cap_each_period(
    values: list[float], data: st.DataObject, cap: float
) -> None:
    amount = np.asarray(values)
    n = len(values)
    period = np.asarray(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64)
    time = np.asarray(data.draw(st.lists(st.floats(0, 1, allow_nan=False), min_size=n, max_size=n)))
    paid = shared_aggregate(amount, period, time, cap)
    assert np.all(paid >= 0) and np.all(paid <= amount)
    for p in range(4):
        mine = period == p
        assert paid[mine].sum() <= cap * (1 + 1e-12) + 1e-6
        assert paid[mine].sum() == pytest.approx(min(amount[mine].sum(), cap), rel=1e-9, abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.05, 2.0), st.floats(1_000, 500_000)), min_size=1, max_size=5),
    st.floats(0, 2_000_000),
    st.integers(0, 2**32 - 1),
)
def test_the_scheme_aggregate_is_never_exceeded_and_lines_add_up(
    specs: list[tuple[float, float]], cap: float, seed: int
) -> None:
    members = [SchemeMember(f"m{i}", model(lam, x), POLICY) for i, (lam, x) in enumerate(specs)]
    r = simulate_scheme(members, 300, seed, aggregate_limit=cap)
    assert np.all(r.ylt.insured <= cap * (1 + 1e-9) + 1e-6)
    assert np.all(r.ylt.insured <= r.before_aggregate + 1e-6)
    np.testing.assert_allclose(r.line_insured.sum(axis=0), r.ylt.insured, rtol=1e-9, atol=1e-6)
    assert np.all(r.member_insured <= r.member_before + 1e-6)
    assert r.ylt.insured.mean() == pytest.approx(sum(r.member_insured), rel=1e-9, abs=1e-6)

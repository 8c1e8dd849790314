"""The measure blocks of a portfolio run (contract portfolio.md §3, §5): treaties, cat bonds, contributions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cyberins.portfolio.measures import (
    TOP_POLICIES,
    ceded_block,
    ceded_blocks,
    contributions,
    ils_block,
    loss_block,
    row_contributions,
    tvar_weights,
)
from cyberins.portfolio.treaties import AggregateStopLoss, CatBond, CatXL, GrossRows, QuotaShare, apply_programme
from cyberins.quant.metrics import LEVELS, LossMeasures, tail_weights, tvar

LEVEL_KEYS = [str(level) for level in LEVELS]


def test_a_ceded_block_is_loss_measures_plus_how_often_the_treaty_attaches_and_exhausts() -> None:
    treaty = CatXL(id="cat", kind="cat_xl", attachment=10, limit=100, premium=20, reinstatements=[{"rate": 1.0}])
    annual = np.array([0.0, 50.0, 200.0, 199.996, 199.98, 0.0, 0.0, 0.0])  # cover 200: two years reach it to the cent
    premium = np.array([0.0, 10.0, 20.0, 20.0, 20.0, 0.0, 0.0, 0.0])
    block = ceded_block(treaty, annual, annual, premium)
    assert set(LossMeasures.of(annual, annual).as_dict()) <= set(block)
    assert block["attachment_probability"] == 4 / 8
    assert block["exhaustion_probability"] == 2 / 8
    assert block["expected_reinstatement_premium"] == pytest.approx(70 / 8)
    assert block["aal"] == pytest.approx(annual.mean())


def test_treaties_without_an_annual_cover_never_exhaust() -> None:
    annual = np.array([0.0, 1e9])
    unlimited = CatXL(id="u", kind="cat_xl", attachment=0, limit=1, reinstatements="unlimited")
    share = QuotaShare(id="qs", kind="quota_share", share=0.5, event_limit=1)
    for treaty in (unlimited, share):
        assert ceded_block(treaty, annual, annual)["exhaustion_probability"] == 0.0
    stop_loss = AggregateStopLoss(id="asl", kind="aggregate_stop_loss", attachment=5, limit=1e9)
    assert ceded_block(stop_loss, annual, annual)["exhaustion_probability"] == 0.5


def test_ceded_blocks_take_premiums_for_excess_of_loss_treaties_only() -> None:
    rows = GrossRows(
        np.array([0, 1]), np.array([0, 0]), np.array([0.5, 0.5]), np.array([0, 0]), np.array([300.0, 50.0])
    )
    treaties = [
        QuotaShare(id="qs", kind="quota_share", share=0.5),
        CatXL(id="cat", kind="cat_xl", attachment=50, limit=100, premium=10, reinstatements=[{"rate": 1.0}]),
    ]
    result = apply_programme(rows, treaties, 2)
    blocks = ceded_blocks(treaties, result.ceded_annual, result.ceded_largest, result.reinstatement_premium)
    assert list(blocks) == ["qs", "cat"]
    assert blocks["qs"]["aal"] == pytest.approx((150 + 25) / 2)
    assert blocks["cat"]["aal"] == pytest.approx(100 / 2)  # year 0: 150 left, 100 xs 50
    assert blocks["cat"]["expected_reinstatement_premium"] == pytest.approx(10 / 2)
    assert blocks["qs"]["expected_reinstatement_premium"] == 0.0


def test_an_ils_block_by_hand() -> None:
    bond = CatBond(id="b", trigger="indemnity_occurrence", attachment=40, exhaustion=100)
    block = ils_block(bond, np.array([0.0, 60.0, 30.0, 0.0, 59.999, 0.0, 0.0, 0.0, 0.0, 0.0]))
    assert block["attachment_probability"] == 0.3
    assert block["exhaustion_probability"] == 0.2
    assert block["expected_loss"] == pytest.approx(14.9999)
    assert block["expected_loss_pct_of_limit"] == pytest.approx(14.9999 / 60)


def test_ties_go_to_the_lower_year_index() -> None:
    annual = np.array([0.0, 5.0, 9.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    weights = tail_weights(annual, 0.75)  # m = 2.5: year 2, year 1 and half of year 3
    assert weights.tolist() == pytest.approx([0, 0.4, 0.4, 0.2, 0, 0, 0, 0, 0, 0])
    assert weights @ annual == pytest.approx(tvar(annual, 0.75))


years = st.integers(10, 300)


@st.composite
def split_years(draw: st.DrawFn) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A few groups' gross per year, most years 0, with repeated values (ties)."""
    n = draw(years)
    values = st.sampled_from([0.0, 0.0, 0.0, 1.0, 2.5, 1e6, 3.3e8])
    groups = {f"g{i}": draw(arrays(np.float64, n, elements=values)) for i in range(draw(st.integers(1, 4)))}
    return sum(groups.values(), np.zeros(n)), groups


@settings(max_examples=100, deadline=None)
@given(split_years())
def test_contributions_add_up_to_the_gross_tvar_at_every_level(split: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
    gross, groups = split
    out = contributions(gross, {"by_scenario": groups, "by_industry": {"all": gross}}, policies=groups)
    assert list(out) == LEVEL_KEYS
    measures = loss_block(gross, gross)
    for level in LEVEL_KEYS:
        by_scenario = out[level]["by_scenario"]
        assert isinstance(by_scenario, dict)
        want = measures["tvar"][level]  # type: ignore[index]
        assert sum(by_scenario.values()) == pytest.approx(want, rel=1e-9, abs=1e-6)
        assert out[level]["by_industry"] == {"all": pytest.approx(want, rel=1e-12, abs=1e-6)}


def test_by_policy_top_lists_the_20_largest_largest_first_by_either_route() -> None:
    rng = np.random.default_rng(7)
    n_years, n_policies = 200, 25
    year = rng.integers(0, n_years, 2000)
    policy = rng.integers(0, n_policies, 2000)
    amount = rng.lognormal(10, 2, 2000)
    per_policy = {
        f"line#{p + 1}": np.bincount(year[policy == p], amount[policy == p], n_years) for p in range(n_policies)
    }
    gross = sum(per_policy.values(), np.zeros(n_years))
    names = list(per_policy)

    def by_rows(weights: np.ndarray) -> dict[str, float]:
        return dict(zip(names, row_contributions(weights, year, policy, amount, n_policies).tolist(), strict=True))

    from_arrays = contributions(gross, {}, policies=per_policy)
    from_rows = contributions(gross, {}, policies=by_rows)
    for level in LEVEL_KEYS:
        top = from_arrays[level]["by_policy_top"]
        assert isinstance(top, list) and len(top) == TOP_POLICIES
        values = [value for _, value in top]
        assert values == sorted(values, reverse=True)
        weights = tvar_weights(gross)[level]
        assert top[0] == [max(names, key=lambda n: weights @ per_policy[n]), pytest.approx(values[0])]
        assert [n for n, _ in from_rows[level]["by_policy_top"]] == [n for n, _ in top]  # type: ignore[union-attr]

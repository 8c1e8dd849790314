"""Risk measures (rule 13): expected shortfall against a sorted year-loss table, hand-computed cases."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.quant.metrics import LEVELS, RETURN_PERIODS, LossMeasures, exceedance, tail_weights, tvar, var


def shortfall_by_hand(losses: list[float], level: float) -> float:
    """The mean of the worst (1 − level)·N years, straight from the definition, in exact rationals.

    Sort descending; take whole years while the tail has room; the next year gets the fraction left.
    """
    room = (1 - Fraction(str(level))) * len(losses)
    total, left = Fraction(0), room
    for x in sorted(losses, reverse=True):
        weight = min(left, Fraction(1))
        if weight <= 0:
            break
        total += weight * Fraction(x)
        left -= weight
    return float(total / room)


def quantile_by_hand(losses: list[float], q: Fraction) -> float:
    """The smallest loss x with at least a share q of the years at or below it (inverted CDF)."""
    ordered = sorted(losses)
    for i, x in enumerate(ordered, start=1):
        if Fraction(i, len(ordered)) >= q:
            return x
    return ordered[-1]


# Year-loss tables of small insureds: most years lose nothing, some lose a few round amounts (ties), a few a
# large one.
amounts = st.one_of(st.just(0.0), st.sampled_from([1_000.0, 25_000.0]), st.floats(1.0, 5e7, allow_nan=False))
ylt = st.lists(st.one_of(st.just(0.0), st.just(0.0), st.just(0.0), amounts), min_size=1, max_size=3_000)


@settings(max_examples=200, deadline=None)
@given(ylt)
def test_tvar_is_the_expected_shortfall_of_the_sorted_table(losses: list[float]) -> None:
    annual = np.asarray(losses)
    m = LossMeasures.of(annual, annual)
    for level in LEVELS:
        want = shortfall_by_hand(losses, level)
        assert m.tvar[str(level)] == pytest.approx(want, rel=1e-12, abs=1e-9)
        assert tvar(annual, level) == m.tvar[str(level)]
        assert m.var[str(level)] == quantile_by_hand(losses, Fraction(str(level))) == var(annual, level)
        assert m.var[str(level)] <= m.tvar[str(level)] + 1e-9 * max(want, 1.0)
        assert tail_weights(annual, level) @ annual == pytest.approx(want, rel=1e-12, abs=1e-9)
    for (t, loss), (t2, loss2) in zip(m.aep, exceedance(annual), strict=True):
        assert t == t2 and loss == loss2 == quantile_by_hand(losses, 1 - Fraction(1, int(t)))
    assert m.aal == pytest.approx(float(np.mean(losses)))


def test_when_most_years_lose_nothing_tvar_is_the_tail_not_the_mean() -> None:
    # 1,000 years, 30 with a loss of 100, 10 with 1,000: VaR at 0.95 is 0, yet the worst 50 years average
    # (10·1,000 + 30·100 + 10·0) / 50 = 260, not the mean of all years (13).
    annual = np.array([0.0] * 960 + [100.0] * 30 + [1_000.0] * 10)
    m = LossMeasures.of(annual, annual)
    assert m.var["0.95"] == 0.0
    assert m.tvar["0.95"] == pytest.approx(260.0)
    assert m.aal == pytest.approx(13.0)
    assert m.tvar["0.99"] == pytest.approx(1_000.0)  # exactly the 10 worst years
    assert m.tvar["0.9"] == pytest.approx((10 * 1_000 + 30 * 100) / 100)


def test_whole_tail_the_var_year_is_not_an_extra_year() -> None:
    # N = 10, level 0.9: m = 1 exactly, the worst year alone (not the mean of the worst and the VaR year)
    annual = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 50.0])
    assert var(annual, 0.9) == 9.0
    assert tvar(annual, 0.9) == 50.0
    # level 0.8: m = 2, the two worst years
    assert tvar(annual, 0.8) == pytest.approx((50 + 9) / 2)


def test_fractional_tail_weights_the_boundary_year() -> None:
    # N = 4, level 0.9: m = 0.4 < 1, the worst year alone; level 0.7: m = 1.2, worst + 0.2 × the second
    annual = np.array([10.0, 40.0, 20.0, 30.0])
    assert tvar(annual, 0.9) == 40.0
    assert tvar(annual, 0.7) == pytest.approx((40 + 0.2 * 30) / 1.2)
    assert var(annual, 0.7) == 30.0
    w = tail_weights(annual, 0.7)
    assert w.tolist() == pytest.approx([0.0, 1 / 1.2, 0.0, 0.2 / 1.2])
    # N = 2003 at 0.95: m = 100.15, the 100 worst years and 0.15 of the 101st
    annual = np.arange(2003, dtype=float)
    assert tvar(annual, 0.95) == pytest.approx((sum(range(1903, 2003)) + 0.15 * 1902) / 100.15)


def test_aal_standard_error_and_return_periods() -> None:
    annual = np.array([0.0, 0.0, 10.0, 30.0])
    m = LossMeasures.of(annual, annual)
    assert m.std == pytest.approx(float(np.std(annual, ddof=1)))
    assert m.aal_se == pytest.approx(m.std / 2)
    assert m.as_dict()["aal_se"] == m.aal_se
    assert [t for t, _ in m.aep] == [float(t) for t in RETURN_PERIODS]
    assert m.aep[0][1] == 0.0  # the median year loses nothing (2 of 4 at or below 0)
    assert LossMeasures.of(np.array([5.0]), np.array([5.0])).aal_se == 0.0


def test_negative_values_are_ranked_too() -> None:
    # retained losses (gross − insured) can carry float dust below zero: the measures still sort them
    values = np.array([-1e-9, 0.0, 3.0, -2.0, 7.0])
    assert var(values, 0.5) == 0.0
    assert var(values, 0.3) == -1e-9
    assert exceedance(values, (2, 5)) == [[2.0, 0.0], [5.0, 3.0]]
    assert tvar(values, 0.6) == pytest.approx((7 + 3) / 2)
    assert math.isclose(tvar(values, 0.0), float(values.mean()))

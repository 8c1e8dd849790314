"""The compiled float64 kernels (terms/jit.py) against plain loops and NumPy: the same running sums capped per
group, the same time order."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.terms.jit import time_order
from cyberins.terms.kernels import capped_running, reaches_cap


def loop_capped(amounts: np.ndarray, group: np.ndarray, cap: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """What each row pays, by hand: per group and column, a running total from `prior` stopped at `cap`."""
    paid = amounts.copy()
    for j in range(amounts.shape[1]):
        running = None
        for i in range(len(group)):
            if i == 0 or group[i] != group[i - 1]:
                running = prior[j]
            assert running is not None
            paid[i, j] = max(min(running + amounts[i, j], cap[j]) - min(running, cap[j]), 0.0)
            running += amounts[i, j]
    return paid


rows = st.lists(
    st.tuples(st.integers(0, 5), st.floats(0, 100, allow_nan=False), st.floats(0, 100, allow_nan=False)),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(rows, st.floats(0, 150), st.floats(0, 150), st.floats(0, 60))
def test_capped_running_is_the_loop(
    data: list[tuple[int, float, float]], cap0: float, cap1: float, prior: float
) -> None:
    group = np.sort(np.array([g for g, _, _ in data], dtype=np.int64))
    amounts = np.array([[a, b] for _, a, b in data], dtype=np.float64).reshape(-1, 2)
    cap, before = np.array([cap0, cap1]), np.array([prior, 0.0])
    expected = loop_capped(amounts, group, cap, before)
    for jit in (True, False):  # the compiled loops and the NumPy expressions
        paid = capped_running(amounts, group, cap, before, jit=jit)
        np.testing.assert_allclose(paid, expected, atol=1e-9)
        assert (paid >= 0).all() and (paid <= amounts).all()
        assert reaches_cap(amounts.sum(axis=1), group, cap0, prior, jit=jit) == reaches_cap(
            amounts.sum(axis=1), group, cap0, prior
        )


def test_no_group_reaching_the_cap_returns_the_amounts_themselves() -> None:
    amounts = np.array([1.0, 2.0, 3.0])
    assert capped_running(amounts, np.array([0, 0, 1]), 10.0, 0.0, jit=True) is amounts
    assert not reaches_cap(amounts, np.array([0, 0, 1]), 10.0, 0.0, jit=True)
    assert reaches_cap(amounts, np.array([0, 0, 1]), 10.0, 7.5, jit=True)  # 3 + 7.5 passes 10


def test_float_and_decimal_paths_agree_on_worked_numbers() -> None:
    # One policy year, cap 100 after 30 already paid: 50 pays 50, 40 pays 20 (the cap), 10 pays 0; the
    # next year starts afresh from the same prior: 80 pays 70.
    group = np.array([0, 0, 0, 1])
    floats = capped_running(np.array([50.0, 40.0, 10.0, 80.0]), group, 100.0, 30.0, jit=True)
    decimals = capped_running(
        np.array([Decimal(x) for x in (50, 40, 10, 80)], dtype=object), group, Decimal(100), Decimal(30)
    )
    assert floats.tolist() == [50.0, 20.0, 0.0, 70.0]
    assert [float(x) for x in decimals] == floats.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 30), st.sampled_from([0.0, 0.25, 0.5, 0.75])), max_size=60))
def test_time_order_is_the_stable_lexsort(data: list[tuple[int, float]]) -> None:
    period = np.array([p for p, _ in data], dtype=np.int64)
    time = np.array([t for _, t in data], dtype=np.float64)
    order = time_order(period, time)
    expected = np.lexsort((time, period))
    if order is None:
        assert np.array_equal(expected, np.arange(len(period)))
    else:
        assert np.array_equal(order, expected)


def test_time_order_falls_back_on_crowded_or_sparse_periods() -> None:
    rng = np.random.default_rng(3)
    crowded = np.zeros(500, dtype=np.int64)  # one period of 500 rows: no insertion sort
    sparse = rng.integers(0, 10**12, 500)  # periods far apart: no counting sort
    for period in (crowded, sparse):
        time = rng.random(500)
        assert np.array_equal(time_order(period, time), np.lexsort((time, period)))

"""The erosion kernel (`kernels.capped_running`) against a plain loop: running sums capped per group, on float64
and Decimal alike. (The compiled one-pass path is tested against the NumPy steps in test_fused.py.)"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

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
    paid = capped_running(amounts, group, cap, before)
    np.testing.assert_allclose(paid, expected, atol=1e-9)
    assert (paid >= 0).all() and (paid <= amounts).all()
    totals = [amounts.sum(axis=1)[group == g].sum() for g in np.unique(group)]
    assert reaches_cap(amounts.sum(axis=1), group, cap0, prior) == any(t + prior > cap0 for t in totals)


def test_no_group_reaching_the_cap_returns_the_amounts_themselves() -> None:
    amounts = np.array([1.0, 2.0, 3.0])
    assert capped_running(amounts, np.array([0, 0, 1]), 10.0, 0.0) is amounts
    assert not reaches_cap(amounts, np.array([0, 0, 1]), 10.0, 0.0)
    assert reaches_cap(amounts, np.array([0, 0, 1]), 10.0, 7.5)  # 3 + 7.5 passes 10


def test_float_and_decimal_paths_agree_on_worked_numbers() -> None:
    # One policy year, cap 100 after 30 already paid: 50 pays 50, 40 pays 20 (the cap), 10 pays 0; the
    # next year starts afresh from the same prior: 80 pays 70.
    group = np.array([0, 0, 0, 1])
    floats = capped_running(np.array([50.0, 40.0, 10.0, 80.0]), group, 100.0, 30.0)
    decimals = capped_running(
        np.array([Decimal(x) for x in (50, 40, 10, 80)], dtype=object), group, Decimal(100), Decimal(30)
    )
    assert floats.tolist() == [50.0, 20.0, 0.0, 70.0]
    assert [float(x) for x in decimals] == floats.tolist()

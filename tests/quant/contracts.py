"""Checks of the contracts in `cyberins.quant.model`, reusable for any implementation of them."""

from __future__ import annotations

import numpy as np

from cyberins.quant.model import SeverityModel


def assert_prefix_stable(
    severity: SeverityModel, *, seed: int = 12345, n: int = 257, shorter: tuple[int, ...] = (0, 1, 17, 256)
) -> None:
    """`severity.sample` is prefix-stable: row k of the draws does not depend on how many events are drawn.

    For fresh generators from the same seed, the first m rows of `n` draws equal `m` draws, for the money
    matrix and for every outage's hours and income per hour (the `SeverityModel` contract).
    """
    full = severity.sample(np.random.default_rng(seed), n)
    assert full.money.shape == (n, len(severity.coverages))
    for m in shorter:
        assert m <= n
        part = severity.sample(np.random.default_rng(seed), m)
        assert part.coverages == full.coverages
        np.testing.assert_array_equal(part.money, full.money[:m], err_msg=f"money rows differ for {m} of {n} events")
        assert part.outages.keys() == full.outages.keys()
        for j, (hours, per_hour) in full.outages.items():
            np.testing.assert_array_equal(part.outages[j][0], hours[:m], err_msg=f"outage hours of column {j}")
            np.testing.assert_array_equal(part.outages[j][1], per_hour[:m], err_msg=f"income per hour of column {j}")

"""The model stays inside the tolerance band of every published figure in docs/validation.md.

Runs with fewer simulated years and events than `scripts/validate_model.py` (30,000 instead of 200,000);
over ten seeds the spread of every figure stays well inside its band (largest: SME claim frequency
1.32-1.48%/year in a band of 1.0-2.0%), so a failure means the model moved, not sampling noise.
"""

from __future__ import annotations

import pytest

from cyberins.assess.validation_checks import CHECKS, Check, run_checks


@pytest.fixture(scope="module")
def results() -> dict[str, Check]:
    return {c.id: c for c in run_checks(years=30_000, events=30_000, seed=2026)}


@pytest.mark.parametrize("check_id", [spec[0] for spec in CHECKS])
def test_figure_inside_its_band(check_id: str, results: dict[str, Check]) -> None:
    check = results[check_id]
    assert check.inside, f"{check.metric}: {check.value:.3f} outside [{check.low}, {check.high}]"

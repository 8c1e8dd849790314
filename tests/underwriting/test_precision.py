"""Quote precision (contracts/trust.md item 3): with the default years, the example SME's technical premium
varies by at most 1% across seeds 1–5, each control's loss drop keeps its sign, and a control that acts on
some event types cannot move the gross loss by more than those types' expected loss."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest

from cyberins.assess import assess, load_profile
from cyberins.model.ids import EventType
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.underwriting import QuoteOptions, underwrite
from tests.conftest import EXAMPLES

PROFILE = EXAMPLES / "orgs" / "sme-manufacturer.yaml"
POLICY = EXAMPLES / "policies" / "sme-standalone-cny.yaml"


@pytest.mark.slow
def test_default_quotes_are_stable_across_seeds() -> None:
    profile, policy = load_profile(PROFILE), load_model(Policy, POLICY)
    one_cell = (policy.aggregate_limit,), (Decimal(20_000),)  # the grid is not what is measured here
    runs = [
        underwrite(profile, policy, QuoteOptions(seed=seed, limits=one_cell[0], retentions=one_cell[1]))
        for seed in range(1, 6)
    ]
    premiums = [float(r.premium.premium) for r in runs]
    assert statistics.stdev(premiums) / statistics.mean(premiums) <= 0.01, premiums
    for r in runs:  # the precision target itself
        insured = r.simulation.insured()
        assert insured.aal_se <= 0.0051 * insured.aal
    drops: dict[str, list[Decimal]] = {}
    for r in runs:
        assert r.controls is not None
        for change in r.controls.ranked:
            drops.setdefault(next(iter(change.controls)), []).append(change.gross_loss_drop)
    for control, values in drops.items():
        signs = {v > 0 for v in values if abs(v) > Decimal("0.01")}
        assert len(signs) <= 1, (control, values)
    # DDoS protection acts on denial of service only: its drop is bounded by that type's expected loss
    dos = EventType.DENIAL_OF_SERVICE
    expected = next(sum(et.expected_loss().values()) for et in assess(profile).event_types if et.event_type is dos)
    for r, drop in zip(runs, drops["ddos_protection"], strict=True):
        assert abs(float(drop)) <= max(expected, r.simulation.by_event_type[dos][0]) + 0.01

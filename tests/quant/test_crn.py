"""Common random numbers: event types do not disturb one another, frequencies couple monotonically."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cyberins.assess import load_risk_model
from cyberins.model.ids import EventType
from cyberins.model.loading import load_model, parse_model
from cyberins.model.policy import Policy
from cyberins.quant.explicit import ExplicitModelFile, IndependentSeverity
from cyberins.quant.model import Factor, RiskModel
from cyberins.quant.simulate import simulate
from tests.conftest import EXAMPLES
from tests.quant.contracts import assert_prefix_stable
from tests.terms.helpers import policy

DOS, RW, PIB = EventType.DENIAL_OF_SERVICE, EventType.RANSOMWARE, EventType.PERSONAL_INFORMATION_BREACH


def lognormal(mu: float, sigma: float) -> dict[str, Any]:
    return {"dist": "lognormal", "mu": mu, "sigma": sigma}


def mixed_model() -> RiskModel:
    """Poisson and negative-binomial types, money and hourly losses, shared coverages."""
    doc = {
        "kind": "explicit",
        "currency": "CNY",
        "event_types": {
            "ransomware": {
                "frequency": {"dist": "negbin", "mean": 0.3, "var": 0.6},
                "losses": {
                    "business_interruption": {
                        "hours": lognormal(3, 1),
                        "per_hour": 5_000,
                        "extra_expense": {"dist": "gamma", "shape": 2, "scale": 5_000},
                    },
                    "data_restoration": lognormal(11, 1.2),
                    "cyber_extortion": {"dist": "pert", "low": 1e4, "mode": 5e4, "high": 5e5},
                },
            },
            "personal_information_breach": {
                "frequency": {"dist": "poisson", "lam": 0.4},
                "losses": {"incident_response": lognormal(10.8, 1.1), "privacy_liability": lognormal(12, 1.6)},
            },
            "denial_of_service": {
                "frequency": {"dist": "poisson", "lam": 0.25},
                "losses": {
                    "business_interruption": {"hours": {"dist": "uniform", "low": 1, "high": 48}, "per_hour": 8e3}
                },
            },
            "human_error": {
                "frequency": {"dist": "negbin", "mean": 0.05, "var": 0.09},
                "losses": {"data_restoration": {"dist": "empirical", "values": [1e4, 3e4, 2e5]}},
            },
        },
    }
    return parse_model(ExplicitModelFile, doc).to_model()


POLICY = policy(
    {
        "business_interruption": {"sublimit": 2e6, "retention": 2e4, "waiting_period_hours": 8},
        "data_restoration": {"sublimit": 1e6, "retention": 1e4},
        "cyber_extortion": {"sublimit": 5e5, "retention": 1e4},
        "incident_response": {"sublimit": 5e5, "retention": 1e4},
        "privacy_liability": {"sublimit": 2e6, "retention": 5e4, "each_claim_limit": 1e6},
    },
    aggregate=3e6,
)


@pytest.mark.parametrize("event_type", list(mixed_model().event_types), ids=lambda et: et.event_type.value)
def test_explicit_severities_are_prefix_stable(event_type: Any) -> None:
    severity = event_type.severity
    assert isinstance(severity, IndependentSeverity)
    assert_prefix_stable(severity)
    assert_prefix_stable(severity.scaled(0.7))


def per_type_gross(model: RiskModel, seed: int, years: int = 70_000) -> dict[EventType, tuple[float, float]]:
    r = simulate(model, POLICY, years, seed)
    return {et: (r.by_event_type[et][0], r.frequency[et]) for et in r.by_event_type}


@pytest.mark.parametrize(
    "factor",
    [Factor("ddos_protection", DOS, frequency=0.4), Factor("ddos_protection", DOS, severity=0.6)],
    ids=["frequency", "severity"],
)
def test_a_dos_only_factor_changes_no_other_event_types_losses(factor: Factor) -> None:
    model = mixed_model()
    before, after = per_type_gross(model, 3), per_type_gross(model.adjusted([factor]), 3)
    assert after[DOS] != before[DOS]
    assert {et: v for et, v in after.items() if et is not DOS} == {et: v for et, v in before.items() if et is not DOS}


def test_a_dos_only_factor_leaves_the_assessed_sme_other_types_alone() -> None:
    model = load_risk_model(EXAMPLES / "orgs" / "sme-manufacturer.yaml")
    sme_policy = load_model(Policy, EXAMPLES / "policies" / "sme-standalone-cny.yaml")
    adjusted = model.adjusted([Factor("ddos_protection", DOS, frequency=0.5, severity=0.5)])
    a, b = simulate(model, sme_policy, 100_000, 1), simulate(adjusted, sme_policy, 100_000, 1)
    for et in a.by_event_type:
        if et is not DOS:
            assert (a.by_event_type[et][0], a.frequency[et]) == (b.by_event_type[et][0], b.frequency[et])


@pytest.mark.parametrize("event_type", [RW, PIB], ids=["negbin", "poisson"])
def test_halving_a_frequency_never_raises_any_years_loss(event_type: EventType) -> None:
    model = mixed_model()
    halved = model.adjusted([Factor("control", event_type, frequency=0.5)])
    a, b = simulate(model, POLICY, 50_000, 7), simulate(halved, POLICY, 50_000, 7)
    assert (b.ylt.gross <= a.ylt.gross).all()
    assert (b.ylt.gross_largest <= a.ylt.gross_largest).all()
    assert b.ylt.gross.sum() < a.ylt.gross.sum()
    # what the policy pays per year is a monotone function of the year's events too (caps of sums)
    assert (b.ylt.insured <= a.ylt.insured * (1 + 1e-12) + 1e-6).all()


def test_a_controls_loss_drop_has_one_sign_on_every_seed() -> None:
    model = mixed_model()
    control = [Factor("edr", RW, frequency=0.85, severity=0.95), Factor("edr", PIB, frequency=0.9)]
    for seed in range(1, 6):
        a, b = simulate(model, POLICY, 20_000, seed), simulate(model.adjusted(control), POLICY, 20_000, seed)
        drop = a.ylt.gross - b.ylt.gross
        assert (drop >= 0).all() and drop.sum() > 0, seed
        assert b.insured().aal < a.insured().aal, seed


def test_reordering_event_types_changes_nothing() -> None:
    model = mixed_model()
    backwards = RiskModel(model.currency, tuple(reversed(model.event_types)))
    a, b = simulate(model, POLICY, 40_000, 2), simulate(backwards, POLICY, 40_000, 2)
    np.testing.assert_array_equal(a.ylt.gross, b.ylt.gross)
    np.testing.assert_allclose(a.ylt.insured, b.ylt.insured, rtol=1e-12)
    assert a.by_event_type == {et: b.by_event_type[et] for et in a.by_event_type}


def test_every_candidate_control_lowers_every_year_of_the_assessed_sme() -> None:
    """The assessed model's severities are prefix-stable too, so a control that only lowers factors (every
    candidate the SME lacks) lowers the gross loss of every simulated year, on any seed."""
    from cyberins.assess import candidate_controls, load_profile, model_with

    profile = load_profile(EXAMPLES / "orgs" / "sme-manufacturer.yaml")
    with_controls = model_with(profile)
    base = with_controls(frozenset())
    for et in base.event_types:
        assert_prefix_stable(et.severity)
    for candidate in candidate_controls(profile):
        after = with_controls(frozenset({candidate.control_id}))
        for seed in (1, 2):
            a, b = simulate(base, None, 30_000, seed), simulate(after, None, 30_000, seed)
            assert (b.ylt.gross <= a.ylt.gross * (1 + 1e-12)).all(), (candidate.control_id, seed)

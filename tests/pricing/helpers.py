"""Builders for small explicit models, policies and simulation results in the pricing tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from cyberins.model.ids import Coverage, EventType
from cyberins.model.loading import parse_model
from cyberins.model.policy import Policy
from cyberins.pricing import ModelWith, PricingBasis, default_basis
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.model import Factor, RiskModel
from cyberins.quant.simulate import SimulationResult, YearLossTable

IR = Coverage.INCIDENT_RESPONSE
DR = Coverage.DATA_RESTORATION
PRIVACY = Coverage.PRIVACY_LIABILITY


def explicit(event_types: dict[str, Any], currency: str = "CNY") -> RiskModel:
    data = {"kind": "explicit", "currency": currency, "event_types": event_types}
    return parse_model(ExplicitModelFile, data).to_model()


def fixed(value: float) -> dict[str, Any]:
    return {"dist": "fixed", "value": value}


def poisson(lam: float) -> dict[str, Any]:
    return {"dist": "poisson", "lam": lam}


def policy(
    coverages: dict[str, dict[str, Any]], aggregate: float | Decimal = 10_000_000, currency: str = "CNY"
) -> Policy:
    return Policy.model_validate(
        {
            "currency": currency,
            "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "aggregate_limit": aggregate,
            "coverages": coverages,
        }
    )


def lognormal_model() -> RiskModel:
    """A small continuous model: two event types, three coverages, heavy-ish tails."""
    return explicit(
        {
            "ransomware": {
                "frequency": poisson(0.4),
                "losses": {
                    "data_restoration": {"dist": "lognormal", "ci90": [20_000, 800_000]},
                    "incident_response": {"dist": "lognormal", "ci90": [10_000, 300_000]},
                },
            },
            "personal_information_breach": {
                "frequency": poisson(0.3),
                "losses": {
                    "privacy_liability": {"dist": "lognormal", "ci90": [30_000, 2_000_000]},
                    "incident_response": {"dist": "gamma", "shape": 0.8, "scale": 80_000},
                },
            },
        }
    )


def sme_policy(aggregate: float = 2_000_000) -> Policy:
    return policy(
        {
            "data_restoration": {"sublimit": 1_000_000, "retention": 10_000},
            "incident_response": {"sublimit": 500_000, "retention": 10_000},
            "privacy_liability": {"sublimit": 1_000_000, "each_claim_limit": 500_000, "retention": 20_000},
        },
        aggregate=aggregate,
    )


def result_from(
    insured: list[float] | np.ndarray,
    by_coverage: dict[Coverage, float],
    gross: list[float] | np.ndarray | None = None,
    currency: str = "CNY",
) -> SimulationResult:
    """A `SimulationResult` with the given insured annual losses (largest event = the annual total)."""
    ins = np.asarray(insured, dtype=np.float64)
    gro = ins if gross is None else np.asarray(gross, dtype=np.float64)
    return SimulationResult(
        years=len(ins),
        seed=0,
        currency=currency,
        ylt=YearLossTable(gro, ins, gro, ins),
        by_coverage={c: (v, v) for c, v in by_coverage.items()},
        by_event_type={},
        frequency={},
        money_only_time_element=(),
        has_policy=True,
    )


def factor_model(base: RiskModel, effects: dict[str, list[Factor]]) -> ModelWith:
    """`model_with` for tests: each control id applies its factors to `base`."""

    def model_with(controls: frozenset[str]) -> RiskModel:
        factors = [f for c in sorted(controls) for f in effects[c]]
        return base.adjusted(factors) if factors else base

    return model_with


RANSOMWARE = EventType.RANSOMWARE
BREACH = EventType.PERSONAL_INFORMATION_BREACH


def standalone_basis() -> PricingBasis:
    """The default basis charging a policy's whole stand-alone capital (d = 1), for hand arithmetic."""
    return default_basis().with_overrides(diversification=1, reason="stand-alone capital for a hand-computed test")

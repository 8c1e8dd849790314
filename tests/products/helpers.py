"""Builders of small product files (as dicts) over explicit models with fixed severities."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from cyberins.products import Product, parse_product
from tests.conftest import EXAMPLES

PRODUCTS = EXAMPLES / "products"


def fixed_model(lam: float, amount: float, event_type: str = "ransomware", coverage: str = "incident_response") -> dict:
    """An explicit model: Poisson(lam) events a year, each losing exactly `amount` on one coverage."""
    return {
        "kind": "explicit",
        "currency": "CNY",
        "event_types": {
            event_type: {
                "frequency": {"dist": "poisson", "lam": lam},
                "losses": {coverage: {"dist": "fixed", "value": amount}},
            }
        },
    }


def policy_dict(sublimit: float = 10_000_000, retention: float = 0, aggregate: float = 10_000_000) -> dict[str, Any]:
    """A policy buying incident response only; by default nothing binds."""
    return {
        "currency": "CNY",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "aggregate_limit": aggregate,
        "coverages": {"incident_response": {"sublimit": sublimit, "retention": retention}},
    }


def bundle(services: list[dict[str, Any]], insured: dict[str, Any] | None = None, **policy: float) -> dict[str, Any]:
    return {
        "id": "test-bundle",
        "form": "service_bundle",
        "policy": policy_dict(**policy),
        "insured": {"model": fixed_model(0.4, 50_000)} if insured is None else insured,
        "services": services,
    }


def service(ident: str = "svc", cost: float = 1_000, **effects: Any) -> dict[str, Any]:
    return {"id": ident, "kind": "other", "provider": "security_service_provider", "annual_cost": cost, **effects}


def load(data: dict[str, Any], base: Path = PRODUCTS) -> Product:
    return parse_product(copy.deepcopy(data), base, "test")

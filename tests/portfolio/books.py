"""Small books for the portfolio tests, built from the example model and policy (examples/)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from cyberins.model.loading import read_document
from cyberins.portfolio.book import Book, parse_book

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MODEL = "../models/ransomware-fair-usd.yaml"
POLICY = "../policies/us-claims-made-usd.yaml"
#: Books' relative paths resolve from examples/portfolios/.
FOLDER = EXAMPLES / "portfolios"


def policy_data() -> dict[str, Any]:
    data = read_document(EXAMPLES / "policies" / "us-claims-made-usd.yaml")
    assert isinstance(data, dict)
    return data


def mixed() -> dict[str, Any]:
    data = read_document(FOLDER / "mixed-book.yaml")
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def outage_book(**scenario: Any) -> dict[str, Any]:
    """One line of `count` insureds depending on one cloud region, one outage scenario (BI by the hour)."""
    count = scenario.pop("count", 40)
    policy = scenario.pop("policy", POLICY)
    base = {
        "id": "outage",
        "family": "cloud_outage",
        "event_type": "system_failure",
        "dependency": "region",
        "rate": 0.5,
        "hit_probability": 1.0,
        "duration_hours": {"dist": "lognormal", "ci90": [4, 96]},
        "losses": {"business_interruption": "hours"},
    }
    base.update(scenario)
    return {
        "kind": "portfolio",
        "id": "outage-book",
        "currency": "USD",
        "dependencies": {"region": {"kind": "cloud_region"}},
        "policies": [
            {
                "id": "line",
                "count": count,
                "industry": "retail",
                "depends_on": ["region"],
                "exposure": {"bi_per_hour": 10000},
                "policy": policy,
            }
        ],
        "scenarios": [base],
    }


def book(data: dict[str, Any]) -> Book:
    return parse_book(data, FOLDER, "test-book")

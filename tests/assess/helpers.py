"""Builders shared by the assessor's tests: a minimal valid profile and the example files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cyberins.assess import OrganizationProfile
from cyberins.model.ids import EventType
from cyberins.quant.model import EventTypeModel, RiskModel

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ORGS = sorted((ROOT / "examples" / "orgs").glob("*.yaml"))


def profile_data(**fields: Any) -> dict[str, Any]:
    """A small CN manufacturer with nothing answered, updated with `fields`."""
    data: dict[str, Any] = {
        "name": "Test Manufacturer",
        "industry": "manufacturing",
        "annual_revenue": 30_000_000,
        "employees": 80,
        "gross_profit_margin": 0.2,
        "records": {"personal_information": 5_000},
    }
    data.update(fields)
    return data


def make_profile(**fields: Any) -> OrganizationProfile:
    return OrganizationProfile.model_validate(profile_data(**fields))


def event_type(model: RiskModel, et: EventType) -> EventTypeModel:
    return next(m for m in model.event_types if m.event_type is et)


def frequencies(model: RiskModel) -> dict[EventType, float]:
    return {m.event_type: m.frequency.mean() for m in model.event_types}

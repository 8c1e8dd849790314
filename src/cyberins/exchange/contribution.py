"""A loss-data contribution: what one insurer, assessor or responder shares with a pool (contract (f)).

`{"format": "cyberins-loss-contribution", "version": 1, "contributor", "records": [...]}`, one record per
incident with its direct identifiers (`record_id`, `insured_name`), exact revenue and dates: these never leave
`pool.pool` (docs/pooling.md). Every field is checked here so a bad one exits 2 naming it
(`records[3].region`).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from cyberins.catalog import Label, Provenance, Source, get_catalog
from cyberins.model.base import Frozen
from cyberins.model.ids import Coverage, EventType
from cyberins.model.loading import parse_model, read_packaged
from cyberins.model.money import Amount, Currency, to_minor

#: An ISO 3166-2 subdivision code: the country, a hyphen, one to three letters or digits (`CN-ZJ`).
ISO_3166_2 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
#: A cause is a snake_case id (`phishing`, `unpatched_vulnerability`): free text could name the insured.
Cause = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Area(Frozen):
    label: Label


class Regions(Frozen):
    """`exchange/data/regions.yaml`: each ISO 3166-2:CN code's area (华北, 华东, …)."""

    version: str
    sources: list[Source]
    areas: dict[str, Area]
    provenance: Provenance
    provinces: dict[str, str]

    @model_validator(mode="after")
    def _known_areas(self) -> Regions:
        unknown = sorted({a for a in self.provinces.values() if a not in self.areas})
        if unknown:
            raise ValueError(f"provinces name unknown areas: {', '.join(unknown)}")
        return self


@cache
def load_regions() -> Regions:
    """The packaged region hierarchy (`exchange/data/regions.yaml`)."""
    path = resources.files("cyberins.exchange").joinpath("data", "regions.yaml")
    return parse_model(Regions, read_packaged(path), "cyberins/exchange/data/regions.yaml")


class LossRecord(Frozen):
    """One incident's loss as contributed: costs by coverage in `currency`, at its minor unit."""

    record_id: NonEmpty
    insured_name: NonEmpty
    event_type: EventType
    industry: str
    annual_revenue: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
    currency: Currency
    region: str
    occurred_on: date
    reported_on: date
    cause: Cause
    costs: dict[Coverage, Amount] = Field(min_length=1)

    @field_validator("industry")
    @classmethod
    def _catalog_industry(cls, value: str) -> str:
        known = get_catalog().industries
        if value not in known:
            raise ValueError(f"unknown industry {value!r}; use a catalog id: {', '.join(known)}")
        return value

    @field_validator("region")
    @classmethod
    def _subdivision(cls, value: str) -> str:
        if not ISO_3166_2.match(value):
            raise ValueError(f"{value!r} is not an ISO 3166-2 subdivision code such as CN-ZJ")
        if value.startswith("CN-") and value not in load_regions().provinces:
            raise ValueError(f"{value!r} is not an ISO 3166-2:CN provincial-level code")
        return value

    @field_validator("reported_on")
    @classmethod
    def _after_occurrence(cls, value: date, info: ValidationInfo) -> date:
        occurred = info.data.get("occurred_on")
        if occurred is not None and value < occurred:
            raise ValueError(f"{value.isoformat()} is before occurred_on {occurred.isoformat()}")
        return value

    @model_validator(mode="after")
    def _minor_unit(self) -> LossRecord:
        finer = [f"costs.{c.value}: {a}" for c, a in self.costs.items() if a != to_minor(a, self.currency)]
        if finer:
            raise ValueError(f"finer than the {self.currency} minor unit: {', '.join(finer)}")
        return self


class Contribution(Frozen):
    format: Literal["cyberins-loss-contribution"]
    version: Literal[1]
    contributor: NonEmpty
    records: list[LossRecord]

    @field_validator("records")
    @classmethod
    def _unique_ids(cls, records: list[LossRecord]) -> list[LossRecord]:
        repeated = sorted(i for i, n in Counter(r.record_id for r in records).items() if n > 1)
        if repeated:
            raise ValueError(f"record_id given twice: {', '.join(repeated[:5])}")
        return records

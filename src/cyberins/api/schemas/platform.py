"""Bodies of the audit check, the marketplace and background jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field

from cyberins.api.schemas.common import In, MoneyIn, MoneyText, Out, Version
from cyberins.api.schemas.underwriting import Currency


class ChainStatePublic(Out):
    chain: str
    entries: int
    head_hash: str


class DiscrepancyPublic(Out):
    kind: Annotated[str, Field(examples=["edited", "unaudited", "deleted", "chain_break", "head_mismatch"])]
    entity_type: str
    entity_id: str
    detail: str


class AuditReportPublic(Out):
    """Your organization's chain and the rows it owns, each discrepancy named; nothing of other tenants."""

    ok: bool
    entries: int
    entities: int
    chains: list[ChainStatePublic]
    discrepancies: list[DiscrepancyPublic]


class ServiceCreate(In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    category: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60, examples=["incident_response"])]
    description: Annotated[str, Field(max_length=4000)] = ""
    price: MoneyIn | None = None
    currency: Currency | None = None
    controls: Annotated[
        list[Annotated[str, Field(max_length=60)]],
        Field(max_length=30, description="Questionnaire control ids the service puts in place at a subscriber"),
    ] = []


class ServicePublic(Out):
    money_fields: ClassVar[tuple[str, ...]] = ("price",)

    id: str
    provider_org_id: str
    name: str
    category: str
    description: str
    price: MoneyText | None
    currency: str | None
    controls: list[str]
    created_at: datetime


class SubscriptionCreate(In):
    insured_org_id: Annotated[
        str | None, Field(max_length=32, description="The insured to subscribe; left out, your own organization")
    ] = None


class SubscriptionEnd(In):
    version: Version = None


class SubscriptionPublic(Out):
    id: str
    insured_org_id: str
    service_id: str
    active_from: datetime
    active_to: datetime | None
    state: str
    version: int


class JobPublic(Out):
    id: str
    status: str
    result: Any = None
    error: str | None = None


class StatusPublic(BaseModel):
    status: str


class VersionPublic(BaseModel):
    version: str
    schema_revision: str

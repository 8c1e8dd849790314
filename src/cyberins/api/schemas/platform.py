"""Bodies of the audit check, the marketplace and background jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field

from cyberins.api.schemas.common import In, MoneyIn, MoneyText, Out
from cyberins.api.schemas.underwriting import Currency


class ChainReportPublic(Out):
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None
    problem: str | None


class ServiceCreate(In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    category: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60, examples=["incident_response"])]
    description: Annotated[str, Field(max_length=4000)] = ""
    price: MoneyIn | None = None
    currency: Currency | None = None


class ServicePublic(Out):
    money_fields: ClassVar[tuple[str, ...]] = ("price",)

    id: str
    provider_org_id: str
    name: str
    category: str
    description: str
    price: MoneyText | None
    currency: str | None
    created_at: datetime


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

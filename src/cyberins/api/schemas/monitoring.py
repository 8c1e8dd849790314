"""Bodies of in-policy monitoring: an insured's stored alerts and their lifecycle (issue 18 §3–§4)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import PurePath
from typing import Annotated, Any

from pydantic import Field, field_validator

from cyberins.api.schemas.common import In, Out


class AlertPublic(Out):
    """A stored alert: the contract §2 alert (`payload`) with its lifecycle state."""

    id: Annotated[str, Field(examples=["alert-5ea8f989c125a9752c91eb0a"])]
    insured_org_id: str
    policy_id: str | None
    cve: Annotated[str, Field(examples=["CVE-2021-44228"])]
    match: Annotated[str, Field(examples=["confirmed"])]
    priority: Annotated[int, Field(ge=1, le=5)]
    state: Annotated[str, Field(examples=["open", "acknowledged", "remediated", "verified", "risk_accepted"])]
    opened_at: datetime
    due_by: date | None
    matched_now: bool
    risk_reason: str | None
    risk_expires: date | None
    notified_at: Annotated[datetime | None, Field(description="First delivery of its notice; null until then.")]
    remediated_at: Annotated[datetime | None, Field(description="When the fix was reported.")]
    reopened_at: Annotated[datetime | None, Field(description="When its vulnerability was seen back.")]
    payload: dict[str, Any]


class AcceptRiskIn(In):
    reason: Annotated[str, Field(min_length=1, max_length=2000, description="Why the risk is accepted.")]
    expires: Annotated[date, Field(description="Until when (after today).")]


class ScanIn(In):
    """A scan on the platform: the inventory's rows (the contract's JSON inventory format), or none to scan the
    stored inventory again (after a feed update, say)."""

    assets: Annotated[
        list[dict[str, Any]] | None,
        Field(max_length=100_000, description="Rows: hostname, ip, vendor, product, version, cpe, role, "
              "internet_facing (boolean), optional criticality and part; omitted: the stored inventory."),
    ] = None  # fmt: skip


class ScanPublic(Out):
    """The scan (contract §2's JSON object) with what it changed in the store."""

    insured: str
    policy_id: str | None
    opened: list[str]
    verified: list[str]
    reopened: list[str]
    snapshot: dict[str, Any]
    assets: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    exposure: dict[str, Any]
    effect: dict[str, Any] | None


class FeedLoadPublic(Out):
    """One load of one feed file: its provenance and what it changed."""

    file: Annotated[str, Field(description="The file's name (the server's folder is not shown).")]
    sha256: str
    snapshot_date: date
    records: int
    added: int
    updated: int
    unchanged: int
    loaded_at: datetime

    @field_validator("file", mode="before")
    @classmethod
    def _name_only(cls, file: str) -> str:
        return PurePath(file).name


class FeedSourcePublic(Out):
    source: Annotated[str, Field(examples=["kev", "epss", "nvd", "attack"])]
    records: Annotated[int, Field(description="Records the store holds for the source.")]
    loads: list[FeedLoadPublic]

"""Bodies of in-policy monitoring: an insured's stored alerts and their lifecycle (issue 18 §3–§4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field

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
    payload: dict[str, Any]


class AcceptRiskIn(In):
    reason: Annotated[str, Field(min_length=1, max_length=2000, description="Why the risk is accepted.")]
    expires: Annotated[date, Field(description="Until when (after today).")]

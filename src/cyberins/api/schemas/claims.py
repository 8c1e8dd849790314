"""Bodies of incidents (claims) and payments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, Field

from cyberins.api.schemas.common import In, MomentIn, MoneyIn, MoneyText, Out, Version
from cyberins.api.schemas.documents import LEFT_TO_RIGHT, IncidentDocuments, Legacy, sent_as
from cyberins.api.schemas.underwriting import Currency
from cyberins.model.vocab import IncidentState

#: Incident findings as `cyberins claim adjust` reads them (`cyberins.model.incident.Incident`); the policy is
#: the bound one, and the policy number and the moments default to the stored ones.
Findings = Annotated[
    dict[str, Any],
    sent_as(
        "Incident",
        "Incident findings (`cyberins claim adjust` reads the same); the moments default to the "
        "incident's, and problems name the field under `findings.`.",
    ),
]


class IncidentCreate(In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "policy_id": "7f1e…",
                    "summary": "Ransomware on the ERP servers",
                    "occurred_at": "2026-08-10T23:40:00+08:00",
                    "discovered_at": "2026-08-11T07:15:00+08:00",
                    "details": {"event_types": ["ransomware"]},
                }
            ]
        },  # fmt: skip
    )
    policy_id: str
    summary: Annotated[str, Field(min_length=1, max_length=2000)]
    occurred_at: MomentIn
    discovered_at: MomentIn
    details: dict[str, Any] = Field(default_factory=dict)


class IncidentPublic(Out):
    money_fields: ClassVar[tuple[str, ...]] = ("settled_amount", "paid_amount")

    id: str
    policy_id: str
    insured_org_id: str
    insurer_org_id: str
    broker_org_id: str | None
    responder_org_id: str | None
    state: IncidentState
    summary: str
    occurred_at: datetime
    discovered_at: datetime
    reported_at: datetime
    documents: Annotated[IncidentDocuments | Legacy, LEFT_TO_RIGHT]
    currency: str
    settled_amount: MoneyText | None
    paid_amount: MoneyText
    version: int
    created_at: datetime
    updated_at: datetime


class IncidentAssign(In):
    responder_org_id: str
    version: Version = None


class ForensicsSubmit(In):
    findings: Findings = Field(examples=[{"root_cause": {"kind": "phishing"}, "event_types": ["ransomware"]}])
    version: Version = None


class ClaimFindings(In):
    """The incident findings a claims step reads (`cyberins.model.incident.Incident`, as `cyberins claim adjust`
    does); left out, the step reads those the step before used."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "findings": {
                        "event_types": ["ransomware"],
                        "root_cause": {"kind": "phishing"},
                        "costs": [{"category": "forensics", "amount": "68000", "insurer_consent": True}],
                    },
                    "version": 4,
                }
            ]
        },  # fmt: skip
    )
    findings: Findings | None = None
    version: Version = None


class ClaimClose(In):
    reason: Annotated[str, Field(max_length=1000)] = ""
    version: Version = None


class ClaimReopen(In):
    reason: Annotated[str, Field(min_length=1, max_length=1000)]
    version: Version = None


class PaymentCreate(In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"incident_id": "3c2d…", "amount": "100000.00", "currency": "CNY"}]},
    )
    incident_id: str
    amount: MoneyIn
    currency: Currency


class PaymentPublic(Out):
    """A payment as its parties see it: who paid is the insurer (`insurer_org_id`); the paying user stays in the
    insurer's audit log, so no other party learns an internal user id it could name in a forged token."""

    money_fields: ClassVar[tuple[str, ...]] = ("amount",)

    id: str
    incident_id: str
    insurer_org_id: str
    insured_org_id: str
    amount: MoneyText
    currency: str
    created_at: datetime


class ReserveSet(In):
    """A claims handler's case reserve: `reserve_amount` with its `reserve_reason`, or no amount for the claims
    engine's estimate from the latest findings."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"reserve_amount": "250000.00", "reserve_reason": "ransomware on the ERP; forensics under way"},
                {"reserve_reason": "estimate from the responder's findings"},
            ]
        },
    )
    reserve_amount: MoneyIn | None = None
    reserve_reason: Annotated[str, Field(max_length=1000)] = ""
    version: Version = None


class CaseReservePublic(Out):
    """One setting of the case reserve: amount, basis (estimate, handler, adjusted, nil), reason, who, when."""

    money_fields: ClassVar[tuple[str, ...]] = ("amount",)

    id: str
    seq: int
    amount: MoneyText
    currency: str
    basis: str
    reason: str
    detail: dict[str, Any]
    set_by: str
    set_at: datetime


class ReservesPublic(Out):
    """A claim's case reserve now (the last setting, 0 before any), what was paid, incurred = paid + reserve,
    and every setting, oldest first."""

    money_fields: ClassVar[tuple[str, ...]] = ("case_reserve", "paid", "incurred")

    incident_id: str
    currency: str
    case_reserve: MoneyText
    paid: MoneyText
    incurred: MoneyText
    history: list[CaseReservePublic]

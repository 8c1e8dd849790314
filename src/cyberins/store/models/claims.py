"""Claims: an incident reported under a policy, and the payments made on it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cyberins.model.vocab import IncidentState
from cyberins.store.base import Base, Timestamps, one_of, utcnow
from cyberins.store.types import Document, Money, UtcDateTime, new_id


class Incident(Timestamps, Base):
    """An incident and its claim. The parties are copied from the policy so access checks need no join."""

    __tablename__ = "incidents"
    __table_args__ = (CheckConstraint(one_of("state", IncidentState), name="state"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    policy_id: Mapped[str] = mapped_column(ForeignKey("policies.id"), index=True)
    insured_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    insurer_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    broker_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    responder_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    summary: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    discovered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Report, forensic findings, decision, adjustment, settlement and reopen notes, each under its own key.
    documents: Mapped[dict[str, Any]] = mapped_column(Document)
    currency: Mapped[str] = mapped_column(String(3))
    settled_amount: Mapped[Decimal | None] = mapped_column(Money())
    paid_amount: Mapped[Decimal] = mapped_column(Money())
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


class Payment(Base):
    """Money paid on a settled claim. `(insurer_org_id, idempotency_key)` is unique: a retry never pays twice."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("insurer_org_id", "idempotency_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    insurer_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    insured_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    broker_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    paid_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CaseReserveRecord(Base):
    """One setting of a claim's case reserve. Never updated: each change is a new row with the next `seq`, so
    the history says who reserved what, when and on what basis; the claim's reserve is its last row. The parties
    are copied from the incident so a tenant's dump needs no join."""

    __tablename__ = "case_reserves"
    __table_args__ = (UniqueConstraint("incident_id", "seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    insurer_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    insured_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    broker_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    #: `reserving.ReserveBasis`: estimate, handler, adjusted or nil.
    basis: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    #: What the amount rests on: the estimate's lines and expected payable, or the state that set it.
    detail: Mapped[dict[str, Any]] = mapped_column(Document)
    set_by: Mapped[str] = mapped_column(String(80))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())

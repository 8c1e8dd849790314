"""Underwriting aggregates: submissions and the policies bound from them. Both carry a `version` (optimistic lock)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cyberins.model.vocab import PolicyState, SubmissionState
from cyberins.store.base import Base, Timestamps, one_of
from cyberins.store.types import Document, Money, new_id


class Submission(Timestamps, Base):
    """An insured's (or its broker's) request for cover: a profile document moving towards a bound policy."""

    __tablename__ = "submissions"
    __table_args__ = (CheckConstraint(one_of("state", SubmissionState), name="state"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    insured_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    insurer_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    broker_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    profile: Mapped[dict[str, Any]] = mapped_column(Document)
    #: The assessment engine's summary and its seed, once assessed.
    assessment: Mapped[dict[str, Any] | None] = mapped_column(Document)
    #: The pricing engine's quote (premium, currency, options), once quoted.
    quote: Mapped[dict[str, Any] | None] = mapped_column(Document)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


class PolicyRecord(Timestamps, Base):
    """A bound policy: its wording (`cyberins.model.policy.Policy` as JSON), premium and parties."""

    __tablename__ = "policies"
    __table_args__ = (
        CheckConstraint(one_of("state", PolicyState), name="state"),
        # numbers are the insurer's own series: another insurer's number is neither taken nor revealed
        UniqueConstraint("insurer_org_id", "policy_number"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    policy_number: Mapped[str] = mapped_column(String(80))
    insured_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    insurer_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    broker_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"))
    renewal_of_id: Mapped[str | None] = mapped_column(ForeignKey("policies.id"))
    state: Mapped[str] = mapped_column(String(20), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    premium: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    return_premium: Mapped[Decimal | None] = mapped_column(Money())
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}

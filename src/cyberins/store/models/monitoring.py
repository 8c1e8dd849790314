"""In-policy monitoring: each insured's stored asset inventory and the alerts a scan of it raised."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberins.store.base import Base, utcnow
from cyberins.store.types import Document, UtcDateTime, new_id


class AssetRecord(Base):
    """One row (one component of one host) of an insured's current inventory; a new scan replaces them all."""

    __tablename__ = "asset_rows"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    insured_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    hostname: Mapped[str] = mapped_column(String(255))
    ip: Mapped[str] = mapped_column(String(64))
    cpe: Mapped[str] = mapped_column(String(400))
    role: Mapped[str] = mapped_column(String(40))
    internet_facing: Mapped[bool] = mapped_column(Boolean)
    criticality: Mapped[str] = mapped_column(String(10))
    #: the whole row as read (vendor, product, version, part, where), to rebuild the inventory
    row: Mapped[dict[str, Any]] = mapped_column(Document)
    source: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AlertRecord(Base):
    """One alert of one insured: id = the engine's stable alert id (insured, host, CPE, CVE), so a re-scan after a
    feed update finds the same row and the alert keeps its state. State changes are audited (`alert`)."""

    __tablename__ = "monitoring_alerts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    insured_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    policy_id: Mapped[str | None] = mapped_column(ForeignKey("policies.id"))
    cve: Mapped[str] = mapped_column(String(40), index=True)
    match: Mapped[str] = mapped_column(String(10))
    priority: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(Document)
    state: Mapped[str] = mapped_column(String(20), index=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_by: Mapped[date | None] = mapped_column(Date)
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: whether the last scan still matched it
    matched_now: Mapped[bool] = mapped_column(Boolean, default=True)
    risk_reason: Mapped[str | None] = mapped_column(Text)
    risk_expires: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    #: when the fix was reported (cleared if the vulnerability comes back): the claims evidence
    remediated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: when a verified alert's vulnerability was seen again and the alert re-opened (None if never)
    reopened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class NotificationRecord(Base):
    """One delivery of one alert event (`opened`, `reopened`) on one channel (`webhook`, `email`). Written in the
    scan's transaction, so no alert goes unannounced; delivered after commit, each attempt counted and its error
    kept until a later run delivers it."""

    __tablename__ = "alert_notifications"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    alert_id: Mapped[str] = mapped_column(ForeignKey("monitoring_alerts.id"), index=True)
    insured_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)

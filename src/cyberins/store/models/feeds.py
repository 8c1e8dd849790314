"""Threat-intelligence feed records (KEV, EPSS, NVD, ATT&CK) with their provenance, and the loads that wrote them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cyberins.store.base import Base, utcnow
from cyberins.store.types import Document, UtcDateTime, new_id


class FeedLoad(Base):
    """One feed file loaded: which file (name, checksum, snapshot date), what it held and what changed.

    `added + updated + unchanged = records`. Audited (`feed_load`): the entry names who loaded what, when."""

    __tablename__ = "feed_loads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(16), index=True)
    file: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    snapshot_date: Mapped[date] = mapped_column(Date)
    #: the publisher's version where the file states one (KEV catalogVersion, EPSS model_version)
    version: Mapped[str | None] = mapped_column(String(40))
    records: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FeedRecord(Base):
    """The current version of one record of a source (a CVE's KEV entry, EPSS score or NVD record; an ATT&CK
    object by STIX id): the record as published, its content hash, and the file it last came from."""

    __tablename__ = "feed_records"
    __table_args__ = (Index("ix_feed_records_load_id", "load_id"),)

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: orders copies of one record from different files: NVD lastModified, else the file's snapshot date
    version: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(Document)
    file: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    snapshot_date: Mapped[date] = mapped_column(Date)
    load_id: Mapped[str] = mapped_column(ForeignKey("feed_loads.id"))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())

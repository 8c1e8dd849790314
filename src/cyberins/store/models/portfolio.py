"""The insurer's reinsurance programme: one row per version, never changed once written (history is kept)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cyberins.store.base import Base, utcnow
from cyberins.store.types import Document, UtcDateTime, new_id


class ReinsuranceProgramme(Base):
    """Version `version` of one insurer's programme in one currency: the treaties in inuring order and the cat
    bonds, as the portfolio contract's book writes them (`{"reinsurance": [...], "ils": [...]}`). A change adds
    the next version; the highest is the programme in force."""

    __tablename__ = "reinsurance_programmes"
    __table_args__ = (UniqueConstraint("insurer_org_id", "currency", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    insurer_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    #: who stored this version (`user:<id>`, `api_key:<id>`, `system`), as the audit entry names it
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

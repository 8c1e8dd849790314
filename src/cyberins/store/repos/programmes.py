"""Queries about the insurers' reinsurance programmes: the version in force and the history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberins.store.models import ReinsuranceProgramme


def current(session: Session, insurer_org_id: str, currency: str) -> ReinsuranceProgramme | None:
    """The programme in force: the highest version (None when none was ever stored)."""
    stmt = (
        select(ReinsuranceProgramme)
        .where(ReinsuranceProgramme.insurer_org_id == insurer_org_id, ReinsuranceProgramme.currency == currency)
        .order_by(ReinsuranceProgramme.version.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def history(session: Session, insurer_org_id: str, currency: str) -> list[ReinsuranceProgramme]:
    """Every version, the newest first."""
    stmt = (
        select(ReinsuranceProgramme)
        .where(ReinsuranceProgramme.insurer_org_id == insurer_org_id, ReinsuranceProgramme.currency == currency)
        .order_by(ReinsuranceProgramme.version.desc())
    )
    return list(session.scalars(stmt))


def add(session: Session, programme: ReinsuranceProgramme) -> ReinsuranceProgramme:
    session.add(programme)
    session.flush()
    return programme

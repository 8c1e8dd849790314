"""Queries about the insurers' reinsurance programmes: the version in force and the history."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cyberins.store.models import ReinsuranceProgramme


def _versions(insurer_org_id: str, currency: str) -> Select[ReinsuranceProgramme]:
    """The versions of one insurer's programme in one currency, the newest first."""
    return (
        select(ReinsuranceProgramme)
        .where(ReinsuranceProgramme.insurer_org_id == insurer_org_id, ReinsuranceProgramme.currency == currency)
        .order_by(ReinsuranceProgramme.version.desc())
    )


def current(session: Session, insurer_org_id: str, currency: str) -> ReinsuranceProgramme | None:
    """The programme in force: the highest version (None when none was ever stored)."""
    return session.scalars(_versions(insurer_org_id, currency).limit(1)).first()


def history(session: Session, insurer_org_id: str, currency: str) -> list[ReinsuranceProgramme]:
    """Every version, the newest first."""
    return list(session.scalars(_versions(insurer_org_id, currency)))


def add(session: Session, programme: ReinsuranceProgramme) -> ReinsuranceProgramme:
    session.add(programme)
    session.flush()
    return programme

"""The insurer's reinsurance programme, stored per currency and versioned (issue 19).

A programme is what a portfolio book writes under `reinsurance:` (treaties in inuring order) and `ils:` (cat
bonds analysed alongside), validated by the portfolio engine's own models (`portfolio.treaties`), so the
book view nets its losses with the same code as `cyberins portfolio run` and `stress`. Each change stores
the next version, audited in the same transaction; earlier versions stay readable (`history`).

Who: an insurer's admins and underwriters replace their own programme; whoever may read the book view
reads it. The contract's treaty schema has no field naming a reinsurer (its models refuse unknown keys), so
a reinsurer is shown no insurer's programme: like its book view, its own programme is empty.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy.orm import Session

from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.loading import parse_model
from cyberins.model.vocab import OrgKind
from cyberins.portfolio.treaties import CatBond, Treaty, programme_problems
from cyberins.services import audit
from cyberins.services.access import Action, Principal, require
from cyberins.services.common import known_currency
from cyberins.services.errors import Conflict
from cyberins.services.uow import unit_of_work
from cyberins.store.models import ReinsuranceProgramme
from cyberins.store.repos import programmes as repo

#: The audit log's entity type of a programme version.
ENTITY = "reinsurance_programme"


class Programme(Frozen):
    """A programme as a book writes it (contract portfolio.md §1): `reinsurance` in inuring order, `ils`."""

    reinsurance: list[Treaty] = Field(default_factory=list)
    ils: list[CatBond] = Field(default_factory=list)


def parse_programme(data: Any) -> Programme:
    """Validate a programme; every problem names its field (`reinsurance[1].attachment`, `ils[0].id`)."""
    programme = parse_model(Programme, data)
    problems = programme_problems(programme.reinsurance, programme.ils)
    if problems:
        raise InvalidInput(problems)
    return programme


def stored(session: Session, insurer_org_id: str, currency: str) -> tuple[int, Programme]:
    """The programme in force and its version (0, empty: none is stored), for a caller that has checked access."""
    row = repo.current(session, insurer_org_id, currency)
    return (0, Programme()) if row is None else (row.version, Programme.model_validate(row.document))


def get_programme(session: Session, actor: Principal, currency: str) -> dict[str, Any]:
    """The caller's programme in `currency` (`api.schemas.portfolio.ProgrammePublic`); version 0: none stored."""
    require(actor, Action.VIEW_ACCUMULATION)
    known_currency(currency)
    row = repo.current(session, actor.org_id, currency) if actor.org_kind == OrgKind.INSURER else None
    return _public(actor.org_id, currency, row)


def programme_history(session: Session, actor: Principal, currency: str) -> list[dict[str, Any]]:
    """Every stored version of the caller's programme in `currency`, the newest first."""
    require(actor, Action.VIEW_ACCUMULATION)
    known_currency(currency)
    rows = repo.history(session, actor.org_id, currency) if actor.org_kind == OrgKind.INSURER else []
    return [_public(actor.org_id, currency, row) for row in rows]


def set_programme(
    session: Session,
    actor: Principal,
    currency: str,
    data: Any,
    *,
    expected_version: int | None = None,
    insurer_org_id: str | None = None,
) -> dict[str, Any]:
    """Replace the programme in `currency` by `data` as its next version. `expected_version` is the version
    the caller read (0: none stored); another answers 409. The system actor names the insurer."""
    require(actor, Action.MANAGE_PROGRAMME)
    insurer = insurer_org_id if actor.system and insurer_org_id else actor.org_id
    known_currency(currency)
    programme = parse_programme(data)
    with unit_of_work(session):
        now = repo.current(session, insurer, currency)
        version = now.version if now else 0
        if expected_version is not None and expected_version != version:
            raise Conflict(
                Said("api.error.stale_version", {"expected": expected_version, "current": version}),
                current_version=version,
            )
        row = ReinsuranceProgramme(
            insurer_org_id=insurer,
            currency=currency,
            version=version + 1,
            document=programme.model_dump(mode="json"),
            created_by=actor.actor,
        )
        repo.add(session, row)
        audit.record(session, actor, "programme.set", ENTITY, row.id, before=None, after=row)
    return _public(insurer, currency, row)


def _public(org_id: str, currency: str, row: ReinsuranceProgramme | None) -> dict[str, Any]:
    document = row.document if row else Programme().model_dump(mode="json")
    return {
        "org_id": org_id,
        "currency": currency,
        "version": row.version if row else 0,
        "reinsurance": document["reinsurance"],
        "ils": document["ils"],
        "created_at": row.created_at if row else None,
        "created_by": row.created_by if row else None,
    }

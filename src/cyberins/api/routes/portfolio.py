"""The insurer's book view: accumulation by dependency and exceedance curves, and the reinsurance programme
that nets them (portfolio, issue 19)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cyberins.api.deps import PrincipalDep, SessionDep
from cyberins.api.schemas.common import ERROR_RESPONSES
from cyberins.api.schemas.portfolio import AccumulationPublic, ProgrammeHistory, ProgrammePublic, ProgrammeUpdate
from cyberins.services import accumulation, programmes

router = APIRouter(responses=ERROR_RESPONSES)


@router.get("/portfolio/accumulation", response_model=AccumulationPublic, tags=["portfolio"])
def get_accumulation(
    session: SessionDep,
    principal: PrincipalDep,
    hours: Annotated[float, Query(gt=0, le=accumulation.MAX_HOURS, description="Each event's duration.")] = 24.0,
    currency: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$", description="Default: most policies'.")] = None,
    years: Annotated[
        int | None,
        Query(ge=accumulation.MIN_YEARS, le=accumulation.MAX_YEARS, description="Simulate the curves over N years."),
    ] = None,
    seed: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
) -> AccumulationPublic:
    """Accumulation of your active policies by dependency (insurers and reinsurers): for each shared service
    the insureds' profiles name, the policies that depend on it, their limits and the gross and net loss of
    its scenario lasting `hours` (a fresh policy year); with `years`, the gross and net exceedance curves of
    the book's simulated years (`seed`)."""
    doc = accumulation.accumulation(session, principal, hours=hours, currency=currency, years=years, seed=seed)
    return AccumulationPublic.model_validate(doc)


Currency = Annotated[str, Query(pattern=r"^[A-Z]{3}$", description="The programme's currency (one per currency).")]


@router.get("/portfolio/programme", response_model=ProgrammePublic, tags=["portfolio"])
def get_programme(session: SessionDep, principal: PrincipalDep, currency: Currency) -> ProgrammePublic:
    """Your reinsurance programme in force in `currency` (version 0 with no treaty: none stored). Whoever may
    read the book view reads it; a reinsurer has none (the contract's treaties name no reinsurer)."""
    return ProgrammePublic.model_validate(programmes.get_programme(session, principal, currency))


@router.put("/portfolio/programme", response_model=ProgrammePublic, tags=["portfolio"])
def put_programme(body: ProgrammeUpdate, session: SessionDep, principal: PrincipalDep) -> ProgrammePublic:
    """Replace your programme in `currency` (insurer admins and underwriters): the treaties and cat bonds as a
    portfolio book writes them, checked by the portfolio engine (a problem answers 422 naming the field, e.g.
    `reinsurance[1].attachment`). Stored as the next version, audited; `version` guards against a lost update."""
    data = {"reinsurance": body.reinsurance, "ils": body.ils}
    doc = programmes.set_programme(session, principal, body.currency, data, expected_version=body.version)
    return ProgrammePublic.model_validate(doc)


@router.get("/portfolio/programme/history", response_model=ProgrammeHistory, tags=["portfolio"])
def get_programme_history(session: SessionDep, principal: PrincipalDep, currency: Currency) -> ProgrammeHistory:
    """Every stored version of your programme in `currency`, the newest first."""
    return ProgrammeHistory(
        items=[ProgrammePublic.model_validate(v) for v in programmes.programme_history(session, principal, currency)]
    )

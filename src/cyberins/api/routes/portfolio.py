"""The insurer's book view: accumulation by dependency and exceedance curves (portfolio, issue 19)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cyberins.api.deps import PrincipalDep, SessionDep
from cyberins.api.schemas.common import ERROR_RESPONSES
from cyberins.api.schemas.portfolio import AccumulationPublic
from cyberins.services import accumulation

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

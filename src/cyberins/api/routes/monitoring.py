"""In-policy monitoring: an insured's stored alerts and their lifecycle (issue 18 §3–§4). The insured sees its
own alerts; the insurers and brokers of its policies may read and act; anyone else gets 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cyberins.api.deps import ClockDep, PrincipalDep, SessionDep
from cyberins.api.schemas.common import ERROR_RESPONSES
from cyberins.api.schemas.monitoring import AcceptRiskIn, AlertPublic
from cyberins.services import monitoring

router = APIRouter(responses=ERROR_RESPONSES, tags=["monitoring"])


@router.get("/insureds/{org_id}/alerts", response_model=list[AlertPublic])
def list_alerts(
    org_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    state: Annotated[str | None, Query(max_length=20, description="Only alerts in this state.")] = None,
) -> list[AlertPublic]:
    """The insured's stored alerts, highest priority first."""
    rows = monitoring.list_alerts(session, principal, org_id, state=state)
    return [AlertPublic.model_validate(r) for r in rows]


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertPublic)
def acknowledge(alert_id: str, session: SessionDep, principal: PrincipalDep, clock: ClockDep) -> AlertPublic:
    """open → acknowledged (409 from any other state)."""
    return AlertPublic.model_validate(monitoring.acknowledge(session, principal, alert_id, clock=clock))


@router.post("/alerts/{alert_id}/remediate", response_model=AlertPublic)
def remediate(alert_id: str, session: SessionDep, principal: PrincipalDep, clock: ClockDep) -> AlertPublic:
    """open or acknowledged → remediated; a later scan that no longer matches it verifies it."""
    return AlertPublic.model_validate(monitoring.remediate(session, principal, alert_id, clock=clock))


@router.post("/alerts/{alert_id}/accept-risk", response_model=AlertPublic)
def accept_risk(
    alert_id: str, body: AcceptRiskIn, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> AlertPublic:
    """open or acknowledged → risk_accepted, with a reason and an expiry after today."""
    return AlertPublic.model_validate(
        monitoring.accept_risk(session, principal, alert_id, body.reason, body.expires, clock=clock)
    )

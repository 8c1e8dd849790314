"""Incidents (claims) and payments. A payment answers once per `Idempotency-Key`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from cyberins.api.deps import ClockDep, IdempotencyKey, PrincipalDep, SessionDep
from cyberins.api.routes.common import Limit, Offset, replay_documented, replayable
from cyberins.api.schemas.claims import (
    ClaimClose,
    ClaimFindings,
    ClaimReopen,
    ForensicsSubmit,
    IncidentAssign,
    IncidentCreate,
    IncidentPublic,
    PaymentCreate,
    PaymentPublic,
    ReserveSet,
    ReservesPublic,
)
from cyberins.api.schemas.common import ERROR_RESPONSES, Page, page_of
from cyberins.model.vocab import IncidentState
from cyberins.services import adjusting, claims, idempotency, payments, reserves

router = APIRouter(responses=ERROR_RESPONSES)


@router.get("/incidents", response_model=Page[IncidentPublic], tags=["claims"])
def list_incidents(
    session: SessionDep,
    principal: PrincipalDep,
    state: IncidentState | None = None,
    policy_id: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, object]:
    page = claims.list_incidents(session, principal, state=state, policy_id=policy_id, limit=limit, offset=offset)
    return page_of(IncidentPublic, page)


@router.post("/incidents", response_model=IncidentPublic, status_code=201, tags=["claims"])
def report_incident(
    body: IncidentCreate, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> IncidentPublic:
    """Report an incident under a policy. A notice past the policy's reporting deadline is denied (`late_notice`)."""
    incident = claims.report_incident(
        session,
        principal,
        body.policy_id,
        body.summary,
        body.occurred_at,
        body.discovered_at,
        body.details,
        clock=clock,
    )
    return IncidentPublic.model_validate(incident)


@router.get("/incidents/{incident_id}", response_model=IncidentPublic, tags=["claims"])
def get_incident(incident_id: str, session: SessionDep, principal: PrincipalDep) -> IncidentPublic:
    return IncidentPublic.model_validate(claims.get_incident(session, principal, incident_id))


@router.post("/incidents/{incident_id}/assign", response_model=IncidentPublic, tags=["claims"])
def assign_responder(
    incident_id: str, body: IncidentAssign, session: SessionDep, principal: PrincipalDep
) -> IncidentPublic:
    incident = claims.assign_responder(
        session, principal, incident_id, body.responder_org_id, expected_version=body.version
    )
    return IncidentPublic.model_validate(incident)


@router.post("/incidents/{incident_id}/forensics", response_model=IncidentPublic, tags=["claims"])
def submit_forensics(
    incident_id: str, body: ForensicsSubmit, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> IncidentPublic:
    incident = claims.submit_forensics(
        session, principal, incident_id, body.findings, expected_version=body.version, clock=clock
    )
    return IncidentPublic.model_validate(incident)


@router.post("/incidents/{incident_id}/decide", response_model=IncidentPublic, tags=["claims"])
def decide_coverage(
    incident_id: str, body: ClaimFindings, session: SessionDep, principal: PrincipalDep
) -> IncidentPublic:
    """Decide cover (定责) from the findings with the claims engine; nothing covered denies the claim."""
    incident = adjusting.decide_coverage(session, principal, incident_id, body.findings, expected_version=body.version)
    return IncidentPublic.model_validate(incident)


@router.post("/incidents/{incident_id}/adjust", response_model=IncidentPublic, tags=["claims"])
def adjust_loss(incident_id: str, body: ClaimFindings, session: SessionDep, principal: PrincipalDep) -> IncidentPublic:
    """Quantify the loss (定损): the adjusted loss before any policy term, per coverage (rule 16)."""
    incident = adjusting.adjust_loss(session, principal, incident_id, body.findings, expected_version=body.version)
    return IncidentPublic.model_validate(incident)


@router.post(
    "/incidents/{incident_id}/settle",
    response_model=IncidentPublic,
    responses=replay_documented(200),
    tags=["claims"],
)
def settle_claim(
    incident_id: str, body: ClaimFindings, key: IdempotencyKey, session: SessionDep, principal: PrincipalDep
) -> JSONResponse:
    """Settle (理算) through the terms engine; what the policy already settled on its other claims erodes the
    sublimits and the aggregate (rule 11). Answers once per `Idempotency-Key`."""

    def run() -> tuple[int, dict[str, object]]:
        incident = adjusting.settle_claim(session, principal, incident_id, body.findings, expected_version=body.version)
        return 200, IncidentPublic.model_validate(incident).model_dump(mode="json")

    request = {"incident_id": incident_id, **body.model_dump(mode="json")}
    return replayable(idempotency.once(session, principal, key, "POST /incidents/{id}/settle", request, run))


@router.post("/incidents/{incident_id}/close", response_model=IncidentPublic, tags=["claims"])
def close_claim(incident_id: str, body: ClaimClose, session: SessionDep, principal: PrincipalDep) -> IncidentPublic:
    incident = claims.close_claim(session, principal, incident_id, body.reason, expected_version=body.version)
    return IncidentPublic.model_validate(incident)


@router.post("/incidents/{incident_id}/reopen", response_model=IncidentPublic, tags=["claims"])
def reopen_claim(
    incident_id: str, body: ClaimReopen, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> IncidentPublic:
    incident = claims.reopen_claim(
        session, principal, incident_id, body.reason, expected_version=body.version, clock=clock
    )
    return IncidentPublic.model_validate(incident)


def _reserves(r: reserves.Reserves) -> ReservesPublic:
    return ReservesPublic.model_validate(
        {
            "incident_id": r.incident.id, "currency": r.currency, "case_reserve": r.case_reserve, "paid": r.paid,
            "incurred": r.incurred, "history": list(r.history),
        }
    )  # fmt: skip


@router.get("/incidents/{incident_id}/reserves", response_model=ReservesPublic, tags=["claims"])
def get_reserves(incident_id: str, session: SessionDep, principal: PrincipalDep) -> ReservesPublic:
    """The claim's case reserve, paid and incurred, with every setting (the insurer's staff only)."""
    return _reserves(reserves.reserves_of(session, principal, incident_id))


@router.post("/incidents/{incident_id}/reserves", response_model=ReservesPublic, status_code=201, tags=["claims"])
def set_reserve(
    incident_id: str, body: ReserveSet, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> ReservesPublic:
    """Set the case reserve of a claim not yet adjusted: an amount with its reason, or (no amount) the claims
    engine's estimate from the latest findings. From adjustment on the reserve follows the payable still unpaid."""
    result = adjusting.set_case_reserve(
        session, principal, incident_id, body.reserve_amount, body.reserve_reason,
        expected_version=body.version, clock=clock,
    )  # fmt: skip
    return _reserves(result)


@router.get("/payments", response_model=Page[PaymentPublic], tags=["claims"])
def list_payments(
    session: SessionDep, principal: PrincipalDep, incident_id: str | None = None, limit: Limit = 50, offset: Offset = 0
) -> dict[str, object]:
    page = payments.list_payments(session, principal, incident_id=incident_id, limit=limit, offset=offset)
    return page_of(PaymentPublic, page)


@router.post(
    "/payments",
    response_model=PaymentPublic,
    status_code=201,
    responses=replay_documented(201),
    tags=["claims"],
)
def pay(body: PaymentCreate, key: IdempotencyKey, session: SessionDep, principal: PrincipalDep) -> JSONResponse:
    """Pay a settled claim. Retrying with the same key and body returns the first payment; nothing is paid twice."""

    def run() -> tuple[int, dict[str, object]]:
        payment, _ = payments.pay_claim(session, principal, body.incident_id, body.amount, body.currency, key)
        return 201, PaymentPublic.model_validate(payment).model_dump(mode="json")

    return replayable(idempotency.once(session, principal, key, "POST /payments", body.model_dump(mode="json"), run))


@router.get("/payments/{payment_id}", response_model=PaymentPublic, tags=["claims"])
def get_payment(payment_id: str, session: SessionDep, principal: PrincipalDep) -> PaymentPublic:
    return PaymentPublic.model_validate(payments.get_payment(session, principal, payment_id))

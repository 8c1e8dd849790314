"""The audit check, the services marketplace and background jobs."""

from __future__ import annotations

from fastapi import APIRouter, Response

from cyberins.api.deps import ClockDep, PrincipalDep, QueueDep, SessionDep, SettingsDep
from cyberins.api.routes.common import Limit, Offset
from cyberins.api.schemas.common import ERROR_RESPONSES, Page, page_of
from cyberins.api.schemas.platform import (
    AuditReportPublic,
    JobPublic,
    ServiceCreate,
    ServicePublic,
    SubscriptionCreate,
    SubscriptionEnd,
    SubscriptionPublic,
)
from cyberins.services import audit_check, jobs, marketplace

router = APIRouter(responses=ERROR_RESPONSES)


@router.get("/audit/verify", response_model=AuditReportPublic, tags=["audit"])
def verify_audit(session: SessionDep, principal: PrincipalDep) -> AuditReportPublic:
    """Recompute your organization's audit chain and reconcile the rows it owns (policies, submissions,
    incidents, payments, users, API keys ...) with their last entries; `ok` is false and `discrepancies`
    names each one (kind `edited`, `unaudited`, `deleted`, `chain_break` or `head_mismatch`)."""
    return AuditReportPublic.model_validate(audit_check.as_dict(audit_check.verify(session, principal)))


@router.get("/services", response_model=Page[ServicePublic], tags=["marketplace"])
def list_services(
    session: SessionDep,
    principal: PrincipalDep,
    category: str | None = None,
    provider_org_id: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, object]:
    page = marketplace.list_services(
        session, principal, category=category, provider_org_id=provider_org_id, limit=limit, offset=offset
    )
    return page_of(ServicePublic, page)


@router.post("/services", response_model=ServicePublic, status_code=201, tags=["marketplace"])
def publish_service(body: ServiceCreate, session: SessionDep, principal: PrincipalDep) -> ServicePublic:
    """Publish an offer of your organization (service providers only), with the questionnaire controls it puts
    in place at a subscriber (422 naming `controls[i]` for an unknown id)."""
    offer = marketplace.publish_service(
        session, principal, body.name, body.category, body.description, body.price, body.currency, body.controls
    )
    return ServicePublic.model_validate(offer)


@router.get("/services/{service_id}", response_model=ServicePublic, tags=["marketplace"])
def get_service(service_id: str, session: SessionDep, principal: PrincipalDep) -> ServicePublic:
    return ServicePublic.model_validate(marketplace.get_service(session, principal, service_id))


@router.post(
    "/services/{service_id}/subscriptions",
    response_model=SubscriptionPublic,
    status_code=201,
    responses={200: {"description": "The insured holds the service already: its open subscription"}},
    tags=["marketplace"],
)
def subscribe(
    service_id: str,
    body: SubscriptionCreate,
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    clock: ClockDep,
) -> SubscriptionPublic:
    """Activate the service for an insured from now on (yours, or one you broker or cover): its controls feed
    the insured's assessments and quotes. Activating a service it holds already answers the open one (200)."""
    sub, created = marketplace.subscribe(session, principal, service_id, body.insured_org_id, clock=clock)
    if not created:
        response.status_code = 200
    return SubscriptionPublic.model_validate(sub)


@router.get("/subscriptions", response_model=Page[SubscriptionPublic], tags=["marketplace"])
def list_subscriptions(
    session: SessionDep,
    principal: PrincipalDep,
    insured_org_id: str | None = None,
    service_id: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, object]:
    page = marketplace.list_subscriptions(
        session, principal, insured_org_id=insured_org_id, service_id=service_id, limit=limit, offset=offset
    )
    return page_of(SubscriptionPublic, page)


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionPublic, tags=["marketplace"])
def get_subscription(subscription_id: str, session: SessionDep, principal: PrincipalDep) -> SubscriptionPublic:
    return SubscriptionPublic.model_validate(marketplace.get_subscription(session, principal, subscription_id))


@router.post("/subscriptions/{subscription_id}/end", response_model=SubscriptionPublic, tags=["marketplace"])
def end_subscription(
    subscription_id: str, body: SubscriptionEnd, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> SubscriptionPublic:
    """End the subscription now: the service no longer feeds the insured's assessments and quotes."""
    sub = marketplace.end_subscription(session, principal, subscription_id, expected_version=body.version, clock=clock)
    return SubscriptionPublic.model_validate(sub)


@router.post("/jobs/revalidate-policies", response_model=JobPublic, status_code=202, tags=["jobs"])
def revalidate_policies(principal: PrincipalDep, queue: QueueDep, settings: SettingsDep) -> JobPublic:
    """Queue a re-validation of your active policies' wordings against the current policy model."""
    handle = jobs.start_revalidation(queue, settings.database_url, principal)
    return JobPublic.model_validate(handle, from_attributes=True)


@router.get("/jobs/{job_id}", response_model=JobPublic, tags=["jobs"])
def get_job(job_id: str, principal: PrincipalDep, queue: QueueDep) -> JobPublic:
    return JobPublic.model_validate(jobs.job_status(queue, principal, job_id), from_attributes=True)

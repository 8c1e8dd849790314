"""Queries about the lifecycle aggregates: submissions, policies, incidents, payments, marketplace offers and
subscriptions."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from cyberins.store.models import (
    CaseReserveRecord,
    Incident,
    Payment,
    PolicyRecord,
    ServiceOffer,
    ServiceSubscription,
    Submission,
)
from cyberins.store.repos.aggregates import Page, Repository

submissions = Repository(Submission)
policies = Repository(PolicyRecord)
incidents = Repository(Incident)
payments = Repository(Payment)
services = Repository(ServiceOffer)
subscriptions = Repository(ServiceSubscription)


def policy_by_number(session: Session, insurer_org_id: str, policy_number: str) -> PolicyRecord | None:
    """A policy of one insurer's book by its number (numbers are unique per insurer)."""
    stmt = select(PolicyRecord).where(
        PolicyRecord.insurer_org_id == insurer_org_id, PolicyRecord.policy_number == policy_number
    )
    return session.scalars(stmt).one_or_none()


def policies_in_state(session: Session, state: str, insurer_org_id: str | None = None) -> Iterator[PolicyRecord]:
    """Policies in `state` (of one insurer when given), oldest first, streamed in batches."""
    stmt = select(PolicyRecord).where(PolicyRecord.state == state).order_by(PolicyRecord.created_at, PolicyRecord.id)
    if insurer_org_id is not None:
        stmt = stmt.where(PolicyRecord.insurer_org_id == insurer_org_id)
    yield from session.scalars(stmt.execution_options(yield_per=200))


def incident_for_summary(session: Session, policy_id: str, summary: str) -> Incident | None:
    stmt = select(Incident).where(Incident.policy_id == policy_id, Incident.summary == summary)
    return session.scalars(stmt).first()


def incidents_of_policy(session: Session, policy_id: str) -> list[Incident]:
    """Every incident reported under a policy, oldest report first."""
    stmt = select(Incident).where(Incident.policy_id == policy_id).order_by(Incident.reported_at, Incident.id)
    return list(session.scalars(stmt))


def case_reserves_of(session: Session, incident_id: str) -> list[CaseReserveRecord]:
    """A claim's case reserve history, oldest first (its last row is the reserve now)."""
    stmt = select(CaseReserveRecord).where(CaseReserveRecord.incident_id == incident_id).order_by(CaseReserveRecord.seq)
    return list(session.scalars(stmt))


def services_of(session: Session, provider_org_id: str, name: str) -> ServiceOffer | None:
    stmt = select(ServiceOffer).where(ServiceOffer.provider_org_id == provider_org_id, ServiceOffer.name == name)
    return session.scalars(stmt).first()


def open_subscription(session: Session, insured_org_id: str, service_id: str) -> ServiceSubscription | None:
    """The subscription of an insured to a service that has not been ended, if any."""
    stmt = select(ServiceSubscription).where(
        ServiceSubscription.insured_org_id == insured_org_id,
        ServiceSubscription.service_id == service_id,
        ServiceSubscription.active_to.is_(None),
    )
    return session.scalars(stmt).first()


def subscriptions_page(
    session: Session,
    insured_org_ids: Collection[str] | None,
    filters: dict[str, str | None],
    *,
    limit: int,
    offset: int,
    provider_org_id: str | None = None,
) -> Page[ServiceSubscription]:
    """Subscriptions of the given insureds (all, for None) or, with `provider_org_id`, to that provider's offers;
    oldest first, with equality filters."""
    where = [getattr(ServiceSubscription, k) == v for k, v in filters.items() if v is not None]
    if provider_org_id is not None:
        offers = select(ServiceOffer.id).where(ServiceOffer.provider_org_id == provider_org_id)
        where.append(ServiceSubscription.service_id.in_(offers))
    elif insured_org_ids is not None:
        where.append(ServiceSubscription.insured_org_id.in_(list(insured_org_ids)))
    total = session.scalar(select(func.count()).select_from(ServiceSubscription).where(*where)) or 0
    stmt = (
        select(ServiceSubscription)
        .where(*where)
        .order_by(ServiceSubscription.created_at, ServiceSubscription.id)
        .limit(limit)
        .offset(offset)
    )
    return Page(list(session.scalars(stmt)), int(total), limit, offset)


def active_services(session: Session, insured_org_id: str, at: datetime) -> list[ServiceOffer]:
    """The offers an insured subscribes to at instant `at` (from `active_from`, until before `active_to`)."""
    stmt = (
        select(ServiceOffer)
        .join(ServiceSubscription, ServiceSubscription.service_id == ServiceOffer.id)
        .where(
            ServiceSubscription.insured_org_id == insured_org_id,
            ServiceSubscription.active_from <= at,
            or_(ServiceSubscription.active_to.is_(None), ServiceSubscription.active_to > at),
        )
        .order_by(ServiceOffer.name, ServiceOffer.id)
        .distinct()
    )
    return list(session.scalars(stmt))

"""Queries about the lifecycle aggregates: submissions, policies, incidents, payments, marketplace offers."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberins.store.models import Incident, Payment, PolicyRecord, ServiceOffer, Submission
from cyberins.store.repos.aggregates import Repository

submissions = Repository(Submission)
policies = Repository(PolicyRecord)
incidents = Repository(Incident)
payments = Repository(Payment)
services = Repository(ServiceOffer)


def policy_by_number(session: Session, policy_number: str) -> PolicyRecord | None:
    return session.scalars(select(PolicyRecord).where(PolicyRecord.policy_number == policy_number)).one_or_none()


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


def payments_of(session: Session, incident_id: str) -> list[Payment]:
    stmt = select(Payment).where(Payment.incident_id == incident_id).order_by(Payment.created_at)
    return list(session.scalars(stmt))


def services_of(session: Session, provider_org_id: str, name: str) -> ServiceOffer | None:
    stmt = select(ServiceOffer).where(ServiceOffer.provider_org_id == provider_org_id, ServiceOffer.name == name)
    return session.scalars(stmt).first()

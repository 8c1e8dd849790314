"""Queries about parties: organizations, users, API keys, relationships, and who is linked to whom."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import Session

from cyberins.store.models import (
    ApiKey,
    Incident,
    Organization,
    PolicyRecord,
    Relationship,
    ServiceOffer,
    ServiceSubscription,
    Submission,
    User,
)
from cyberins.store.repos.aggregates import Repository

organizations = Repository(Organization)
users = Repository(User)
api_keys = Repository(ApiKey)
relationships = Repository(Relationship)


def organization_named(session: Session, name: str, among: set[str] | None = None) -> Organization | None:
    """The organization of this name (any case), among the ids `among` when given."""
    stmt = select(Organization).where(func.lower(Organization.name) == name.lower())
    if among is not None:
        stmt = stmt.where(Organization.id.in_(among))
    return session.scalars(stmt).first()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.lower())).one_or_none()


def has_relationship(session: Session, kind: str, from_org_id: str, to_org_id: str) -> bool:
    stmt = select(Relationship.id).where(
        Relationship.kind == kind, Relationship.from_org_id == from_org_id, Relationship.to_org_id == to_org_id
    )
    return session.scalar(stmt) is not None


def linked_org_ids(session: Session, org_id: str) -> set[str]:
    """Organizations linked to `org_id` by a relationship, a submission, a policy, an incident or a subscription
    to a marketplace offer (the provider and its subscriber see each other's organization), and itself."""
    parts: list[Select[Any]] = [
        select(Relationship.to_org_id.label("org")).where(Relationship.from_org_id == org_id),
        select(Relationship.from_org_id.label("org")).where(Relationship.to_org_id == org_id),
    ]
    for model in (Submission, PolicyRecord, Incident):
        party = or_(model.insured_org_id == org_id, model.insurer_org_id == org_id, model.broker_org_id == org_id)
        if model is Incident:
            party = or_(party, Incident.responder_org_id == org_id)
        for column in ("insured_org_id", "insurer_org_id", "broker_org_id"):
            parts.append(select(getattr(model, column).label("org")).where(party))
    parts.append(select(Incident.responder_org_id.label("org")).where(Incident.insurer_org_id == org_id))
    parts.append(select(Incident.responder_org_id.label("org")).where(Incident.insured_org_id == org_id))
    subscribed = select(ServiceSubscription.insured_org_id.label("insured"), ServiceOffer.provider_org_id.label("by"))
    pairs = subscribed.join(ServiceOffer, ServiceOffer.id == ServiceSubscription.service_id).subquery()
    parts.append(select(pairs.c.insured.label("org")).where(pairs.c.by == org_id))
    parts.append(select(pairs.c.by.label("org")).where(pairs.c.insured == org_id))
    found = {row for row in session.scalars(select(union(*parts).subquery().c.org)) if row is not None}
    return found | {org_id}


def represented_insured_ids(session: Session, org_id: str, kind: str) -> set[str]:
    """Insureds an organization acts for: an insured itself; a broker its clients and the insureds of the
    submissions and policies it brought; an insurer its direct clients and the insureds of the submissions
    addressed to it and the policies on its book. Other kinds: none."""
    if kind == "insured":
        return {org_id}
    link, column = {"broker": ("broker_client", "broker_org_id"), "insurer": ("insurer_client", "insurer_org_id")}.get(
        kind, (None, None)
    )
    if link is None or column is None:
        return set()
    parts: list[Select[Any]] = [
        select(Relationship.to_org_id.label("org")).where(Relationship.kind == link, Relationship.from_org_id == org_id)
    ]
    for model in (Submission, PolicyRecord):
        parts.append(select(model.insured_org_id.label("org")).where(getattr(model, column) == org_id))
    return set(session.scalars(select(union(*parts).subquery().c.org)))

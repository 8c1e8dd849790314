"""Parties: register organizations (with their standing relationship to the registrar), users and panels."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.vocab import PROVIDER_KINDS, OrgKind, RelationshipKind, Role
from cyberins.services import audit
from cyberins.services.access import Action, Principal, require
from cyberins.services.errors import Conflict, Forbidden, NotFound
from cyberins.services.passwords import check_strength, passwords
from cyberins.services.uow import unit_of_work
from cyberins.store.models import Organization, Relationship, User
from cyberins.store.repos import parties as repo
from cyberins.store.repos.aggregates import Page, PartyScope


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    role: Role
    password: str


def _relationship_for(registrar: Principal, kind: OrgKind) -> RelationshipKind | None:
    """The link a registrar gets to the organization it registers; None for the system actor."""
    if registrar.system:
        return None
    if registrar.org_kind is OrgKind.BROKER and kind is OrgKind.INSURED:
        return RelationshipKind.BROKER_CLIENT
    if registrar.org_kind is OrgKind.INSURER and kind is OrgKind.INSURED:
        return RelationshipKind.INSURER_CLIENT
    if registrar.org_kind is OrgKind.INSURER and kind in PROVIDER_KINDS:
        return RelationshipKind.INSURER_PANEL
    allowed = Said(
        "input.service.kinds_insured"
        if registrar.org_kind is OrgKind.BROKER
        else "input.service.kinds_insured_or_provider"
    )
    said = Said("input.service.registers_kinds", {"registrar": registrar.org_kind, "allowed": allowed, "kind": kind})
    raise InvalidInput.one("kind", said)


def create_organization(
    session: Session,
    principal: Principal,
    name: str,
    kind: OrgKind,
    *,
    country: str | None = None,
    first_admin: NewUser | None = None,
) -> Organization:
    """Register an organization; a broker's becomes its client, an insurer's its client or panel vendor."""
    require(principal, Action.CREATE_ORGANIZATION)
    link = _relationship_for(principal, kind)
    with unit_of_work(session):
        # names are unique among the registrar's own organizations only: a name taken in another tenant
        # is neither refused nor revealed (two registrars may each have their own "Acme Ltd")
        if repo.organization_named(session, name, among=visible_org_ids(session, principal)) is not None:
            raise Conflict(Said("api.error.org_name_taken", {"name": repr(name)}))
        org = repo.organizations.add(session, Organization(name=name, kind=kind.value, country=country))
        audit.record(session, principal, "organization.create", "organization", org.id, before=None, after=org)
        if link is not None:
            _link(session, principal, link, principal.org_id, org.id)
        if first_admin is not None:
            _add_user(session, principal, org.id, first_admin)
    return org


def _link(session: Session, principal: Principal, kind: RelationshipKind, from_id: str, to_id: str) -> None:
    if repo.has_relationship(session, kind.value, from_id, to_id):
        return
    rel = repo.relationships.add(session, Relationship(kind=kind.value, from_org_id=from_id, to_org_id=to_id))
    audit.record(session, principal, "relationship.create", "relationship", rel.id, before=None, after=rel)


def _check_user(new: NewUser) -> None:
    check_strength(new.password)
    local, _, domain = new.email.partition("@")
    if not local or "." not in domain:
        raise InvalidInput.one("email", Said("input.service.not_email"))


def _add_user(session: Session, principal: Principal, org_id: str, new: NewUser) -> User:
    _check_user(new)
    email = new.email.strip().lower()
    existing = repo.user_by_email(session, email)
    if existing is not None:
        # emails sign in, so they are unique platform-wide; whose user holds one is told only to its own
        # organization, any other registrar learns only that the address cannot be used
        if existing.org_id == org_id:
            raise Conflict(Said("api.error.email_taken", {"email": repr(email)}))
        raise Conflict(Said("api.error.email_unusable"))
    user = User(
        org_id=org_id, email=email, name=new.name, role=new.role.value, password_hash=passwords().hash(new.password)
    )
    repo.users.add(session, user)
    audit.record(session, principal, "user.create", "user", user.id, before=None, after=user)
    return user


def create_user(session: Session, principal: Principal, new: NewUser, org_id: str | None = None) -> User:
    """A user of the caller's own organization (only the system actor names another `org_id`)."""
    require(principal, Action.MANAGE_USERS)
    target = org_id if principal.system and org_id else principal.org_id
    with unit_of_work(session):
        if repo.organizations.get(session, target) is None:
            raise NotFound("organization", target)
        return _add_user(session, principal, target, new)


def list_users(session: Session, principal: Principal, *, limit: int, offset: int) -> Page[User]:
    require(principal, Action.MANAGE_USERS)
    return repo.users.page(session, PartyScope(("org_id",), principal.org_id), limit=limit, offset=offset)


def add_to_panel(session: Session, principal: Principal, provider_org_id: str) -> Organization:
    """Put a service provider on the caller's (an insurer's) panel, so claims may be assigned to it."""
    require(principal, Action.MANAGE_PANEL)
    with unit_of_work(session):
        org = repo.organizations.get(session, provider_org_id)
        if org is None or OrgKind(org.kind) not in PROVIDER_KINDS:
            raise NotFound("organization", provider_org_id)
        _link(session, principal, RelationshipKind.INSURER_PANEL, principal.org_id, org.id)
    return org


def visible_org_ids(session: Session, principal: Principal) -> set[str] | None:
    """Organizations the caller may see: itself and those linked to it (None: all, for the system actor)."""
    return None if principal.system else repo.linked_org_ids(session, principal.org_id)


def list_organizations(
    session: Session, principal: Principal, *, kind: OrgKind | None, limit: int, offset: int
) -> Page[Organization]:
    scope = PartyScope((), "", unrestricted=True)
    filters = {"kind": kind.value if kind else None}
    ids = visible_org_ids(session, principal)
    return repo.organizations.page(session, scope, filters, limit=limit, offset=offset, ids=ids)


def get_organization(session: Session, principal: Principal, org_id: str) -> Organization:
    ids = visible_org_ids(session, principal)
    org = repo.organizations.get(session, org_id) if ids is None or org_id in ids else None
    if org is None:
        raise NotFound("organization", org_id)
    return org


def link(session: Session, actor: Principal, kind: RelationshipKind, from_org_id: str, to_org_id: str) -> None:
    """Record a standing relationship directly: only for the system actor (seeding, restore)."""
    if not actor.system:
        raise Forbidden(Said("api.error.platform_links_only"))
    with unit_of_work(session):
        _link(session, actor, kind, from_org_id, to_org_id)

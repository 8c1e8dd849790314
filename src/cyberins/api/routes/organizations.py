"""Organizations, users, API keys and the insurer's vendor panel."""

from __future__ import annotations

from fastapi import APIRouter

from cyberins.api.deps import ClockDep, PrincipalDep, SessionDep
from cyberins.api.routes.common import Limit, Offset
from cyberins.api.schemas.common import ERROR_RESPONSES, Page, page_of
from cyberins.api.schemas.parties import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    OrganizationCreate,
    OrganizationPublic,
    PanelAdd,
    PasswordReset,
    UserCreate,
    UserPublic,
)
from cyberins.model.vocab import OrgKind
from cyberins.services import auth, parties, users

router = APIRouter(responses=ERROR_RESPONSES)


def _new_user(body: UserCreate) -> parties.NewUser:
    return parties.NewUser(body.email, body.name, body.role, body.password)


@router.get("/organizations", response_model=Page[OrganizationPublic], tags=["parties"])
def list_organizations(
    session: SessionDep, principal: PrincipalDep, kind: OrgKind | None = None, limit: Limit = 50, offset: Offset = 0
) -> dict[str, object]:
    """Your organization and those linked to it (clients, panel, counterparties on your book)."""
    page = parties.list_organizations(session, principal, kind=kind, limit=limit, offset=offset)
    return page_of(OrganizationPublic, page)


@router.post("/organizations", response_model=OrganizationPublic, status_code=201, tags=["parties"])
def create_organization(body: OrganizationCreate, session: SessionDep, principal: PrincipalDep) -> OrganizationPublic:
    """Register a client (broker, insurer) or a panel vendor (insurer), optionally with its first admin."""
    admin = _new_user(body.admin) if body.admin else None
    org = parties.create_organization(session, principal, body.name, body.kind, country=body.country, first_admin=admin)
    return OrganizationPublic.model_validate(org)


@router.get("/organizations/{org_id}", response_model=OrganizationPublic, tags=["parties"])
def get_organization(org_id: str, session: SessionDep, principal: PrincipalDep) -> OrganizationPublic:
    return OrganizationPublic.model_validate(parties.get_organization(session, principal, org_id))


@router.post("/panel", response_model=OrganizationPublic, status_code=201, tags=["parties"])
def add_to_panel(body: PanelAdd, session: SessionDep, principal: PrincipalDep) -> OrganizationPublic:
    """Put a service provider on your (an insurer's) panel, so claims may be assigned to it."""
    return OrganizationPublic.model_validate(parties.add_to_panel(session, principal, body.provider_org_id))


@router.get("/users", response_model=Page[UserPublic], tags=["parties"])
def list_users(
    session: SessionDep, principal: PrincipalDep, limit: Limit = 50, offset: Offset = 0
) -> dict[str, object]:
    return page_of(UserPublic, parties.list_users(session, principal, limit=limit, offset=offset))


@router.post("/users", response_model=UserPublic, status_code=201, tags=["parties"])
def create_user(body: UserCreate, session: SessionDep, principal: PrincipalDep) -> UserPublic:
    """A user of your own organization (admins only)."""
    return UserPublic.model_validate(parties.create_user(session, principal, _new_user(body)))


@router.post("/users/{user_id}/disable", response_model=UserPublic, tags=["parties"])
def disable_user(user_id: str, session: SessionDep, principal: PrincipalDep, clock: ClockDep) -> UserPublic:
    """Disable a user of your organization (admins only): it cannot sign in, and its tokens stop working."""
    return UserPublic.model_validate(users.set_active(session, principal, user_id, False, clock))


@router.post("/users/{user_id}/enable", response_model=UserPublic, tags=["parties"])
def enable_user(user_id: str, session: SessionDep, principal: PrincipalDep, clock: ClockDep) -> UserPublic:
    """Enable a disabled user of your organization again (admins only)."""
    return UserPublic.model_validate(users.set_active(session, principal, user_id, True, clock))


@router.post("/users/{user_id}/reset-password", response_model=PasswordReset, tags=["parties"])
def reset_password(user_id: str, session: SessionDep, principal: PrincipalDep, clock: ClockDep) -> PasswordReset:
    """A new random password for a user of your organization, shown once; its tokens are revoked and a sign-in
    lock on the account is lifted."""
    user, password = users.reset_password(session, principal, user_id, clock)
    return PasswordReset(user=UserPublic.model_validate(user), password=password)


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=201, tags=["parties"])
def create_api_key(body: ApiKeyCreate, session: SessionDep, principal: PrincipalDep) -> ApiKeyCreated:
    """A key for a machine client of your organization; the secret is shown once."""
    key, raw = auth.create_api_key(session, principal, body.name, body.role)
    return ApiKeyCreated.model_validate({**ApiKeyPublic.model_validate(key).model_dump(), "key": raw})


@router.delete("/api-keys/{key_id}", response_model=ApiKeyPublic, tags=["parties"])
def revoke_api_key(key_id: str, session: SessionDep, principal: PrincipalDep) -> ApiKeyPublic:
    """Revoke a key at once; it never authenticates again."""
    return ApiKeyPublic.model_validate(auth.revoke_api_key(session, principal, key_id))

"""The user lifecycle: disable and enable, change and reset a password, sign out.

Each step is audited, and each but enable revokes the user's access tokens at once (it raises the user's
token version, `services.auth`). An organization's admin acts on its own users only; another tenant's user
is "not found". A reset password is random, shown once to the admin who reset it, and lifts a sign-in lock
on the account; the user should then choose their own with a password change.
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.services import audit, signin
from cyberins.services.access import Action, Principal, require
from cyberins.services.auth import check_password
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.errors import Forbidden, NotFound, Unauthenticated
from cyberins.services.passwords import check_strength, passwords
from cyberins.services.uow import unit_of_work
from cyberins.settings import Settings
from cyberins.store.models import User
from cyberins.store.repos import parties as repo

#: Bytes of randomness in a reset password: 120 bits, 20 URL-safe characters.
RESET_PASSWORD_BYTES = 15


def _visible(principal: Principal, user: User | None) -> bool:
    return user is not None and (principal.system or user.org_id == principal.org_id)


def _managed_user(session: Session, principal: Principal, user_id: str) -> User:
    """A user of the caller's own organization, locked for the change (any user, for the system actor)."""
    require(principal, Action.MANAGE_USERS)
    user = repo.users.get(session, user_id, for_update=True)
    if user is None or not _visible(principal, user):
        raise NotFound("user", user_id)
    return user


def _own_user(session: Session, principal: Principal) -> User:
    if principal.user_id is None:
        raise Forbidden(Said("api.error.key_no_password"))
    user = repo.users.get(session, principal.user_id, for_update=True)
    if user is None:
        raise NotFound("user", principal.user_id)
    return user


def find_user(session: Session, principal: Principal, email: str) -> User:
    """The user with this email, if the caller manages it (operators name users by email)."""
    require(principal, Action.MANAGE_USERS)
    user = repo.user_by_email(session, email.strip())
    if user is None or not _visible(principal, user):
        raise NotFound("user", email)
    return user


def set_active(session: Session, principal: Principal, user_id: str, active: bool, clock: Clock = SYSTEM_CLOCK) -> User:
    """Disable a user (refused sign-in, its tokens revoked at once) or enable it again."""
    with unit_of_work(session):
        user = _managed_user(session, principal, user_id)
        if not active and user.id == principal.user_id:
            raise InvalidInput.one("user_id", Said("input.service.disable_self"))
        before = audit.digest(user)
        if user.active != active:
            user.active = active
            if not active:
                user.token_version += 1
        action = "user.enable" if active else "user.disable"
        audit.record(session, principal, action, "user", user.id, before=before, after=user, clock=clock)
    return user


def change_password(
    session: Session,
    principal: Principal,
    current: str,
    new: str,
    address: str,
    settings: Settings,
    clock: Clock = SYSTEM_CLOCK,
) -> User:
    """The caller's own password, given the current one; a wrong current password counts as a failed sign-in
    (a stolen token must not become a way to guess it), and every token of the user is revoked."""
    check_strength(new, "new_password")
    if new == current:
        raise InvalidInput.one("new_password", Said("input.service.same_password"))
    user = _own_user(session, principal)
    try:
        check_password(session, signin.Attempt(user.email, address), current, settings, clock)
    except Unauthenticated:
        raise InvalidInput.one("current_password", Said("input.service.not_current_password")) from None
    new_hash = passwords().hash(new)  # before the transaction: no write lock is held while hashing
    with unit_of_work(session):
        user = _own_user(session, principal)
        before = audit.digest(user)
        user.password_hash = new_hash
        user.token_version += 1
        audit.record(
            session, principal, "user.password_change", "user", user.id, before=before, after=user, clock=clock
        )
    return user


def reset_password(
    session: Session, principal: Principal, user_id: str, clock: Clock = SYSTEM_CLOCK
) -> tuple[User, str]:
    """A new random password for a user of the caller's organization, returned once and kept only as a hash."""
    require(principal, Action.MANAGE_USERS)
    password = secrets.token_urlsafe(RESET_PASSWORD_BYTES)
    new_hash = passwords().hash(password)
    with unit_of_work(session):
        user = _managed_user(session, principal, user_id)
        before = audit.digest(user)
        user.password_hash = new_hash
        user.token_version += 1
        audit.record(session, principal, "user.password_reset", "user", user.id, before=before, after=user, clock=clock)
        signin.lift_account_lock(session, principal, user.email, clock)
    return user, password


def sign_out(session: Session, principal: Principal, clock: Clock = SYSTEM_CLOCK) -> None:
    """Revoke every access token of the caller (all its sessions: tokens are not tracked one by one)."""
    with unit_of_work(session):
        user = _own_user(session, principal)
        before = audit.digest(user)
        user.token_version += 1
        audit.record(session, principal, "user.sign_out", "user", user.id, before=before, after=user, clock=clock)

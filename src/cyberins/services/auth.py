"""Sign-in and credentials: argon2 password hashes, short-lived HS256 access tokens, hashed API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from sqlalchemy.orm import Session

from cyberins.model.errors import Said
from cyberins.model.vocab import OrgKind, Role
from cyberins.services import audit, signin
from cyberins.services.access import Action, Principal, require
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.errors import NotFound, Unauthenticated
from cyberins.services.passwords import passwords
from cyberins.services.uow import unit_of_work
from cyberins.settings import Settings
from cyberins.store.models import ApiKey, Organization, User
from cyberins.store.repos import parties as repo

ALGORITHM = "HS256"
API_KEY_PREFIX = "cyk"


@dataclass(frozen=True)
class AccessToken:
    access_token: str
    expires_in: int
    token_type: str = "bearer"


def principal_of(session: Session, user: User) -> Principal:
    """The user as a caller; a disabled user (or one whose organization is gone) is refused."""
    org = session.get(Organization, user.org_id)
    if org is None or not user.active:
        raise Unauthenticated(Said("api.error.account_disabled"))
    return Principal(
        org_id=org.id, org_kind=OrgKind(org.kind), role=Role(user.role), user_id=user.id,
        token_version=user.token_version,
    )  # fmt: skip


def check_password(session: Session, attempt: signin.Attempt, password: str, settings: Settings, clock: Clock) -> User:
    """The user with this email and password, throttled per account and client address (`services.signin`).

    One message for every failure, and an unknown email spends the same hashing time as a known one, so
    emails cannot be probed; a locked account or address is refused before any hash is computed.
    """
    signin.check(session, attempt, clock)
    user = repo.user_by_email(session, attempt.email.strip())
    if user is None:
        passwords().spend_decoy(password)
    if user is None or not passwords().verify(user.password_hash, password):
        signin.record_failure(session, attempt, settings, clock)
        raise Unauthenticated(Said("api.error.wrong_password"))
    signin.record_success(session, attempt)
    return user


def authenticate(
    session: Session, attempt: signin.Attempt, password: str, settings: Settings, clock: Clock = SYSTEM_CLOCK
) -> Principal:
    """Sign in: the caller behind an email and password (see `check_password`)."""
    return principal_of(session, check_password(session, attempt, password, settings, clock))


def issue_token(principal: Principal, settings: Settings, clock: Clock = SYSTEM_CLOCK) -> AccessToken:
    """A signed token naming the user, its organization and its token version (raised to revoke it)."""
    if principal.user_id is None:
        raise Unauthenticated(Said("api.error.users_only_tokens"))
    now = clock.now()
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    claims = {
        "sub": principal.user_id, "org": principal.org_id, "ver": principal.token_version,
        "iat": now, "exp": now + ttl, "typ": "access",
    }  # fmt: skip
    return AccessToken(jwt.encode(claims, settings.signing_key, algorithm=ALGORITHM), int(ttl.total_seconds()))


def principal_from_token(session: Session, token: str, settings: Settings) -> Principal:
    """The caller behind a bearer token; role and organization are read afresh, so changes apply at once.

    A token whose version is not the user's current one was revoked (logout, disable, password change or
    reset). A version counter rather than an issued-at cut-off: `iat` has one-second resolution, so a token
    issued in the second of a revocation would otherwise survive it.
    """
    try:
        claims = jwt.decode(
            token, settings.signing_key, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "iat", "ver"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated(Said("api.error.token_expired")) from None
    except jwt.InvalidTokenError:
        raise Unauthenticated(Said("api.error.token_invalid")) from None
    user = repo.users.get(session, str(claims["sub"]))
    if user is None or claims.get("typ") != "access" or claims.get("org") != user.org_id:
        raise Unauthenticated(Said("api.error.token_invalid"))
    if claims["ver"] != user.token_version:
        raise Unauthenticated(Said("api.error.token_revoked"))
    return principal_of(session, user)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_api_key(session: Session, principal: Principal, name: str, role: Role) -> tuple[ApiKey, str]:
    """A new key for the caller's organization; the secret is returned once and only its hash is kept."""
    require(principal, Action.MANAGE_API_KEYS)
    with unit_of_work(session):
        key = ApiKey(
            org_id=principal.org_id, name=name, role=role.value, secret_sha256="", created_by=principal.user_id
        )
        repo.api_keys.add(session, key)
        raw = f"{API_KEY_PREFIX}_{key.id}_{secrets.token_urlsafe(32)}"
        key.secret_sha256 = _sha256(raw)
        audit.record(session, principal, "api_key.create", "api_key", key.id, before=None, after=key)
    return key, raw


def revoke_api_key(session: Session, principal: Principal, key_id: str, clock: Clock = SYSTEM_CLOCK) -> ApiKey:
    require(principal, Action.MANAGE_API_KEYS)
    with unit_of_work(session):
        key = repo.api_keys.get(session, key_id)
        if key is None or key.org_id != principal.org_id:
            raise NotFound("api_key", key_id)
        before = audit.digest(key)
        if key.revoked_at is None:
            key.revoked_at = clock.now()
        audit.record(session, principal, "api_key.revoke", "api_key", key.id, before=before, after=key)
    return key


def principal_from_api_key(session: Session, raw: str) -> Principal:
    prefix, _, rest = raw.partition("_")
    key_id, _, secret = rest.partition("_")
    key = repo.api_keys.get(session, key_id) if prefix == API_KEY_PREFIX and secret else None
    if key is None or not hmac.compare_digest(key.secret_sha256, _sha256(raw)):
        raise Unauthenticated(Said("api.error.key_invalid"))
    if key.revoked_at is not None:
        raise Unauthenticated(Said("api.error.key_revoked"))
    org = session.get(Organization, key.org_id)
    if org is None:
        raise Unauthenticated(Said("api.error.key_invalid"))
    return Principal(org_id=org.id, org_kind=OrgKind(org.kind), role=Role(key.role), api_key_id=key.id)

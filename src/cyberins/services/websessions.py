"""Browser sessions of the web pages: opened at sign-in, ended on the server by a logout.

Why a table rather than a signed cookie carrying the user's token version (as bearer tokens do): raising the
version on logout would also end the user's other browsers and API tokens, and a copied cookie would still
work until then. A row per session ends exactly the one signed out, at once. Each session still remembers the
user's version at sign-in, so everything that revokes tokens (an API logout, a password change or reset, a
disabled account) ends the user's browser sessions too.

Each sign-in (`web_session.open`) and sign-out (`web_session.close`) is an entry in the user's tenant chain of
the audit log, as the API's sign-out (`user.sign_out`) is; the entry names the session by the hash of its
secret, never the secret. Sessions are not among the rows `audit verify` reconciles (`audit_check.AUDITED`):
ended ones are pruned, and a pruned row is no tampering.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from cyberins.model.errors import Said
from cyberins.services import audit
from cyberins.services.access import Principal
from cyberins.services.auth import principal_of
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.errors import Unauthenticated
from cyberins.services.uow import unit_of_work
from cyberins.store.models import User, WebSession

#: A session ends this long after sign-in, used or not (OWASP ASVS 4.0 V3.3: an absolute timeout).
LIFETIME = timedelta(hours=8)


def _key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def open_session(session: Session, principal: Principal, clock: Clock = SYSTEM_CLOCK) -> str:
    """A new session of a signed-in user; returns the secret for the cookie (only its hash is stored).
    Sessions that have ended are pruned on the way."""
    if principal.user_id is None:
        raise Unauthenticated(Said("api.error.users_only_tokens"))
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    with unit_of_work(session):
        session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        row = WebSession(
            id=_key(raw), user_id=principal.user_id, token_version=principal.token_version,
            created_at=now, expires_at=now + LIFETIME,
        )  # fmt: skip
        session.add(row)
        audit.record(session, principal, "web_session.open", "web_session", row.id, before=None, after=row, clock=clock)
    return raw


def principal_from_session(session: Session, raw: str, clock: Clock = SYSTEM_CLOCK) -> Principal:
    """The user of a live session; an unknown, ended, revoked or superseded one is `Unauthenticated`."""
    row = session.get(WebSession, _key(raw)) if raw else None
    if row is None or row.revoked_at is not None or row.expires_at <= clock.now():
        raise Unauthenticated(Said("api.error.sign_in"))
    user = session.get(User, row.user_id)
    if user is None or user.token_version != row.token_version:
        raise Unauthenticated(Said("api.error.token_revoked"))
    return principal_of(session, user)


def close_session(session: Session, principal: Principal, raw: str, clock: Clock = SYSTEM_CLOCK) -> None:
    """End the signed-in `principal`'s session on the server: its cookie never signs anyone in again."""
    with unit_of_work(session):
        row = session.get(WebSession, _key(raw))
        if row is not None and row.revoked_at is None and row.user_id == principal.user_id:
            before = audit.digest(row)
            row.revoked_at = clock.now()
            audit.record(session, principal, "web_session.close", "web_session", row.id, before=before, after=row,
                         clock=clock)  # fmt: skip


def binding(raw: str) -> str:
    """What a session's CSRF token is bound to: a hash of its secret, never the secret itself."""
    return _key(raw)

"""Queries of sign-in throttling: failures counted since an instant, locks of an account or an address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cyberins.model.vocab import LockScope
from cyberins.store.models import SignInFailure, SignInLock

_COLUMN = {LockScope.ACCOUNT: SignInFailure.account, LockScope.ADDRESS: SignInFailure.address}


def failures_since(session: Session, scope: LockScope, subject: str, since: datetime) -> int:
    """Failures of one account or address at or after `since`."""
    stmt = select(func.count()).select_from(SignInFailure).where(_COLUMN[scope] == subject, SignInFailure.at >= since)
    return session.scalar(stmt) or 0


def prune_failures(session: Session, before: datetime) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.at <= before))


def has_account_failures(session: Session, account: str) -> bool:
    return session.scalar(select(SignInFailure.id).where(SignInFailure.account == account).limit(1)) is not None


def forget_account_failures(session: Session, account: str) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.account == account))


def locks_since(session: Session, scope: LockScope, subject: str, since: datetime) -> list[SignInLock]:
    """Locks of one account or address set after `since`, the latest first."""
    stmt = (
        select(SignInLock)
        .where(SignInLock.scope == scope.value, SignInLock.subject == subject, SignInLock.locked_at > since)
        .order_by(SignInLock.locked_at.desc())
    )
    return list(session.scalars(stmt))


def locks_in_force(session: Session, subjects: dict[LockScope, str], now: datetime) -> list[SignInLock]:
    """The locks on any of these subjects that still hold at `now`."""
    stmt = select(SignInLock).where(
        SignInLock.subject.in_(subjects.values()), SignInLock.locked_until > now, SignInLock.lifted_at.is_(None)
    )
    return [lock for lock in session.scalars(stmt) if subjects.get(LockScope(lock.scope)) == lock.subject]

"""Sign-in throttling: failures per account and per client address lock it out for a while.

`signin_account_failures` failures for one email (known or not) or `signin_address_failures` from one client
address inside `signin_window_s` lock that account or address for `signin_lock_s`, doubled for each earlier
lock of the same subject within a day, up to `signin_lock_max_s`. While a lock holds, sign-in answers 429
with Retry-After and computes no hash. Failures that led to a lock never count again: after it, the count
starts afresh. A successful sign-in clears its account's failures (not its address's: one good account must
not launder an address's guesses). Counts and locks are rows in the store, so all workers share them.

Each lock is audited when set (`sign_in.lock`, by the system actor; the locked row holds the scope, the
subject and `locked_until`, which the entry's digest pins) and when an admin lifts it early by resetting the
account's password (`sign_in.unlock`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from cyberins.model.vocab import LockScope
from cyberins.services import audit
from cyberins.services.access import Principal
from cyberins.services.clock import Clock
from cyberins.services.errors import TooManyAttempts
from cyberins.services.uow import unit_of_work
from cyberins.settings import Settings
from cyberins.store.models import SignInFailure, SignInLock
from cyberins.store.repos import signin as repo

#: Earlier locks within this span double the next lock's length; an account quiet for a day starts afresh.
LOCK_MEMORY = timedelta(days=1)


def account_key(email: str) -> str:
    """How the store names an account: the SHA-256 of its normalized email, never the typed-in text."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: the email given and the client address it came from."""

    email: str
    address: str

    @property
    def subjects(self) -> dict[LockScope, str]:
        return {LockScope.ACCOUNT: account_key(self.email), LockScope.ADDRESS: self.address[:64]}


def check(session: Session, attempt: Attempt, clock: Clock) -> None:
    """Raise `TooManyAttempts` while a lock holds on the attempt's account or address."""
    now = clock.now()
    locks = repo.locks_in_force(session, attempt.subjects, now)
    if locks:
        until = max(lock.locked_until for lock in locks)
        raise TooManyAttempts(max(1, math.ceil((until - now).total_seconds())))


def _ended(lock: SignInLock) -> datetime:
    return lock.lifted_at if lock.lifted_at is not None else lock.locked_until


def record_failure(session: Session, attempt: Attempt, settings: Settings, clock: Clock) -> None:
    """Count a failure; lock the account or the address it brings to its limit."""
    now = clock.now()
    window = timedelta(seconds=settings.signin_window_s)
    limits = {LockScope.ACCOUNT: settings.signin_account_failures, LockScope.ADDRESS: settings.signin_address_failures}
    subjects = attempt.subjects
    with unit_of_work(session):
        repo.prune_failures(session, now - window)
        session.add(SignInFailure(account=subjects[LockScope.ACCOUNT], address=subjects[LockScope.ADDRESS], at=now))
        session.flush()
        for scope, subject in subjects.items():
            _lock_at_limit(session, scope, subject, limits[scope], settings, now, clock)


def _lock_at_limit(
    session: Session, scope: LockScope, subject: str, limit: int, settings: Settings, now: datetime, clock: Clock
) -> None:
    window = timedelta(seconds=settings.signin_window_s)
    earlier = repo.locks_since(session, scope, subject, now - LOCK_MEMORY)
    since = max([now - window, *(_ended(lock) for lock in earlier)])
    if repo.failures_since(session, scope, subject, since) < limit:
        return
    length = min(settings.signin_lock_s * 2 ** len(earlier), settings.signin_lock_max_s)
    lock = SignInLock(scope=scope.value, subject=subject, locked_at=now, locked_until=now + timedelta(seconds=length))
    session.add(lock)
    session.flush()  # the id the audit entry names
    audit.record(session, Principal.system_actor(), "sign_in.lock", "sign_in_lock", lock.id,
                 before=None, after=lock, clock=clock)  # fmt: skip


def record_success(session: Session, attempt: Attempt) -> None:
    """Forget the account's failures (a write only when there are some)."""
    account = attempt.subjects[LockScope.ACCOUNT]
    if repo.has_account_failures(session, account):
        with unit_of_work(session):
            repo.forget_account_failures(session, account)


def lift_account_lock(session: Session, actor: Principal, email: str, clock: Clock) -> None:
    """End the account's lock now and forget its failures, in the caller's unit of work (an admin reset its
    password: the slate is clean)."""
    now = clock.now()
    account = account_key(email)
    repo.forget_account_failures(session, account)
    for lock in repo.locks_in_force(session, {LockScope.ACCOUNT: account}, now):
        before = audit.digest(lock)
        lock.lifted_at = now
        audit.record(session, actor, "sign_in.unlock", "sign_in_lock", lock.id, before=before, after=lock, clock=clock)

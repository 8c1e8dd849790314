"""Sign-in throttling: failed attempts (counted per account and per client address) and the locks they set.

Both live in the database so every API worker process sees the same counts and locks. An account is named
by the SHA-256 of its normalized email, known or not: the table never holds a typed-in email (people type
passwords into the email field) and an unknown email is throttled exactly like a known one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from cyberins.model.vocab import LockScope
from cyberins.store.base import Base, one_of
from cyberins.store.types import UtcDateTime, new_id


class SignInFailure(Base):
    """One failed sign-in; rows older than the throttling window are pruned as new ones arrive."""

    __tablename__ = "sign_in_failures"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class SignInLock(Base):
    """A lock on an account or an address until `locked_until`; audited when set and when lifted early.

    Never changed afterwards except `lifted_at` (an admin's password reset lifts an account's lock), so the
    audit entry's digest of the row keeps matching it.
    """

    __tablename__ = "sign_in_locks"
    __table_args__ = (CheckConstraint(one_of("scope", LockScope), name="scope"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scope: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(64), index=True)
    locked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    locked_until: Mapped[datetime] = mapped_column(UtcDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

"""Stored first responses of idempotent requests, keyed by (scope, key)."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberins.store.models import IdempotencyRecord, Payment


def claim(session: Session, scope: str, key: str) -> None:
    """Hold (scope, key) until this transaction ends, so a concurrent request with the same key waits for it.

    PostgreSQL: a transaction-scoped advisory lock on 64 bits of the pair's SHA-256 (a collision only makes
    two unrelated requests take turns). SQLite: nothing to do, its writing transactions take turns already.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    lock_id = int.from_bytes(hashlib.sha256(f"{scope}\0{key}".encode()).digest()[:8], "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(lock_id)))


def find(session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    stmt = select(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    return session.scalars(stmt).one_or_none()


def payment_with_key(session: Session, insurer_org_id: str, key: str) -> Payment | None:
    stmt = select(Payment).where(Payment.insurer_org_id == insurer_org_id, Payment.idempotency_key == key)
    return session.scalars(stmt).one_or_none()

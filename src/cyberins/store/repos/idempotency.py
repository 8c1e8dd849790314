"""Stored first responses of idempotent requests, keyed by (scope, key)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberins.store.models import IdempotencyRecord, Payment


def find(session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    stmt = select(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    return session.scalars(stmt).one_or_none()


def payment_with_key(session: Session, insurer_org_id: str, key: str) -> Payment | None:
    stmt = select(Payment).where(Payment.insurer_org_id == insurer_org_id, Payment.idempotency_key == key)
    return session.scalars(stmt).one_or_none()

"""The audit log's storage: the locked head row, appends, and an ordered read for verification."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cyberins.store.models import AuditEntry, AuditHead

HEAD_ID = 1


def lock_head(session: Session) -> AuditHead:
    """The chain's head, locked for this transaction so concurrent appenders queue up behind it.

    The no-op UPDATE takes the write lock on SQLite too (which ignores FOR UPDATE).
    """
    session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=AuditHead.seq))
    stmt = select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
    return session.scalars(stmt.execution_options(populate_existing=True)).one()


def read_head(session: Session) -> AuditHead | None:
    return session.get(AuditHead, HEAD_ID)


def append(session: Session, head: AuditHead, entry: AuditEntry) -> None:
    session.add(entry)
    head.seq = entry.seq
    head.hash = entry.hash
    session.flush()


def entries(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry in `seq` order, read in batches."""
    last = 0
    while True:
        rows = list(
            session.scalars(select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch))
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def entries_for(session: Session, entity_id: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.seq)))

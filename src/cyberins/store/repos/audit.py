"""The audit log's storage: per-chain head rows locked by appenders, appends, and ordered reads for verification."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cyberins.store.models import AuditChain, AuditEntry
from cyberins.store.models.platform import GENESIS_HASH, LEGACY_CHAIN


def origin(session: Session) -> str:
    """`prev_hash` of a chain's first entry: the legacy chain's head where there is one, so that a rewritten
    legacy chain breaks every keyed chain after it."""
    legacy = session.get(AuditChain, LEGACY_CHAIN)
    return GENESIS_HASH if legacy is None else legacy.hash


def lock_chain(session: Session, chain: str) -> AuditChain:
    """The chain's head (made on its first entry), locked for this transaction: appenders of one chain queue
    up behind it, those of other chains do not.

    A no-op UPDATE ... RETURNING locks and reads the row in one statement (and takes SQLite's write lock,
    which ignores FOR UPDATE); when it finds no row, the insert that makes the head skips a concurrent one
    (ON CONFLICT DO NOTHING) instead of failing, and the row is locked and read again.
    """
    touch = update(AuditChain).where(AuditChain.chain == chain).values(seq=AuditChain.seq).returning(AuditChain)
    fresh = {"populate_existing": True}
    head = session.scalars(touch, execution_options=fresh).one_or_none()
    if head is None:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        values = {"chain": chain, "seq": 0, "hash": origin(session), "keyed": True}
        session.execute(dialect.insert(AuditChain).values(values).on_conflict_do_nothing(index_elements=["chain"]))
        head = session.scalars(touch, execution_options=fresh).one()
    return head


def append(session: Session, head: AuditChain, entry: AuditEntry) -> None:
    session.add(entry)
    head.seq = entry.chain_seq
    head.hash = entry.hash
    session.flush()


def heads(session: Session, chains: list[str] | None = None) -> dict[str, AuditChain]:
    """Head rows by chain (all, or those named)."""
    stmt = select(AuditChain)
    if chains is not None:
        stmt = stmt.where(AuditChain.chain.in_(chains))
    return {head.chain: head for head in session.scalars(stmt)}


def chains_in_log(session: Session) -> list[str]:
    """Every chain some entry names (a forged entry may name a chain without a head)."""
    return list(session.scalars(select(AuditEntry.chain).distinct()))


def chain_entries(session: Session, chain: str, batch: int = 1000) -> Iterator[AuditEntry]:
    """The chain's entries in `chain_seq` order, read in batches."""
    last = 0
    while True:
        stmt = select(AuditEntry).where(AuditEntry.chain == chain, AuditEntry.chain_seq > last)
        rows = list(session.scalars(stmt.order_by(AuditEntry.chain_seq).limit(batch)))
        if not rows:
            return
        yield from rows
        last = rows[-1].chain_seq


def last_entries(session: Session, entity_type: str, entity_ids: list[str] | None = None) -> dict[str, AuditEntry]:
    """The last entry of each entity of a type (by time, then `seq`), for all of them or those named."""
    stmt = select(AuditEntry).where(AuditEntry.entity_type == entity_type)
    if entity_ids is not None:
        stmt = stmt.where(AuditEntry.entity_id.in_(entity_ids))
    last: dict[str, AuditEntry] = {}
    for entry in session.scalars(stmt.order_by(AuditEntry.at, AuditEntry.seq)):
        last[entry.entity_id] = entry
    return last


def entity_ids_in_chain(session: Session, chain: str, entity_type: str) -> list[str]:
    """The ids of a type that a chain's entries name (those its tenant acted on)."""
    stmt = select(AuditEntry.entity_id).where(AuditEntry.chain == chain, AuditEntry.entity_type == entity_type)
    return list(session.scalars(stmt.distinct()))


def all_rows(session: Session, model: type[Any]) -> list[Any]:
    return list(session.scalars(select(model)))


def rows_owned_by(session: Session, model: type[Any], owners: tuple[str, ...], org_id: str) -> list[Any]:
    """The rows of `model` whose owner columns name `org_id` (any of them)."""
    return list(session.scalars(select(model).where(or_(*(getattr(model, c) == org_id for c in owners)))))


def existing_ids(session: Session, model: type[Any], ids: list[str]) -> set[str]:
    return set(session.scalars(select(model.id).where(model.id.in_(ids)))) if ids else set()

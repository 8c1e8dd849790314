"""The audit log's storage: per-chain head rows locked by appenders, appends, and ordered reads for verification."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
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


@dataclass(frozen=True)
class Owner:
    """An organization, and the columns of a table that name a row's owner (any of them)."""

    org_id: str
    columns: tuple[str, ...]


def last_entries(
    session: Session,
    entity_type: str,
    model: type[Any] | None = None,
    owner: Owner | None = None,
    also: frozenset[str] | set[str] = frozenset(),
) -> dict[str, AuditEntry]:
    """The last entry (by `seq`, the order the database took them in) of each entity of a type: all of them,
    or those of `model` that
    `owner` owns plus the ids in `also` (a subquery, so a tenant of any size is one statement)."""
    stmt = select(AuditEntry).where(AuditEntry.entity_type == entity_type)
    if model is not None and owner is not None:
        owned = AuditEntry.entity_id.in_(select(model.id).where(_owned(model, owner)))
        stmt = stmt.where(or_(owned, AuditEntry.entity_id.in_(sorted(also))) if also else owned)
    last: dict[str, AuditEntry] = {}
    for entry in session.scalars(stmt.order_by(AuditEntry.seq)):
        last[entry.entity_id] = entry
    return last


def gone_in_chain(session: Session, chain: str, entity_type: str, model: type[Any]) -> set[str]:
    """The ids of a type that a chain's entries name and that have no row any more."""
    named = select(AuditEntry.entity_id).where(AuditEntry.chain == chain, AuditEntry.entity_type == entity_type)
    missing = named.where(~select(model.id).where(model.id == AuditEntry.entity_id).exists())
    return set(session.scalars(missing.distinct()))


def all_rows(session: Session, model: type[Any]) -> list[Any]:
    return list(session.scalars(select(model)))


def _owned(model: type[Any], owner: Owner) -> ColumnElement[bool]:
    return or_(*(getattr(model, column) == owner.org_id for column in owner.columns))


def rows_owned_by(session: Session, model: type[Any], owner: Owner) -> list[Any]:
    return list(session.scalars(select(model).where(_owned(model, owner))))

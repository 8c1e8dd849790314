"""The append-only, hash-chained audit log.

Each entry holds who did what to which entity, the SHA-256 digests of the entity before and after (its
columns as canonical JSON), the time, the previous entry's hash and its own hash over all of these. Editing,
deleting or reordering any entry breaks the chain at that entry; `verify_chain` names the first one. The
head row (last seq and hash) also catches a truncated tail; a rewrite of the head and the tail together
needs an outside copy of the head hash to be caught, which `verify_chain(expected_head=...)` accepts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from cyberins.services.access import Action, Principal, require
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.store.models import AuditEntry
from cyberins.store.models.platform import GENESIS_HASH
from cyberins.store.repos import audit as repo


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON-serializable: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: one byte string per value, whatever the dict order."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot(entity: Any) -> dict[str, Any]:
    """The entity's columns as a plain dict (the input of its digest)."""
    mapper = inspect(entity).mapper
    return {attr.key: getattr(entity, attr.key) for attr in mapper.column_attrs}


def digest(entity: Any | None) -> str | None:
    return None if entity is None else sha256_hex(canonical_json(snapshot(entity)))


def entry_hash(entry: AuditEntry) -> str:
    body = {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "org_id": entry.org_id,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "before": entry.before_digest,
        "after": entry.after_digest,
        "prev": entry.prev_hash,
    }
    return sha256_hex(canonical_json(body))


def record(
    session: Session,
    actor: Principal,
    action: str,
    entity_type: str,
    entity_id: str,
    *,
    before: str | None,
    after: Any | None,
    clock: Clock = SYSTEM_CLOCK,
) -> AuditEntry:
    """Append one entry inside the caller's transaction. `before` is a digest taken before the change."""
    session.flush()  # versions and defaults are set before the after-digest is taken
    head = repo.lock_head(session)
    at = clock.now().astimezone(UTC)  # stored and hashed in UTC, so the hash survives the round trip
    entry = AuditEntry(
        seq=head.seq + 1,
        at=at,
        actor=actor.actor,
        org_id=actor.org_id or None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before_digest=before,
        after_digest=digest(after),
        prev_hash=head.hash,
        hash="",
    )
    entry.hash = entry_hash(entry)
    repo.append(session, head, entry)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(session: Session, actor: Principal) -> ChainReport:
    """`verify_chain` for a caller allowed to (an insurer's admin)."""
    require(actor, Action.VERIFY_AUDIT)
    return verify_chain(session)


def verify_chain(session: Session, expected_head: str | None = None) -> ChainReport:
    """Recompute the chain from the first entry; report the first entry that does not fit."""
    prev, count = GENESIS_HASH, 0
    for entry in repo.entries(session):
        count += 1
        problem = None
        if entry.seq != count:
            problem = f"expected seq {count}, found {entry.seq}: an entry was deleted or moved"
        elif entry.prev_hash != prev:
            problem = "prev_hash does not match the previous entry: an entry was deleted, moved or edited"
        elif entry_hash(entry) != entry.hash:
            problem = "the entry's content does not match its hash: it was edited"
        if problem:
            return ChainReport(False, count, prev, entry.seq, problem)
        prev = entry.hash
    head = repo.read_head(session)
    if head is not None and (head.seq != count or head.hash != prev):
        return ChainReport(False, count, prev, count + 1, f"the head says {head.seq} entries, the log has {count}")
    if expected_head is not None and expected_head != prev:
        return ChainReport(False, count, prev, count, "the last hash differs from the expected head")
    return ChainReport(True, count, prev)

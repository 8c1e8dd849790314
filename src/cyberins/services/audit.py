"""The append-only audit log: one keyed hash chain per tenant.

Each entry holds who did what to which entity, the SHA-256 digests of the entity before and after (its
columns as canonical JSON), the time, the previous entry's hash and its own hash over all of these. The
hash is an HMAC-SHA256 under the audit key, derived from the installation secret (`services.secrets`),
which the database does not hold: someone who can write the database can edit an entry but cannot make a
hash that verifies. Entries go to the chain of the actor's organization (`platform` for actions of no
organization), so a tenant's writes lock only its own chain's head. `services.audit_check` verifies the
chains and reconciles every audited row with its last entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from cyberins.services.access import Principal
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.store.db import AUDIT_KEY
from cyberins.store.models import AuditEntry
from cyberins.store.models.platform import LEGACY_CHAIN, PLATFORM_CHAIN
from cyberins.store.repos import audit as repo


def _plain(value: Any) -> Any:
    # One text per value, as written or as read back: the store gives money without trailing zeros and
    # instants in UTC, whatever the caller's Decimal exponent or time zone was.
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
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


def audit_key(session: Session) -> bytes:
    """The key the session was opened with (`store.session_factory(engine, audit_key=...)`)."""
    key = session.info.get(AUDIT_KEY)
    if not isinstance(key, bytes):
        raise RuntimeError("this session has no audit key: open it with session_factory(engine, audit_key=...)")
    return key


def chain_of(actor: Principal) -> str:
    return actor.org_id or PLATFORM_CHAIN


def entry_hash(entry: AuditEntry, key: bytes) -> str:
    """HMAC-SHA256 under `key` of the entry's canonical body; plain SHA-256 for the legacy chain."""
    body = {
        "seq": entry.chain_seq,
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
    if entry.chain == LEGACY_CHAIN:  # written before keyed chains, as it was hashed then
        return sha256_hex(canonical_json(body))
    text = canonical_json({**body, "chain": entry.chain})
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


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
    """Append one entry to the actor's chain inside the caller's transaction. `before` is a digest taken
    before the change."""
    key = audit_key(session)
    session.flush()  # versions and defaults are set before the after-digest is taken
    head = repo.lock_chain(session, chain_of(actor))
    at = clock.now().astimezone(UTC)  # stored and hashed in UTC, so the hash survives the round trip
    entry = AuditEntry(
        chain=head.chain,
        chain_seq=head.seq + 1,
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
    entry.hash = entry_hash(entry, key)
    repo.append(session, head, entry)
    return entry

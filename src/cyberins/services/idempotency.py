"""Idempotent requests: the first response to (caller's organization, `Idempotency-Key`) is stored with a
digest of the request and replayed to every retry; the same key with another request is refused (422).

The operation, its audit entries and the stored response commit in one transaction, so a crash can never
leave a payment without its key. The key is claimed before the operation runs (`repo.claim`: a transaction
lock on PostgreSQL; SQLite's writers take turns already), so a retry racing the first attempt waits for it
to commit and replays its response; it never runs the operation a second time, whose state machine would
answer 409.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.services.access import Principal
from cyberins.services.audit import canonical_json, sha256_hex
from cyberins.services.payments import check_key
from cyberins.services.uow import unit_of_work
from cyberins.store.models import IdempotencyRecord
from cyberins.store.repos import idempotency as repo


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: dict[str, Any]
    replayed: bool


def _replay(record: IdempotencyRecord, endpoint: str, fingerprint: str) -> Outcome:
    if record.endpoint != endpoint or record.request_sha256 != fingerprint:
        raise InvalidInput.one("Idempotency-Key", Said("input.service.key_reused"))
    return Outcome(record.status_code, dict(record.response), replayed=True)


def once(
    session: Session,
    actor: Principal,
    key: str,
    endpoint: str,
    request: Mapping[str, Any],
    run: Callable[[], tuple[int, dict[str, Any]]],
) -> Outcome:
    """Run `run` (which returns status and JSON body) once per key; replay its result to retries."""
    key = check_key(key)
    scope = actor.org_id or actor.actor
    fingerprint = sha256_hex(canonical_json({"endpoint": endpoint, "request": request}))
    with unit_of_work(session):
        repo.claim(session, scope, key)
        first = repo.find(session, scope, key)
        if first is not None:
            return _replay(first, endpoint, fingerprint)
        status, body = run()
        session.add(
            IdempotencyRecord(
                scope=scope, key=key, endpoint=endpoint, request_sha256=fingerprint, status_code=status, response=body
            )
        )
        session.flush()
    return Outcome(status, body, replayed=False)

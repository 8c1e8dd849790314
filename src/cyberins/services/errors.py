"""Errors of the lifecycle services, in the package's one exception tree (`CyberinsError`).

Interfaces map them once: `Unauthenticated` -> 401, `Forbidden` -> 403, `NotFound` -> 404 (also for an id
that exists but belongs to another party, so a foreign id reveals nothing), `Conflict` -> 409 with the
entity's current state, `Busy` -> 503 with `Retry-After` (nothing was written; the same request may be sent
again), `TooManyAttempts` -> 429 with `Retry-After`.
"""

from __future__ import annotations

from cyberins.model.errors import CyberinsError, Said


class Unauthenticated(CyberinsError):
    """No credentials, or credentials that are wrong, expired or revoked."""


class Forbidden(CyberinsError):
    """The caller can see the entity (or acts in its own organization) but its role may not do this."""


class NotFound(CyberinsError):
    """No such entity, or none visible to the caller."""

    def __init__(self, entity: str, entity_id: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(Said("api.error.not_found", {"entity": entity_name(entity), "id": repr(entity_id)}))


class Conflict(CyberinsError):
    """The request does not fit the entity's current state (an illegal transition, a stale version, a duplicate)."""

    def __init__(
        self, message: str | Said, *, current_state: str | None = None, current_version: int | None = None
    ) -> None:
        self.current_state = current_state
        self.current_version = current_version
        super().__init__(message)


class Busy(CyberinsError):
    """The store could not take the write now (lock contention); nothing was written, so retrying is safe."""

    #: Seconds a client should wait before it retries.
    retry_after_s = 1


class TooManyAttempts(CyberinsError):
    """Sign-in is locked for the account or the client address after repeated failures, for `retry_after_s`."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(Said("api.error.too_many_sign_ins", {"seconds": retry_after_s}))


#: The entities a `NotFound` names, by the name services give them, with their label in the catalogue.
ENTITIES = (
    "api_key", "claim", "incident", "job", "organization", "payment", "policy", "service", "submission",
    "subscription", "user", "responder", "settlement_statement",
)  # fmt: skip


def entity_name(entity: str) -> Said | str:
    """An entity's name as a reader says it (a name the catalogue lacks is shown as given)."""
    key = "responder" if entity.startswith("incident responder") else entity
    return Said(f"api.entity.{key}") if key in ENTITIES else entity

"""Helpers shared by the routers: page parameters and rendering an idempotent outcome."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import JSONResponse

from cyberins.services.common import MAX_LIMIT
from cyberins.services.idempotency import Outcome

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]


def replayable(outcome: Outcome) -> JSONResponse:
    """The stored (or fresh) response; a replay says so in `Idempotent-Replayed`."""
    headers = {"Idempotent-Replayed": "true" if outcome.replayed else "false"}
    return JSONResponse(outcome.body, status_code=outcome.status_code, headers=headers)


def replay_documented(status: int) -> dict[int | str, dict[str, Any]]:
    """The `Idempotent-Replayed` header of an idempotent route's success response, for the OpenAPI schema."""
    header = {
        "description": "`true` when this is the stored response to an earlier request with the same key",
        "required": True,
        "schema": {"type": "string", "enum": ["true", "false"]},
    }
    return {status: {"headers": {"Idempotent-Replayed": header}}}

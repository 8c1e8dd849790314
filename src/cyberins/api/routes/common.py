"""Helpers shared by the routers: page parameters and rendering an idempotent outcome."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import JSONResponse

from cyberins.services.common import MAX_LIMIT
from cyberins.services.idempotency import Outcome

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0)]


def replayable(outcome: Outcome) -> JSONResponse:
    """The stored (or fresh) response; a replay says so in `Idempotent-Replayed`."""
    headers = {"Idempotent-Replayed": "true" if outcome.replayed else "false"}
    return JSONResponse(outcome.body, status_code=outcome.status_code, headers=headers)

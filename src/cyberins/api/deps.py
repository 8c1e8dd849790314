"""Dependencies of the routes: a session per request, the caller (token or API key), settings, queue, clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from cyberins.api.schemas.common import NUL
from cyberins.model.errors import InvalidInput, Said
from cyberins.services import auth
from cyberins.services.access import Principal
from cyberins.services.clock import Clock
from cyberins.services.errors import Unauthenticated
from cyberins.services.queue import JobQueue
from cyberins.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_client_address(request: Request) -> str:
    """The peer's address as the server sees it. X-Forwarded-For is not read: a client could write anything
    there; behind a proxy, have the server trust the proxy's header (uvicorn `--forwarded-allow-ips`)."""
    return request.client.host if request.client else "unknown"


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
QueueDep = Annotated[JobQueue, Depends(get_queue)]
ClockDep = Annotated[Clock, Depends(get_clock)]
ClientAddress = Annotated[str, Depends(get_client_address)]

_bearer = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


def get_principal(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Principal:
    """The caller, from an `X-API-Key` or a bearer token; anything else is 401 (deny by default)."""
    if api_key:
        return auth.principal_from_api_key(session, api_key)
    if token:
        return auth.principal_from_token(session, token, settings)
    raise Unauthenticated(Said("api.error.sign_in"))


PrincipalDep = Annotated[Principal, Depends(get_principal)]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="One key per operation (a UUID); a retry with the same key and body gets the first response.",
    ),
]


def no_nul(request: Request) -> None:
    """Refuse (422) a path or query value holding a NUL character: no database column can store or match it."""
    for name, value in (*request.path_params.items(), *request.query_params.multi_items()):
        if NUL in str(value):
            raise InvalidInput.one(name, Said("input.other.nul"))

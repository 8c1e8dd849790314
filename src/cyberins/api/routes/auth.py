"""Sign-in (`POST /auth/token`, OAuth2 password form or JSON), sign-out, `GET /me` and the caller's password."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from cyberins.api.deps import ClientAddress, ClockDep, PrincipalDep, SessionDep, SettingsDep
from cyberins.api.schemas.common import ERROR_RESPONSES, ErrorBody
from cyberins.api.schemas.parties import MePublic, OrganizationPublic, PasswordChange, TokenPublic, TokenRequest
from cyberins.model.errors import InvalidInput
from cyberins.model.loading import problems_from
from cyberins.services import auth, parties, users
from cyberins.services.signin import Attempt

router = APIRouter(tags=["auth"])

#: Sign-in's own answers besides the common ones: a locked account or address, and no free hashing slot.
_SIGN_IN_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    429: {"model": ErrorBody, "description": "Too many failed sign-ins for the account or address; see Retry-After"},
    503: {"model": ErrorBody, "description": "Too many sign-ins at once; nothing was changed, see Retry-After"},
}

_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": TokenRequest.model_json_schema()},
            "application/json": {"schema": TokenRequest.model_json_schema()},
        },
    }
}


async def _credentials(request: Request) -> TokenRequest:
    data: Any
    raw = await request.body()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the body is not UTF-8") from None
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(raw or b"null")
        except json.JSONDecodeError:
            raise HTTPException(400, "the body is not valid JSON") from None
    else:
        form = await request.form()
        data = {k: v for k, v in form.items() if k in ("username", "password") and isinstance(v, str)}
    try:
        return TokenRequest.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc)) from None


@router.post("/auth/token", response_model=TokenPublic, openapi_extra=_BODY, responses=_SIGN_IN_RESPONSES)
async def token(
    request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep, address: ClientAddress
) -> TokenPublic:
    """Exchange an email (`username`) and password for a short-lived bearer token.

    Repeated failures lock the account (whether or not it exists) or the client address for a while: 429
    with Retry-After.
    """
    creds = await _credentials(request)
    attempt = Attempt(creds.username, address)
    # argon2 takes tens of milliseconds on purpose: keep it off the event loop
    principal = await run_in_threadpool(auth.authenticate, session, attempt, creds.password, settings, clock)
    issued = auth.issue_token(principal, settings)  # real time: token expiry is security, never simulated
    return TokenPublic(access_token=issued.access_token, expires_in=issued.expires_in)


@router.post("/auth/logout", status_code=204, response_class=Response, responses=ERROR_RESPONSES)
def logout(session: SessionDep, principal: PrincipalDep, clock: ClockDep) -> Response:
    """Sign out: every access token of the caller stops working at once."""
    users.sign_out(session, principal, clock)
    return Response(status_code=204)


@router.post("/me/password", status_code=204, response_class=Response, responses=_SIGN_IN_RESPONSES)
def change_password(
    body: PasswordChange,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    clock: ClockDep,
    address: ClientAddress,
) -> Response:
    """Change your own password (give the current one); all your tokens are revoked: sign in again."""
    users.change_password(session, principal, body.current_password, body.new_password, address, settings, clock)
    return Response(status_code=204)


@router.get("/me", response_model=MePublic, responses=ERROR_RESPONSES)
def me(session: SessionDep, principal: PrincipalDep) -> MePublic:
    org = parties.get_organization(session, principal, principal.org_id)
    return MePublic(
        organization=OrganizationPublic.model_validate(org),
        role=principal.role,
        user_id=principal.user_id,
        api_key_id=principal.api_key_id,
    )

"""Sign-in (`POST /auth/token`, OAuth2 password form or JSON) and `GET /me`."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from cyberins.api.deps import PrincipalDep, SessionDep, SettingsDep
from cyberins.api.schemas.common import ERROR_RESPONSES
from cyberins.api.schemas.parties import MePublic, OrganizationPublic, TokenPublic, TokenRequest
from cyberins.model.errors import InvalidInput
from cyberins.model.loading import problems_from
from cyberins.services import auth, parties

router = APIRouter(tags=["auth"])

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


@router.post("/auth/token", response_model=TokenPublic, openapi_extra=_BODY, responses=ERROR_RESPONSES)
async def token(request: Request, session: SessionDep, settings: SettingsDep) -> TokenPublic:
    """Exchange an email (`username`) and password for a short-lived bearer token."""
    creds = await _credentials(request)
    # argon2 takes tens of milliseconds on purpose: keep it off the event loop
    principal = await run_in_threadpool(auth.authenticate, session, creds.username, creds.password)
    issued = auth.issue_token(principal, settings)  # real time: token expiry is security, never simulated
    return TokenPublic(access_token=issued.access_token, expires_in=issued.expires_in)


@router.get("/me", response_model=MePublic, responses=ERROR_RESPONSES)
def me(session: SessionDep, principal: PrincipalDep) -> MePublic:
    org = parties.get_organization(session, principal, principal.org_id)
    return MePublic(
        organization=OrganizationPublic.model_validate(org),
        role=principal.role,
        user_id=principal.user_id,
        api_key_id=principal.api_key_id,
    )

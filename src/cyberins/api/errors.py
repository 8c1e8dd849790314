"""One error body for every 4xx: `{"error": {"code", "message", "fields": [{"field", "message"}]}}`.

The package's exception tree maps once, here: InvalidInput -> 422, Unauthenticated -> 401, Forbidden -> 403,
NotFound -> 404, Conflict -> 409 (with the current state), TooManyAttempts -> 429 and Busy -> 503 (both with
Retry-After), and FastAPI's own request validation -> 422.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from cyberins.api.headers import secured
from cyberins.model.errors import CyberinsError, InvalidInput
from cyberins.model.loading import field_path
from cyberins.services.errors import Busy, Conflict, Forbidden, NotFound, TooManyAttempts, Unauthenticated

_HTTP_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "invalid_input",
    429: "too_many_requests",
}  # fmt: skip


def error_response(
    status: int, code: str, message: str, fields: list[dict[str, str]] | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or []}
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _invalid_input(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidInput)
    fields = [{"field": p.field, "message": p.message} for p in exc.problems]
    return error_response(422, "invalid_input", "the request is not valid; see fields", fields)


def _request_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if any(err.get("type") == "json_invalid" for err in exc.errors()):
        return error_response(400, "bad_request", "the body is not valid JSON")
    fields = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        where = field_path(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else field_path(loc)
        if loc and loc[0] == "header":
            where = "-".join(part.capitalize() for part in where.split("-"))
        fields.append({"field": where or "body", "message": str(err.get("msg", "invalid"))})
    return error_response(422, "invalid_input", "the request is not valid; see fields", fields)


def _domain(_: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, Unauthenticated):
        return error_response(401, "unauthenticated", str(exc))
    if isinstance(exc, Forbidden):
        return error_response(403, "forbidden", str(exc))
    if isinstance(exc, NotFound):
        return error_response(404, "not_found", str(exc))
    if isinstance(exc, Busy | TooManyAttempts):
        status, code = (503, "busy") if isinstance(exc, Busy) else (429, "too_many_requests")
        response = error_response(status, code, str(exc))
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    if isinstance(exc, Conflict):
        return error_response(
            409, "conflict", str(exc), current_state=exc.current_state, current_version=exc.current_version
        )
    return error_response(422, "invalid_input", str(exc))


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    response = error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), message)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Anything unforeseen: the documented shape, no trace, no driver text (the server log keeps the detail).

    Starlette answers it outside every middleware, so the security headers are set here too.
    """
    response = error_response(500, "internal_error", "the server failed to answer; the error was logged")
    response.raw_headers[:] = secured(response.raw_headers, tls=request.url.scheme == "https")
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(CyberinsError, _domain)
    app.add_exception_handler(HTTPException, _http)

"""One error body for every 4xx: `{"error": {"code", "message", "fields": [{"field", "message"}]}}`.

The human texts (`message`, each field's `message`) are in the reader's language, from `Accept-Language`
(`zh`, `zh-CN` … -> zh; anything else -> en), through the message catalogue; codes and field paths stay.

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
from cyberins.model.errors import CyberinsError, InvalidInput, Problem, Said
from cyberins.model.ids import Lang
from cyberins.model.loading import field_path, message_of, said_of
from cyberins.model.messages import messages, preferred_lang, text
from cyberins.services.errors import Busy, Conflict, Forbidden, NotFound, TooManyAttempts, Unauthenticated

_HTTP_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "invalid_input",
    429: "too_many_requests",
}  # fmt: skip


def reader_lang(request: Request) -> Lang:
    """zh where the reader's most preferred language (`Accept-Language`, by q) is Chinese, else en."""
    return lang_of(request.headers.get("accept-language", ""))


def lang_of(accept_language: str) -> Lang:
    """The language of an `Accept-Language` value: its first tag by q that is zh (`zh-CN` …) or en; else en."""
    return preferred_lang(accept_language, "en")


def error_response(
    status: int, code: str, message: str, fields: list[dict[str, str]] | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or []}
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _fields(lang: Lang, problems: list[Problem]) -> list[dict[str, str]]:
    """One entry per problem: its path, and in zh one sentence naming the field and what is wrong."""
    if lang == "en":
        return [{"field": p.field, "message": p.message} for p in problems]
    return [
        {
            "field": p.field,
            "message": Said("api.problem.sentence", {"field": p.field or "body", "what": p.in_lang(lang)}).in_lang(
                lang
            ),
        }
        for p in problems
    ]


def _invalid_input(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidInput)
    lang = reader_lang(request)
    return error_response(422, "invalid_input", text("api.error.invalid_request", lang), _fields(lang, exc.problems))


def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    lang = reader_lang(request)
    if any(err.get("type") == "json_invalid" for err in exc.errors()):
        return error_response(400, "bad_request", text("api.error.body_not_json", lang))
    problems = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        where = field_path(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else field_path(loc)
        if loc and loc[0] == "header":
            where = "-".join(part.capitalize() for part in where.split("-"))
        problems.append(Problem(where or "body", message_of(err), said_of(err)))
    return error_response(422, "invalid_input", text("api.error.invalid_request", lang), _fields(lang, problems))


def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CyberinsError)
    message = exc.in_lang(reader_lang(request))
    if isinstance(exc, Unauthenticated):
        return error_response(401, "unauthenticated", message)
    if isinstance(exc, Forbidden):
        return error_response(403, "forbidden", message)
    if isinstance(exc, NotFound):
        return error_response(404, "not_found", message)
    if isinstance(exc, Busy | TooManyAttempts):
        status, code = (503, "busy") if isinstance(exc, Busy) else (429, "too_many_requests")
        response = error_response(status, code, message)
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    if isinstance(exc, Conflict):
        return error_response(
            409, "conflict", message, current_state=exc.current_state, current_version=exc.current_version
        )
    return error_response(422, "invalid_input", message)


def _http_message(exc: HTTPException, lang: Lang) -> str:
    """The detail of an `HTTPException` (ours or Starlette's, raised in English) in `lang`, by its catalogue id."""
    detail = exc.detail if isinstance(exc.detail, str) else None
    for group in ("api.error.", "api.http."):
        for id_, entry in messages().items():
            if id_.startswith(group) and entry["en"] == detail:
                return entry[lang]
    return detail if detail is not None and lang == "en" else text("api.error.request_refused", lang)


def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = _http_message(exc, reader_lang(request))
    response = error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), message)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Anything unforeseen: the documented shape, no trace, no driver text (the server log keeps the detail).

    Starlette answers it outside every middleware, so the security headers are set here too.
    """
    response = error_response(500, "internal_error", text("api.error.internal", reader_lang(request)))
    response.raw_headers[:] = secured(response.raw_headers, tls=request.url.scheme == "https")
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(InvalidInput, _invalid_input)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(CyberinsError, _domain)
    app.add_exception_handler(HTTPException, _http)

"""Request body limits, before the app reads a body: its size (413) and, for JSON, its shape (422).

The shape limits are the ones input files have (`model.loading`: nested at most `MAX_DEPTH` levels, at most
`MAX_VALUES` values), so a body and a file holding the same document are judged alike, in one place.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cyberins.api.errors import lang_of
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Lang
from cyberins.model.loading import MAX_DEPTH, check_shape
from cyberins.model.messages import text


def shape_problem(body: bytes) -> str | None:
    """Why a JSON body's shape is refused, or None; a body that does not parse is left to the route (400)."""
    try:
        data = json.loads(body)
    except RecursionError:  # the parser's own recursion limit (about 1,000) is far above MAX_DEPTH
        return f"nested more than {MAX_DEPTH} levels deep"
    except ValueError:  # not JSON, not UTF-8
        return None
    try:
        check_shape(data)
    except InvalidInput as exc:
        return exc.problems[0].message
    return None


def _lang(scope: Scope) -> Lang:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    return lang_of(headers.get(b"accept-language", b"").decode("latin-1"))


def _is_json(scope: Scope) -> bool:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


class BodyLimits:
    """Pure ASGI middleware: trusts neither Content-Length nor chunking, counts what actually arrives; then
    refuses a JSON body nested too deeply or holding too many values."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._too_large(scope, send)
                return
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        problem = shape_problem(b"".join(m.get("body", b"") for m in messages)) if size and _is_json(scope) else None
        if problem is not None:
            if _lang(scope) == "zh":
                problem = text("api.problem.sentence", "zh", field="body", what=text("api.problem.body_shape", "zh"))
            fields = [{"field": "body", "message": problem}]
            await _refuse(send, 422, "invalid_input", text("api.error.invalid_request", _lang(scope)), fields)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        message = text("api.error.too_large", _lang(scope), bytes=self.max_bytes)
        await _refuse(send, 413, "payload_too_large", message, [])


async def _refuse(send: Send, status: int, code: str, message: str, fields: list[dict[str, str]]) -> None:
    """Answer in the documented error shape (the app's handlers are not reached from here)."""
    body: dict[str, Any] = {"error": {"code": code, "message": message, "fields": fields}}
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})

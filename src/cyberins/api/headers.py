"""Security headers on every response (OWASP ASVS 4.0 V14.4), added by one pure ASGI middleware.

Every response says `nosniff`, refuses framing (`X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`),
sends no referrer and is not cached unless the route says otherwise (`no-store`: responses carry tenants'
data; only the docs' static bundles are cacheable). HTML gets a content
security policy that loads only the service's own scripts, styles and images; anything else gets
`default-src 'none'`. Over TLS, HSTS pins the browser to HTTPS for a year. No `Server` banner: the
middleware drops any the stack adds (uvicorn is also started with `server_header=False`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: HTML pages load only what the service itself serves.
HTML_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
#: The docs pages: still only the service's own scripts, but Swagger UI and ReDoc style elements inline and
#: ReDoc searches in a worker it builds from a blob.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
#: JSON and other bodies are never rendered as documents.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
HSTS = b"max-age=31536000; includeSubDomains"

_FIXED = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_REPLACED = {name for name, _ in _FIXED} | {b"server", b"content-security-policy", b"strict-transport-security"}


def secured(headers: list[tuple[bytes, bytes]], *, docs: bool = False, tls: bool = False) -> list[tuple[bytes, bytes]]:
    """`headers` (raw ASGI pairs) with the security headers set for the response's content type."""
    out = [(k, v) for k, v in headers if k.lower() not in _REPLACED]
    kind = dict((k.lower(), v) for k, v in out).get(b"content-type", b"")
    policy = (DOCS_POLICY if docs else HTML_POLICY) if kind.startswith(b"text/html") else DATA_POLICY
    out += [*_FIXED, (b"content-security-policy", policy.encode())]
    if b"cache-control" not in {k.lower() for k, _ in out}:  # the docs' bundles may be cached
        out.append((b"cache-control", b"no-store"))
    if tls:
        out.append((b"strict-transport-security", HSTS))
    return out


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"
        docs = scope.get("path") in DOCS_PATHS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": secured(message.get("headers", []), docs=docs, tls=tls)}
            await send(message)

        await self.app(scope, receive, with_headers)


class Options:
    """`OPTIONS` answers 204 with `Allow`: the methods of every route at the path (RFC 9110 §9.3.7), or 404.

    A middleware rather than a catch-all route, which would turn every unknown path into a 405.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        methods = {
            m for route in _endpoints(scope["app"].routes) if route.path_regex.match(path) for m in route.methods
        }
        if methods:
            allow = ", ".join(sorted(methods | {"OPTIONS"})).encode()
            await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", allow)]})
            await send({"type": "http.response.body", "body": b""})
            return
        body = json.dumps({"error": {"code": "not_found", "message": "no resource at this path", "fields": []}})
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 404, "headers": headers})
        await send({"type": "http.response.body", "body": body.encode()})


def _endpoints(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route with methods, including those of routers the app includes (the routers add no prefix)."""
    for route in routes:
        if getattr(route, "methods", None) and hasattr(route, "path_regex"):
            yield route
        inner = getattr(route, "original_router", None)  # FastAPI ≥ 0.16x wraps included routers
        if inner is not None:
            yield from _endpoints(inner.routes)

"""Interactive API docs (Swagger UI at /docs, ReDoc at /redoc) served from vendored files, never a CDN.

The Swagger UI and ReDoc bundles come from the `fastapi-offline` distribution's static folder (only its files
are used); the page that starts Swagger UI is our own script, so the docs pages run no inline script and
their content security policy (`api.headers.DOCS_POLICY`) can forbid it.
"""

from __future__ import annotations

import functools
from importlib import resources

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

router = APIRouter(include_in_schema=False)

#: name -> (package holding it, media type)
ASSETS = {
    "swagger-ui-bundle.js": ("fastapi_offline", "text/javascript"),
    "swagger-ui.css": ("fastapi_offline", "text/css"),
    "redoc.standalone.js": ("fastapi_offline", "text/javascript"),
    "favicon.png": ("fastapi_offline", "image/png"),
    "swagger-init.js": ("cyberins.api", "text/javascript"),
}

SWAGGER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cyberins API</title>
<link rel="icon" href="/docs/static/favicon.png"><link rel="stylesheet" href="/docs/static/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script><script src="/docs/static/swagger-init.js"></script>
</body></html>"""

REDOC = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cyberins API</title>
<link rel="icon" href="/docs/static/favicon.png"></head>
<body><redoc spec-url="/openapi.json"></redoc><script src="/docs/static/redoc.standalone.js"></script>
</body></html>"""


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(SWAGGER)


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return HTMLResponse(REDOC)


@router.get("/docs/static/{name}")
def asset(name: str) -> Response:
    if name not in ASSETS:
        raise HTTPException(404, "no such file")
    return Response(_read(name), media_type=ASSETS[name][1], headers={"Cache-Control": "public, max-age=86400"})


@functools.cache
def _read(name: str) -> bytes:
    """An asset's bytes, read once per process (the Swagger bundle is 1.5 MB)."""
    return resources.files(ASSETS[name][0]).joinpath("static", name).read_bytes()

"""Mounting the pages on the API's app: their routers, their static files and the two answers of their own
(a signed-out reader is sent to sign in; a form with a bad CSRF token is refused)."""

from __future__ import annotations

import functools
from importlib import resources
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from cyberins.report.statement import statement_css
from cyberins.web import forms, views
from cyberins.web.render import page
from cyberins.web.session import BadCsrf, SignInFirst, page_lang

#: name -> media type. htmx 2.0.11 from the npm registry (`npm pack htmx.org@2`), BSD Zero Clause License.
ASSETS = {"htmx.min.js": "text/javascript", "style.css": "text/css"}

static = APIRouter(include_in_schema=False)


@static.get("/static/statement.css")
def statement_stylesheet() -> Response:
    """The settlement statement's styles, from the report package (the printed page inlines the same file)."""
    return Response(statement_css(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


@static.get("/static/{name}")
def asset(name: str) -> Response:
    if name not in ASSETS:
        raise HTTPException(404, "no such file")
    return Response(_read(name), media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=3600"})


@functools.cache
def _read(name: str) -> bytes:
    return resources.files("cyberins.web").joinpath("static", name).read_bytes()


def _sign_in_first(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInFirst)
    return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)


def _bad_csrf(request: Request, exc: Exception) -> Response:
    context = {"status": 403, "message": None}
    return page(request, "refused.html.j2", page_lang(request), context, status=403)


def mount(app: FastAPI) -> None:
    for router in (views.router, forms.router, static):
        app.include_router(router)
    app.add_exception_handler(SignInFirst, _sign_in_first)
    app.add_exception_handler(BadCsrf, _bad_csrf)

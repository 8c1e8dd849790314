"""Who is looking at a page: the session cookie, its CSRF token and the page's language.

The session cookie (`cyberins_session`) is HttpOnly, SameSite=Lax and Secure over TLS; the server keeps the
session (`services.websessions`), so a logout ends it. Every form carries a CSRF token, an HMAC under the
installation's signing key of what it is bound to: the session (a hash of its secret), or on `/login` a random
pre-session cookie. The JSON API reads only bearer tokens and API keys, never these cookies.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cyberins.model.ids import Lang
from cyberins.model.messages import LANGS, preferred_lang
from cyberins.services import websessions
from cyberins.services.access import Principal
from cyberins.services.errors import Unauthenticated
from cyberins.settings import Settings
from cyberins.store.models import Organization, User

SESSION_COOKIE = "cyberins_session"
#: Binds the sign-in form's CSRF token before there is a session.
LOGIN_COOKIE = "cyberins_login"
LANG_COOKIE = "lang"
#: The language of a page nobody asked for one (issue 20: the platform's readers are in mainland China first).
DEFAULT_LANG: Lang = "zh"


class SignInFirst(Exception):
    """A signed-out reader asked for a page: answered 303 to `/login?next=<the page>`."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path
        super().__init__(next_path)


class BadCsrf(Exception):
    """A form came without its CSRF token, or with a wrong one: answered 403, nothing changed."""


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


Db = Annotated[Session, Depends(get_db)]


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def page_lang(request: Request) -> Lang:
    """`?lang=` first, then the `lang` cookie, then Accept-Language; zh when none says."""
    for asked in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if asked in LANGS:
            return "zh" if asked == "zh" else "en"
    return preferred_lang(request.headers.get("accept-language", ""), DEFAULT_LANG)


def csrf_token(settings: Settings, bound: str) -> str:
    return hmac.new(settings.signing_key.encode(), f"csrf:{bound}".encode(), hashlib.sha256).hexdigest()


def check_csrf(settings: Settings, bound: str, given: str) -> None:
    if not bound or not given or not hmac.compare_digest(csrf_token(settings, bound), given):
        raise BadCsrf()


def login_binding(request: Request) -> tuple[str, bool]:
    """The pre-session value the sign-in form is bound to, and whether it is new (to be set as a cookie)."""
    current = request.cookies.get(LOGIN_COOKIE, "")
    return (current, False) if len(current) >= 32 else (secrets.token_urlsafe(32), True)


def secure(request: Request) -> bool:
    """Cookies are Secure when the request came over TLS (as uvicorn saw it, proxies it trusts included)."""
    return request.url.scheme == "https"


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure(request), path="/")


def local_path(target: str | None) -> str:
    """A `next` that stays on this site (a path, not `//host` or a URL), else `/`."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@dataclass(frozen=True)
class Viewer:
    """The signed-in reader of a page: who, of which organization, in which language, with its CSRF token."""

    principal: Principal
    email: str
    org_name: str
    lang: Lang
    csrf: str


def viewer(request: Request, db: Db) -> Viewer:
    """The reader behind the session cookie; signed out (or revoked), `SignInFirst`."""
    raw = request.cookies.get(SESSION_COOKIE, "")
    try:
        principal = websessions.principal_from_session(db, raw)
    except Unauthenticated:
        query = f"?{request.url.query}" if request.url.query else ""
        raise SignInFirst(request.url.path + query) from None
    user = db.get(User, principal.user_id)
    org = db.get(Organization, principal.org_id)
    assert user is not None and org is not None  # principal_from_session read both
    token = csrf_token(settings_of(request), websessions.binding(raw))
    return Viewer(principal, user.email, org.name, page_lang(request), token)


ViewerDep = Annotated[Viewer, Depends(viewer)]


def check_form(request: Request, given: str) -> None:
    """Check a signed-in reader's form token against its session, before anything changes."""
    check_csrf(settings_of(request), websessions.binding(request.cookies.get(SESSION_COOKIE, "")), given)

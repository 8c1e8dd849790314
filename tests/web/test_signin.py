"""Sign-in through the pages shares the API's throttle, and what revokes tokens ends browser sessions too
(a module of its own: it locks an account, which must not disturb the other modules' world)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.platform.world import World
from tests.web.conftest import csrf_of, sign_in

Site = tuple[World, TestClient]


def test_failed_page_sign_ins_lock_the_api_too(site: Site) -> None:
    world, client = site
    page = TestClient(client.app, follow_redirects=False)
    token = csrf_of(page.get("/login").text)
    email = world.email["law_firm"]
    answers = [
        page.post("/login", data={"email": email, "password": "wrong", "csrf_token": token}).status_code
        for _ in range(world.settings.signin_account_failures)
    ]
    assert answers == [401] * world.settings.signin_account_failures
    locked = page.post("/login", data={"email": email, "password": "wrong", "csrf_token": token})
    assert locked.status_code == 429 and locked.headers["retry-after"]
    assert 'data-testid="login-error"' in locked.text
    api = client.post("/auth/token", data={"username": email, "password": "correct horse battery staple"})
    assert api.status_code == 429


def test_an_api_logout_ends_the_browser_sessions(site: Site) -> None:
    world, client = site
    page = sign_in(TestClient(client.app, follow_redirects=False), world.email["insurer_b"])
    assert page.get("/").status_code == 200
    assert client.post("/auth/logout", headers=world.headers("insurer_b")).status_code == 204
    assert page.get("/").status_code == 303

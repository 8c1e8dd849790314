"""Fixtures of the web pages' tests: the platform tests' two-market world behind the real app, and a browser
client per user that signs in through the sign-in form (its CSRF token included)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.platform.conftest import seeded
from tests.platform.world import PASSWORD, World

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page carries no csrf_token"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    """Sign `client` in through the form; its cookie jar then holds the session."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    return client


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, TestClient]]:
    """One world and app per module; `browser(user)` clients share the app."""
    with seeded(tmp_path_factory.mktemp("web")) as (world, app), TestClient(app, follow_redirects=False) as client:
        yield world, client


@pytest.fixture(scope="module")
def browser(site: tuple[World, TestClient]) -> Iterator[object]:
    """`browser(user)`: a signed-in client of the world's user (its own cookies), one per user per module."""
    world, client = site
    clients: dict[str, TestClient] = {}

    def open_as(user: str) -> TestClient:
        if user not in clients:
            other = TestClient(client.app, follow_redirects=False)
            other.__enter__()  # noqa: PLC2801 - the app's lifespan is already running in `site`
            clients[user] = sign_in(other, world.email[user])
        return clients[user]

    yield open_as
    for c in clients.values():
        c.__exit__(None, None, None)

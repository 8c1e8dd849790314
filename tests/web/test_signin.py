"""Sign-in through the pages shares the API's throttle, and what revokes tokens ends browser sessions too
(a module of its own: it locks an account, which must not disturb the other modules' world)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from cyberins.services import audit_check, websessions
from cyberins.store.models import AuditEntry
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


def test_page_sign_in_and_sign_out_are_audited_and_the_log_verifies(site: Site) -> None:
    world, client = site
    sessions = client.app.state.sessions  # type: ignore[attr-defined]

    def entries() -> list[tuple[str, str, str]]:
        with sessions() as db:
            rows = db.scalars(select(AuditEntry).where(AuditEntry.entity_type == "web_session")).all()
            return [(e.action, e.entity_id, e.actor) for e in rows]

    page = sign_in(TestClient(client.app, follow_redirects=False), world.email["broker_b"])
    raw = page.cookies["cyberins_session"]
    opened = [e for e in entries() if e[0] == "web_session.open"]
    assert opened and opened[-1][1] == websessions.binding(raw) and raw not in str(entries())
    assert page.post("/logout", data={"csrf_token": csrf_of(page.get("/").text)}).status_code == 303
    assert ("web_session.close", opened[-1][1], opened[-1][2]) in entries()
    with sessions() as db:
        report = audit_check.verify_all(db)
    assert report.ok, audit_check.as_dict(report)["discrepancies"]

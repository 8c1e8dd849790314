"""Bad input is refused with one error shape and changes nothing: oversized bodies (413), wrong types and
unknown fields (422), SQL-looking text (stored verbatim, harmless), expired tokens (401)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from cyberins.services import auth
from cyberins.services.clock import FixedClock
from cyberins.settings import Settings
from tests.platform.world import World

TABLES = ("organizations", "users", "submissions", "policies", "incidents", "payments", "audit_log", "idempotency_keys")


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}


@pytest.fixture
def unchanged(engine: Engine, world: World) -> Any:
    before = counts(engine)
    yield
    assert counts(engine) == before


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert set(error) >= {"code", "message", "fields"}
    return error


def test_oversized_bodies_are_refused_unread(client: TestClient, world: World, unchanged: None) -> None:
    huge = {"name": "x" * 2_000_000, "kind": "insured"}
    error = error_of(client.post("/organizations", json=huge, headers=world.headers("broker_a")), 413)
    assert error["code"] == "payload_too_large"

    def chunks() -> Any:  # no Content-Length: the middleware counts what arrives
        for _ in range(40):
            yield b"x" * 65536

    headers = {**world.headers("broker_a"), "Content-Type": "application/json"}
    assert client.post("/organizations", content=chunks(), headers=headers).status_code == 413


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/policies/{policy_a}/cancel", {"effective_date": "soon", "reason": "x"}, "effective_date"),
        # a number is not a date: 0 would read as 1970-01-01 and refund the whole premium (issue 16)
        ("/policies/{policy_a}/cancel", {"effective_date": 0, "reason": "x"}, "effective_date"),
        ("/policies/{policy_a}/cancel", {"effective_date": "2026-13-45", "reason": "x"}, "effective_date"),
        (
            "/incidents",
            {"policy_id": "{policy_a}", "summary": "s", "occurred_at": 0, "discovered_at": "2026-08-11T07:15:00+08:00"},
            "occurred_at",
        ),  # fmt: skip
        (
            "/incidents",
            {
                "policy_id": "{policy_a}",
                "summary": "s",
                "occurred_at": "1700000000",
                "discovered_at": "2026-08-11T07:15:00+08:00",
            },
            "occurred_at",
        ),  # fmt: skip
        ("/policies/{policy_a}/cancel", {"effective_date": "2026-09-01", "reason": "x", "version": "new"}, "version"),
        ("/policies/{policy_a}/cancel", {"effective_date": "2026-09-01", "reason": "x", "force": True}, "force"),
        ("/payments", {"incident_id": "{incident_a}", "amount": "lots", "currency": "CNY"}, "amount"),
        ("/payments", {"incident_id": "{incident_a}", "amount": "1", "currency": "CNY", "paid": 1}, "paid"),
        ("/payments", {"incident_id": "{incident_a}", "amount": "NaN", "currency": "CNY"}, "amount"),
        ("/incidents", {"policy_id": "{policy_a}", "summary": 5, "occurred_at": "x", "discovered_at": "x"}, "summary"),
        ("/organizations", {"name": "N", "kind": "pirate"}, "kind"),
        ("/organizations", {"name": "N", "kind": "insured", "country": "china"}, "country"),
    ],
)
def test_wrong_types_and_unknown_fields_answer_422(
    client: TestClient, world: World, unchanged: None, path: str, body: dict[str, Any], field: str
) -> None:
    fill = {k: v for k, v in world.ids.items()}
    path = path.format(**fill)
    body = {k: v.format(**fill) if isinstance(v, str) else v for k, v in body.items()}
    headers = {**world.headers("insurer_a"), "Idempotency-Key": "bad-1"}
    error = error_of(client.post(path, json=body, headers=headers), 422)
    assert field in [f["field"] for f in error["fields"]], error


def test_malformed_json_and_bad_paging(client: TestClient, world: World, unchanged: None) -> None:
    headers = {**world.headers("broker_a"), "Content-Type": "application/json"}
    assert error_of(client.post("/organizations", content=b'{"name": ', headers=headers), 400)["code"] == "bad_request"
    for query in ("limit=201", "limit=0", "offset=-1", "state=bogus"):
        error = error_of(client.get(f"/policies?{query}", headers=world.headers("insurer_a")), 422)
        assert error["fields"][0]["field"] == query.split("=")[0]


def test_sql_looking_text_is_stored_verbatim_and_harmless(client: TestClient, world: World, engine: Engine) -> None:
    name = "Robert'); DROP TABLE policies;--"
    created = client.post("/organizations", json={"name": name, "kind": "insured"}, headers=world.headers("broker_a"))
    assert created.status_code == 201, created.text
    fetched = client.get(f"/organizations/{created.json()['id']}", headers=world.headers("broker_a")).json()
    assert fetched["name"] == name
    hostile = "' OR '1'='1"
    listed = client.get("/policies", params={"insured_org_id": hostile}, headers=world.headers("insurer_a")).json()
    assert listed["items"] == []
    assert client.get(f"/policies/{hostile}", headers=world.headers("insurer_a")).status_code == 404
    assert counts(engine)["policies"] == 2


def test_an_expired_token_changes_nothing(
    client: TestClient, world: World, settings: Settings, unchanged: None
) -> None:
    old = auth.issue_token(world.principal["insurer_a"], settings, FixedClock(datetime.now(UTC) - timedelta(days=1)))
    headers = {"Authorization": f"Bearer {old.access_token}"}
    body = {"effective_date": "2026-09-01", "reason": "x"}
    error = error_of(client.post(f"/policies/{world.ids['policy_a']}/cancel", json=body, headers=headers), 401)
    assert error["code"] == "unauthenticated"


def test_unknown_routes_and_methods_use_the_same_error_shape(client: TestClient, world: World) -> None:
    assert error_of(client.get("/nowhere", headers=world.headers("insurer_a")), 404)["code"] == "not_found"
    assert error_of(client.put("/health"), 405)["code"] == "method_not_allowed"


def test_values_no_column_can_store_are_refused(client: TestClient, world: World, unchanged: None) -> None:
    """Found by the schema fuzz on PostgreSQL: a NUL character (text and JSONB refuse it) and an amount past
    NUMERIC(20, 4) once reached the database and answered 500; now they are invalid input."""
    insurer = {**world.headers("insurer_a"), "Idempotency-Key": "nul-1"}
    assert error_of(client.get("/policies/a%00b", headers=insurer), 422)["fields"][0]["field"] == "policy_id"
    assert error_of(client.get("/services?category=x%00", headers=insurer), 422)["fields"][0]["field"] == "category"
    body = {"insured_org_id": world.org["insured_a"], "premium": "1", "currency": "CNY", "document": {"n": ["a\x00"]}}
    error = error_of(client.post("/policies", json=body, headers=insurer), 422)
    assert "document.n[0]" in error["fields"][0]["message"]
    huge = {**body, "document": {}, "premium": "1" + "0" * 16}
    assert error_of(client.post("/policies", json=huge, headers=insurer), 422)["fields"][0]["field"] == "premium"

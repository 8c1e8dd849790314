"""Concurrent retries of one request (same `Idempotency-Key`) all get the first response: the key is claimed
before the operation runs, so a retry racing the first attempt waits for it and replays what it stored —
never the state machine's 409 that running the operation twice would give (issue 16 §2)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberins.services import underwriting
from cyberins.store.models import PolicyRecord
from tests.platform.test_claims_engines import FINDINGS
from tests.platform.world import World, policy_document, profile

RETRIES = 20


def _race(client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> list[tuple[int, Any, str]]:
    """`RETRIES` threads send the same request at once; their (status, body, replayed header)."""
    start = threading.Barrier(RETRIES)

    def send(_: int) -> tuple[int, Any, str]:
        start.wait()
        response = client.post(path, json=body, headers=headers)
        return response.status_code, response.json(), response.headers.get("Idempotent-Replayed", "")

    with ThreadPoolExecutor(RETRIES) as pool:
        return list(pool.map(send, range(RETRIES)))


def test_concurrent_settle_retries_get_the_first_response(client: TestClient, world: World) -> None:
    incident, insurer = world.ids["fresh_incident_a"], world.headers("insurer_a")
    client.post(f"/incidents/{incident}/assign", json={"responder_org_id": world.org["responder_a"]}, headers=insurer)
    forensics = client.post(
        f"/incidents/{incident}/forensics", json={"findings": FINDINGS}, headers=world.headers("responder_a")
    )
    assert forensics.status_code == 200, forensics.text
    for step in ("decide", "adjust"):
        assert client.post(f"/incidents/{incident}/{step}", json={}, headers=insurer).status_code == 200
    results = _race(client, f"/incidents/{incident}/settle", {}, {**insurer, "Idempotency-Key": "settle-race"})
    assert {status for status, _, _ in results} == {200}, [r for r in results if r[0] != 200]
    assert len({json.dumps(body, sort_keys=True) for _, body, _ in results}) == 1  # the same body, the first attempt's
    assert sorted(replayed for _, _, replayed in results) == ["false"] + ["true"] * (RETRIES - 1)


def test_concurrent_bind_retries_bind_once(client: TestClient, world: World, session: Session) -> None:
    insurer_principal = world.principal["insurer_a"]
    sub = underwriting.submit(
        session, world.principal["broker_a"], world.org["insurer_a"], profile("Race Ltd"), world.org["insured_a"]
    )
    underwriting.record_assessment(session, insurer_principal, sub.id, {"aal": "10500"}, seed=42)
    underwriting.record_quote(session, insurer_principal, sub.id, Decimal("36500"), "CNY", {"tier": "a"})
    body = {"document": policy_document("sme-standalone-cny.yaml", "CY-RACE-1"), "premium": "36500", "currency": "CNY"}
    headers = {**world.headers("insurer_a"), "Idempotency-Key": "bind-race"}
    results = _race(client, f"/submissions/{sub.id}/bind", body, headers)
    assert {status for status, _, _ in results} == {201}, [r for r in results if r[0] != 201]
    assert len({json.dumps(body, sort_keys=True) for _, body, _ in results}) == 1
    count = session.scalar(
        select(func.count()).select_from(PolicyRecord).where(PolicyRecord.policy_number == "CY-RACE-1")
    )
    assert count == 1

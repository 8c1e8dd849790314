"""Claims lifecycle through the HTTP app and the services, late notice, and payments that never pay twice."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberins.services import claims, payments
from cyberins.services.clock import FixedClock
from cyberins.store.models import Payment
from tests.platform.world import World


def _settle(session: Session, world: World, incident_id: str, payable: str) -> None:
    insurer = world.principal["insurer_a"]
    claims.assign_responder(session, insurer, incident_id, world.org["responder_a"])
    claims.submit_forensics(session, world.principal["responder_a"], incident_id, {"root_cause": "phishing"})
    claims.record_coverage_decision(session, insurer, incident_id, {"covered": ["incident_response"]}, True)
    claims.record_loss_adjustment(session, insurer, incident_id, {"invoices": 3}, Decimal("90000"))
    claims.record_settlement(session, insurer, incident_id, {"statement": []}, Decimal(payable))


def test_a_claim_runs_from_report_to_close_and_reopens(client: TestClient, world: World, session: Session) -> None:
    insurer, responder = world.headers("insurer_a"), world.headers("responder_a")
    incident = world.ids["fresh_incident_a"]
    assert client.get(f"/incidents/{incident}", headers=responder).status_code == 404
    assigned = client.post(
        f"/incidents/{incident}/assign",
        json={"responder_org_id": world.org["responder_a"], "version": 1},
        headers=insurer,
    )
    assert assigned.json()["state"] == "responder_assigned", assigned.text
    forensics = client.post(
        f"/incidents/{incident}/forensics", json={"findings": {"ioc": ["1.2.3.4"]}}, headers=responder
    )
    assert forensics.json()["state"] == "forensics_submitted"
    assert forensics.json()["documents"]["forensics"][0]["findings"] == {"ioc": ["1.2.3.4"]}
    claims.record_coverage_decision(session, world.principal["insurer_a"], incident, {"covered": ["legal"]}, True)
    claims.record_loss_adjustment(session, world.principal["insurer_a"], incident, {}, Decimal("42000"))
    claims.record_settlement(session, world.principal["insurer_a"], incident, {}, Decimal("32000.50"))
    early_close = client.post(f"/incidents/{incident}/close", json={}, headers=insurer)
    assert early_close.status_code == 409 and "still to be paid" in early_close.json()["error"]["message"]
    paid = client.post(
        "/payments",
        json={"incident_id": incident, "amount": "32000.50", "currency": "CNY"},
        headers={**insurer, "Idempotency-Key": "pay-1"},
    )
    assert paid.status_code == 201 and paid.json()["amount"] == "32000.50"
    after = client.get(f"/incidents/{incident}", headers=world.headers("insured_a")).json()
    assert (after["state"], after["paid_amount"], after["settled_amount"]) == ("paid", "32000.50", "32000.50")
    assert (
        client.post(f"/incidents/{incident}/close", json={"reason": "paid"}, headers=insurer).json()["state"]
        == "closed"
    )
    assert client.post(f"/incidents/{incident}/reopen", json={"reason": ""}, headers=insurer).status_code == 422
    reopened = client.post(f"/incidents/{incident}/reopen", json={"reason": "new invoice"}, headers=insurer)
    assert reopened.json()["state"] == "reopened"
    assert reopened.json()["documents"]["reopened"][0]["reason"] == "new invoice"


def test_illegal_transitions_answer_409_with_the_current_state(client: TestClient, world: World) -> None:
    insurer = world.headers("insurer_a")
    incident = world.ids["fresh_incident_a"]
    for path, body in ((f"/incidents/{incident}/close", {}), (f"/incidents/{incident}/reopen", {"reason": "x"})):
        response = client.post(path, json=body, headers=insurer)
        assert response.status_code == 409
        assert response.json()["error"]["current_state"] == "reported"
    pay = {"incident_id": incident, "amount": "1", "currency": "CNY"}
    response = client.post("/payments", json=pay, headers={**insurer, "Idempotency-Key": "early"})
    assert response.status_code == 409 and response.json()["error"]["current_state"] == "reported"
    stale = client.post(
        f"/incidents/{incident}/assign",
        json={"responder_org_id": world.org["responder_a"], "version": 3},
        headers=insurer,
    )
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 1


def test_a_responder_off_the_panel_cannot_be_assigned(client: TestClient, world: World) -> None:
    body = {"responder_org_id": world.org["responder_b"]}
    response = client.post(
        f"/incidents/{world.ids['fresh_incident_a']}/assign", json=body, headers=world.headers("insurer_a")
    )
    assert response.status_code == 404


def test_notice_after_the_reporting_deadline_is_denied_as_late(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    # the SME policy asks for notice within 30 days of discovery (rule 10)
    body = {
        "policy_id": world.ids["policy_a"],
        "summary": "old breach",
        "occurred_at": (clock.now() - timedelta(days=45)).isoformat(),
        "discovered_at": (clock.now() - timedelta(days=31)).isoformat(),
    }
    late = client.post("/incidents", json=body, headers=world.headers("insured_a"))
    assert late.status_code == 201, late.text
    assert late.json()["state"] == "denied"
    assert late.json()["documents"]["decision"]["reason"] == "late_notice"
    body["discovered_at"] = (clock.now() - timedelta(days=29)).isoformat()
    assert client.post("/incidents", json=body, headers=world.headers("broker_a")).json()["state"] == "reported"


def test_notice_exactly_at_the_deadline_is_in_time_and_one_second_later_is_late(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    # reported now (the platform's clock): discovered 30 days ago to the second is the deadline itself (rule 10)
    at_deadline = clock.now() - timedelta(days=30)
    body = {
        "policy_id": world.ids["policy_a"],
        "summary": "breach found a month ago",
        "occurred_at": (at_deadline - timedelta(days=1)).isoformat(),
        "discovered_at": at_deadline.isoformat(),
    }
    in_time = client.post("/incidents", json=body, headers=world.headers("insured_a"))
    assert in_time.status_code == 201, in_time.text
    assert in_time.json()["state"] == "reported" and "decision" not in in_time.json()["documents"]
    body["discovered_at"] = (at_deadline - timedelta(seconds=1)).isoformat()
    late = client.post("/incidents", json=body, headers=world.headers("insured_a")).json()
    assert late["state"] == "denied" and late["documents"]["decision"]["reason"] == "late_notice"
    assert datetime.fromisoformat(late["documents"]["decision"]["deadline"]) == clock.now() - timedelta(seconds=1)


def test_incident_times_must_make_sense(client: TestClient, world: World, clock: FixedClock) -> None:
    base = {"policy_id": world.ids["policy_a"], "summary": "x"}
    cases = [
        ({"occurred_at": "2026-08-10T00:00:00Z", "discovered_at": "2026-08-09T00:00:00Z"}, "discovered_at"),
        ({"occurred_at": "2026-08-10T00:00:00Z", "discovered_at": "2026-09-09T00:00:00Z"}, "discovered_at"),
        ({"occurred_at": "2026-08-10T00:00:00", "discovered_at": "2026-08-11T00:00:00Z"}, "occurred_at"),
    ]
    for times, field in cases:
        response = client.post("/incidents", json={**base, **times}, headers=world.headers("insured_a"))
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["field"] == field


def test_a_retried_payment_never_pays_twice(client: TestClient, world: World, session: Session) -> None:
    incident = world.ids["fresh_incident_a"]
    _settle(session, world, incident, "50000")
    body = {"incident_id": incident, "amount": "30000", "currency": "CNY"}
    headers = {**world.headers("insurer_a"), "Idempotency-Key": "7d2b-retry"}
    first = client.post("/payments", json=body, headers=headers)
    second = client.post("/payments", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert (first.headers["Idempotent-Replayed"], second.headers["Idempotent-Replayed"]) == ("false", "true")
    other = client.post("/payments", json={**body, "amount": "20000"}, headers=headers)
    assert other.status_code == 422 and other.json()["error"]["fields"][0]["field"] == "Idempotency-Key"
    # a retry that bypasses HTTP (a worker re-running the use case) finds the payment by its key
    payment, created = payments.pay_claim(
        session, world.principal["insurer_a"], incident, Decimal("30000"), "CNY", "7d2b-retry"
    )
    assert (payment.id, created) == (first.json()["id"], False)
    count = session.scalar(select(func.count()).select_from(Payment).where(Payment.incident_id == incident))
    assert count == 1
    over = client.post("/payments", json={**body, "amount": "20000.01"}, headers={**headers, "Idempotency-Key": "k2"})
    assert over.status_code == 422 and over.json()["error"]["fields"][0]["field"] == "amount"
    rest = client.post("/payments", json={**body, "amount": "20000"}, headers={**headers, "Idempotency-Key": "k3"})
    assert rest.status_code == 201
    assert client.get(f"/incidents/{incident}", headers=world.headers("insurer_a")).json()["state"] == "paid"
    listed = client.get(f"/payments?incident_id={incident}", headers=world.headers("insured_a")).json()
    assert sorted(p["amount"] for p in listed["items"]) == ["20000.00", "30000.00"]
    # the insured learns which insurer paid, never the internal id of the user who did (issue 16)
    payer = world.principal["insurer_a"].user_id
    assert payer is not None and payer not in json.dumps(listed)
    assert all(p["insurer_org_id"] == world.org["insurer_a"] for p in listed["items"])


def test_payments_need_an_idempotency_key(client: TestClient, world: World) -> None:
    body = {"incident_id": world.ids["incident_a"], "amount": "1", "currency": "CNY"}
    response = client.post("/payments", json=body, headers=world.headers("insurer_a"))
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [{"field": "Idempotency-Key", "message": "Field required"}]

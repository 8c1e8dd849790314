"""Case reserves through HTTP: a handler's reserve before findings, the engine's estimate from them, the payable
still unpaid from adjustment on, nil once paid; each change a new, audited row; the insurer's staff read them,
the claimant, its broker and the responder are refused (403), another market's insurer sees nothing (404).
Expected estimates come from `cyberins.reserving.case_reserve` called here directly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberins.model.incident import Incident
from cyberins.model.policy import Policy
from cyberins.reserving import case_reserve
from cyberins.services import audit_check
from cyberins.store.models import AuditEntry, CaseReserveRecord
from tests.platform.world import World, policy_document

FINDINGS: dict[str, Any] = {
    "event_types": ["personal_information_breach"],
    "records_affected": {"personal_information": 20000},
    "costs": [{"category": "forensics", "amount": "68000", "insurer_consent": True}],
}


def _reserves(client: TestClient, world: World, incident: str, party: str = "insurer_a") -> dict[str, Any]:
    response = client.get(f"/incidents/{incident}/reserves", headers=world.headers(party))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert Decimal(body["incurred"]) == Decimal(body["paid"]) + Decimal(body["case_reserve"])
    return body


def _set(client: TestClient, world: World, incident: str, body: dict[str, Any], party: str = "insurer_a_claims") -> Any:
    return client.post(f"/incidents/{incident}/reserves", json=body, headers=world.headers(party))


def _field(response: Any) -> str:
    assert response.status_code == 422, response.text
    field: str = response.json()["error"]["fields"][0]["field"]
    return field


def test_a_reserve_from_report_to_payment(client: TestClient, world: World, session: Session) -> None:
    incident = world.ids["fresh_incident_a"]
    insurer = world.headers("insurer_a")
    assert _reserves(client, world, incident) | {"history": None} == {
        "incident_id": incident, "currency": "CNY", "case_reserve": "0.00", "paid": "0.00", "incurred": "0.00",
        "history": None,
    }  # fmt: skip
    # before findings there is nothing to estimate from: the handler gives an amount and says why
    assert _field(_set(client, world, incident, {})) == "reserve_amount"
    assert _field(_set(client, world, incident, {"reserve_amount": "250000"})) == "reserve_reason"
    assert _field(_set(client, world, incident, {"reserve_amount": "1.005", "reserve_reason": "x"})) == "reserve_amount"
    assert _field(_set(client, world, incident, {"reserve_amount": "-1", "reserve_reason": "x"})) == "reserve_amount"
    above = _set(client, world, incident, {"reserve_amount": "2000000.01", "reserve_reason": "x"})  # the aggregate
    assert _field(above) == "reserve_amount" and "2000000" in above.json()["error"]["fields"][0]["message"]
    handler = _set(client, world, incident, {"reserve_amount": "250000.10", "reserve_reason": " phishing, ERP down "})
    assert handler.status_code == 201, handler.text
    body = handler.json()
    assert (body["case_reserve"], body["incurred"]) == ("250000.10", "250000.10")
    [row] = body["history"]
    assert (row["seq"], row["amount"], row["basis"], row["reason"]) == (1, "250000.10", "handler", "phishing, ERP down")
    assert row["set_by"] == f"user:{world.principal['insurer_a_claims'].user_id}"

    # findings arrive: the claims engine estimates from them, through the policy's terms
    client.post(f"/incidents/{incident}/assign", json={"responder_org_id": world.org["responder_a"]}, headers=insurer)
    filed = client.post(
        f"/incidents/{incident}/forensics", json={"findings": FINDINGS}, headers=world.headers("responder_a")
    )
    assert filed.status_code == 200, filed.text
    stored = filed.json()
    times = {k: stored[k] for k in ("occurred_at", "discovered_at", "reported_at")}
    policy = Policy.model_validate(policy_document("sme-standalone-cny.yaml", "T-A-0001"))
    expected = case_reserve(Incident.model_validate(FINDINGS | times), policy, "forensics_submitted")
    assert expected.estimates and expected.case_reserve > Decimal("58000")  # invoices and records-driven costs
    estimated = _set(client, world, incident, {"reserve_reason": "responder's findings"})
    assert estimated.status_code == 201, estimated.text
    body = estimated.json()
    assert Decimal(body["case_reserve"]) == expected.case_reserve
    assert body["history"][-1]["basis"] == "estimate"
    assert body["history"][-1]["detail"]["estimates"] == [e.to_json() for e in expected.estimates]

    # from adjustment on the reserve follows the payable still unpaid, set by the transitions themselves
    for step in ("decide", "adjust"):
        assert client.post(f"/incidents/{incident}/{step}", json={}, headers=insurer).status_code == 200
    refused = _set(client, world, incident, {"reserve_amount": "1", "reserve_reason": "x"})
    assert refused.status_code == 409, refused.text
    adjusted = _reserves(client, world, incident)
    assert adjusted["history"][-1]["basis"] == "adjusted"
    settled = client.post(f"/incidents/{incident}/settle", json={}, headers={**insurer, "Idempotency-Key": "s-1"})
    payable = Decimal(settled.json()["settled_amount"])
    assert Decimal(adjusted["case_reserve"]) == payable  # the same findings, the same engine
    part = {"incident_id": incident, "amount": "10000.00", "currency": "CNY"}
    assert client.post("/payments", json=part, headers={**insurer, "Idempotency-Key": "p-1"}).status_code == 201
    after_part = _reserves(client, world, incident)
    assert Decimal(after_part["case_reserve"]) == payable - Decimal("10000")
    assert Decimal(after_part["incurred"]) == payable
    rest = {**part, "amount": format(payable - Decimal("10000"), "f")}
    assert client.post("/payments", json=rest, headers={**insurer, "Idempotency-Key": "p-2"}).status_code == 201
    assert client.post(f"/incidents/{incident}/close", json={}, headers=insurer).json()["state"] == "closed"
    final = _reserves(client, world, incident)
    assert (Decimal(final["case_reserve"]), Decimal(final["incurred"])) == (0, payable)
    assert [(r["seq"], r["basis"]) for r in final["history"]] == [
        (1, "handler"),
        (2, "estimate"),
        (3, "adjusted"),
        (4, "adjusted"),
        (5, "nil"),
    ]  # adjusted at the adjustment, again after the first payment; paid in full: nil (closing changes nothing)

    # every row is audited in its own entry, and the log reconciles with the rows
    rows = session.scalars(select(CaseReserveRecord).where(CaseReserveRecord.incident_id == incident)).all()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "case_reserve")).all()
    assert {e.entity_id for e in entries if e.action == "case_reserve.set"} >= {r.id for r in rows}
    assert audit_check.verify_all(session).ok


def test_only_the_insurers_staff_read_reserves(client: TestClient, world: World) -> None:
    incident = world.ids["incident_a"]  # settled at 50,000 with 20,000 paid by the world
    seeded = _reserves(client, world, incident, "insurer_a_viewer")
    assert (seeded["case_reserve"], seeded["paid"], seeded["incurred"]) == ("30000.00", "20000.00", "50000.00")
    for party in ("insured_a", "insured_a_viewer", "broker_a", "responder_a"):  # they see the claim, not its reserve
        assert client.get(f"/incidents/{incident}", headers=world.headers(party)).status_code == 200
        response = client.get(f"/incidents/{incident}/reserves", headers=world.headers(party))
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", party
    for party in ("insurer_b", "insured_b", "law_firm"):
        response = client.get(f"/incidents/{incident}/reserves", headers=world.headers(party))
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", party
    fresh = world.ids["fresh_incident_a"]
    body = {"reserve_amount": "1000", "reserve_reason": "x"}
    assert _set(client, world, fresh, body, "insurer_a_viewer").status_code == 403
    assert _set(client, world, fresh, body, "insurer_b").status_code == 404
    assert _reserves(client, world, fresh)["history"] == []


def test_a_denied_claim_releases_its_reserve(client: TestClient, world: World) -> None:
    incident = world.ids["fresh_incident_a"]
    insurer = world.headers("insurer_a")
    assert (
        _set(client, world, incident, {"reserve_amount": "80000", "reserve_reason": "legal costs claimed"}).status_code
        == 201
    )
    client.post(f"/incidents/{incident}/assign", json={"responder_org_id": world.org["responder_a"]}, headers=insurer)
    findings = {"event_types": ["unauthorized_access"], "costs": [{"category": "legal", "amount": "30000"}]}
    filed = client.post(
        f"/incidents/{incident}/forensics", json={"findings": findings}, headers=world.headers("responder_a")
    )
    assert filed.status_code == 200, filed.text
    decided = client.post(f"/incidents/{incident}/decide", json={}, headers=insurer)
    assert decided.json()["state"] == "denied", decided.text  # the SME wording buys no legal costs
    body = _reserves(client, world, incident)
    assert [(r["basis"], r["amount"]) for r in body["history"]] == [("handler", "80000.00"), ("nil", "0.00")]
    assert body["history"][-1]["detail"] == {"state": "denied", "paid": "0"}
    assert client.post(f"/incidents/{incident}/close", json={}, headers=insurer).json()["state"] == "closed"
    reopened = client.post(f"/incidents/{incident}/reopen", json={"reason": "new evidence"}, headers=insurer)
    assert reopened.json()["state"] == "reopened"  # a reopened claim is reserved again by the handler
    assert _set(client, world, incident, {"reserve_amount": "5000", "reserve_reason": "re-review"}).status_code == 201
    assert [r["basis"] for r in _reserves(client, world, incident)["history"]] == ["handler", "nil", "handler"]

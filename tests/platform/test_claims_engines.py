"""Claims through HTTP with the engine wired in: coverage decision, loss adjustment and settlement from the
incident findings, the responder who may file findings but not decide, 409 from the wrong state, and a second
claim on a policy settled against what the first one already used (rule 11). Expected amounts come from
`cyberins.claims.adjust_claim` called here directly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from cyberins.claims import adjust_claim
from cyberins.model.ids import Coverage
from cyberins.model.incident import Incident
from cyberins.model.policy import Policy
from tests.platform.world import World, policy_document

FINDINGS: dict[str, Any] = {
    "event_types": ["ransomware"],
    "attribution": {"confidence": "medium"},
    "root_cause": {"kind": "phishing"},
    "costs": [
        {"category": "forensics", "amount": "68000", "insurer_consent": True},
        {"category": "restoration", "amount": "96000", "insurer_consent": True},
    ],
}


def _expected(stored: dict[str, Any], findings: dict[str, Any], prior: dict[Coverage, Decimal] | None = None) -> Any:
    """What the engine pays for `findings` on the stored incident (its times) under the SME wording."""
    times = {k: stored[k] for k in ("occurred_at", "discovered_at", "reported_at")}
    policy = Policy.model_validate(policy_document("sme-standalone-cny.yaml", "T-A-0001"))
    return adjust_claim(Incident.model_validate(findings | times), policy, prior)


def _report(client: TestClient, world: World, summary: str) -> str:
    body = {
        "policy_id": world.ids["policy_a"],
        "summary": summary,
        "occurred_at": "2026-08-13T09:00:00+08:00",
        "discovered_at": "2026-08-14T09:00:00+08:00",
    }
    response = client.post("/incidents", json=body, headers=world.headers("insured_a"))
    assert response.status_code == 201, response.text
    incident_id: str = response.json()["id"]
    return incident_id


def _to_forensics(client: TestClient, world: World, incident: str, findings: dict[str, Any]) -> None:
    insurer = world.headers("insurer_a")
    client.post(f"/incidents/{incident}/assign", json={"responder_org_id": world.org["responder_a"]}, headers=insurer)
    filed = client.post(
        f"/incidents/{incident}/forensics", json={"findings": findings}, headers=world.headers("responder_a")
    )
    assert filed.status_code == 200, filed.text


def _through_settlement(client: TestClient, world: World, incident: str, key: str) -> dict[str, Any]:
    insurer = world.headers("insurer_a")
    for step in ("decide", "adjust"):
        response = client.post(f"/incidents/{incident}/{step}", json={}, headers=insurer)
        assert response.status_code == 200, response.text
    settled = client.post(f"/incidents/{incident}/settle", json={}, headers={**insurer, "Idempotency-Key": key})
    assert settled.status_code == 200, settled.text
    body: dict[str, Any] = settled.json()
    return body


def test_a_claim_is_decided_adjusted_and_settled_by_the_engine(client: TestClient, world: World) -> None:
    incident = world.ids["fresh_incident_a"]
    insurer = world.headers("insurer_a")
    _to_forensics(client, world, incident, FINDINGS)
    refused = client.post(f"/incidents/{incident}/decide", json={}, headers=world.headers("responder_a"))
    assert refused.status_code == 403  # the responder files findings but does not decide cover
    decided = client.post(f"/incidents/{incident}/decide", json={}, headers=insurer)
    assert decided.status_code == 200, decided.text
    decision = decided.json()["documents"]["decision"]
    assert decided.json()["state"] == "coverage_decided" and decision["covered"] is True
    assert decision["coverages"]["incident_response"]["status"] == "covered"
    assert decision["findings"]["costs"][0]["amount"] == "68000"  # the responder's findings were read
    expected = _expected(decided.json(), FINDINGS)
    adjusted = client.post(f"/incidents/{incident}/adjust", json={}, headers=insurer).json()
    assert adjusted["state"] == "loss_adjusted"
    assert Decimal(adjusted["documents"]["adjustment"]["adjusted_loss"]) == sum(expected.adjusted_loss.values())
    no_key = client.post(f"/incidents/{incident}/settle", json={}, headers=insurer)
    assert no_key.status_code == 422 and no_key.json()["error"]["fields"][0]["field"] == "Idempotency-Key"
    headers = {**insurer, "Idempotency-Key": "settle-1"}
    settled = client.post(f"/incidents/{incident}/settle", json={}, headers=headers)
    assert settled.status_code == 200, settled.text
    assert settled.json()["state"] == "settled"
    assert Decimal(settled.json()["settled_amount"]) == expected.total_payable == Decimal("144000")
    statement = settled.json()["documents"]["settlement"]
    assert statement["payable_by_coverage"] == {c.value: str(v) for c, v in expected.payable.items()}
    assert any(line["step"] == "retention" for line in statement["statement"])
    replay = client.post(f"/incidents/{incident}/settle", json={}, headers=headers)
    assert replay.json() == settled.json() and replay.headers["Idempotent-Replayed"] == "true"
    pay = {"incident_id": incident, "amount": settled.json()["settled_amount"], "currency": "CNY"}
    assert client.post("/payments", json=pay, headers={**insurer, "Idempotency-Key": "p-1"}).status_code == 201
    assert client.post(f"/incidents/{incident}/close", json={}, headers=insurer).json()["state"] == "closed"


def test_a_second_claim_settles_against_what_the_first_used(client: TestClient, world: World) -> None:
    def forensics(amount: str) -> dict[str, Any]:
        cost = {"category": "forensics", "amount": amount, "insurer_consent": True}
        return {"event_types": ["malware"], "costs": [cost]}

    big, small = forensics("460000"), forensics("100000")
    first, second = _report(client, world, "first"), _report(client, world, "second")
    _to_forensics(client, world, first, big)
    _to_forensics(client, world, second, small)
    assert _through_settlement(client, world, first, "s-first")["settled_amount"] == "450000.00"
    settled = _through_settlement(client, world, second, "s-second")
    # incident response: 500,000 sublimit, 10,000 retention; the first claim used 450,000 of it
    prior = {Coverage.INCIDENT_RESPONSE: Decimal("450000.00")}
    assert _expected(settled, small).total_payable == Decimal("90000")  # what it would pay alone
    assert _expected(settled, small, prior).total_payable == Decimal("50000")
    assert settled["settled_amount"] == "50000.00"
    statement = settled["documents"]["settlement"]
    assert statement["prior_paid"] == {"incident_response": "450000.00"}
    assert any(line["step"] == "sublimit" for line in statement["statement"]), statement["statement"]


def test_engine_steps_answer_409_from_the_wrong_state(client: TestClient, world: World) -> None:
    insurer = world.headers("insurer_a")
    incident = world.ids["fresh_incident_a"]
    for step in ("decide", "adjust"):
        response = client.post(f"/incidents/{incident}/{step}", json={"findings": FINDINGS}, headers=insurer)
        assert response.status_code == 409 and response.json()["error"]["current_state"] == "reported"
    settle = client.post(f"/incidents/{incident}/settle", json={}, headers={**insurer, "Idempotency-Key": "early"})
    assert settle.status_code == 409 and settle.json()["error"]["current_state"] == "reported"
    _to_forensics(client, world, incident, FINDINGS)
    adjust = client.post(f"/incidents/{incident}/adjust", json={}, headers=insurer)
    assert adjust.status_code == 409 and adjust.json()["error"]["current_state"] == "forensics_submitted"
    stale = client.post(f"/incidents/{incident}/decide", json={"version": 1}, headers=insurer)
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 3
    settled = world.ids["incident_a"]
    again = client.post(f"/incidents/{settled}/decide", json={"findings": FINDINGS}, headers=insurer)
    assert again.status_code == 409 and again.json()["error"]["current_state"] == "settled"


def test_findings_are_validated_naming_the_field(client: TestClient, world: World) -> None:
    insurer = world.headers("insurer_a")
    incident = world.ids["fresh_incident_a"]
    _to_forensics(client, world, incident, {"root_cause": "rdp"})  # free-form notes, not yet an incident file
    cases = [
        ({}, "findings.root_cause"),
        ({"findings": {**FINDINGS, "event_types": ["sorcery"]}}, "findings.event_types[0]"),
        ({"findings": {**FINDINGS, "policy": {"currency": "CNY"}}}, "findings.policy"),
        ({"findings": {**FINDINGS, "reported_at": "2026-08-14T10:00:00+08:00"}}, "findings.reported_at"),
        ({"findings": {**FINDINGS, "currency": "USD"}}, "findings.currency"),
    ]
    for body, field in cases:
        response = client.post(f"/incidents/{incident}/decide", json=body, headers=insurer)
        assert response.status_code == 422, (field, response.text)
        assert field in [f["field"] for f in response.json()["error"]["fields"]], response.text
    current = client.get(f"/incidents/{incident}", headers=insurer).json()
    assert current["state"] == "forensics_submitted"  # nothing was recorded by a refused step


def test_an_excluded_incident_is_denied(client: TestClient, world: World) -> None:
    incident = world.ids["fresh_incident_a"]
    _to_forensics(client, world, incident, {**FINDINGS, "attribution": {"war": True, "confidence": "high"}})
    denied = client.post(f"/incidents/{incident}/decide", json={}, headers=world.headers("insurer_a"))
    assert denied.status_code == 200, denied.text
    assert denied.json()["state"] == "denied" and denied.json()["documents"]["decision"]["covered"] is False
    war = denied.json()["documents"]["decision"]["coverages"]["incident_response"]
    assert war["status"] == "excluded" and "war" in {r["code"] for r in war["reasons"]}


def test_a_claim_under_attribution_review_waits(client: TestClient, world: World) -> None:
    """Rule 20: state-backed with less than the policy's required confidence: decided and adjusted, not settled."""
    incident = world.ids["fresh_incident_a"]
    review = {**FINDINGS, "attribution": {"state_backed": True, "confidence": "medium"}}
    _to_forensics(client, world, incident, review)
    insurer = world.headers("insurer_a")
    for step in ("decide", "adjust"):
        assert client.post(f"/incidents/{incident}/{step}", json={}, headers=insurer).status_code == 200
    before = client.get(f"/incidents/{incident}", headers=insurer).json()
    waiting = client.post(f"/incidents/{incident}/settle", json={}, headers={**insurer, "Idempotency-Key": "r20"})
    assert waiting.status_code == 409, waiting.text
    assert "under review" in waiting.json()["error"]["message"]
    after = client.get(f"/incidents/{incident}", headers=insurer).json()
    assert (
        after["state"] == before["state"] and after["settled_amount"] is None and after["version"] == before["version"]
    )
    # the attribution settled (found not state-backed), the same claim settles
    settled = client.post(
        f"/incidents/{incident}/settle",
        json={"findings": {**FINDINGS, "attribution": {"state_backed": False, "confidence": "high"}}},
        headers={**insurer, "Idempotency-Key": "r20-b"},
    )
    assert settled.status_code == 200, settled.text

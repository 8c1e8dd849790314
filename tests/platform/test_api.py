"""The HTTP surface: public routes, OpenAPI with examples, paging and filters, registering parties."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cyberins.store import head_revision
from tests.platform.world import PASSWORD, World


def test_public_routes(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}
    assert client.get("/version").json()["schema_revision"] == head_revision()
    catalog = client.get("/catalog").json()
    ransomware = next(e for e in catalog["event_types"] if e["id"] == "ransomware")
    assert ransomware["label"]["zh"] and ransomware["label"]["en"]


def test_openapi_documents_examples_security_and_errors(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]
    assert {"OAuth2PasswordBearer", "APIKeyHeader"} <= set(components["securitySchemes"])
    for name in ("PolicyCreate", "IncidentCreate", "PaymentCreate", "OrganizationCreate", "PolicyCancel"):
        assert components["schemas"][name].get("examples"), name
    pay = schema["paths"]["/payments"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in pay["parameters"])
    assert {"401", "404", "409", "422"} <= set(pay["responses"])
    token = schema["paths"]["/auth/token"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(token)


def test_paging_and_filters(client: TestClient, world: World) -> None:
    headers = world.headers("insurer_a")
    everything = client.get("/incidents", headers=headers).json()
    assert everything["total"] == 2 and everything["limit"] == 50
    first = client.get("/incidents?limit=1", headers=headers).json()
    second = client.get("/incidents?limit=1&offset=1", headers=headers).json()
    assert (first["total"], len(first["items"]), len(second["items"])) == (2, 1, 1)
    assert first["items"][0]["id"] != second["items"][0]["id"]
    settled = client.get("/incidents?state=settled", headers=headers).json()["items"]
    assert [i["id"] for i in settled] == [world.ids["incident_a"]]
    by_policy = client.get(f"/incidents?policy_id={world.ids['policy_a']}", headers=headers).json()
    assert by_policy["total"] == 2
    assert client.get("/policies?state=cancelled", headers=headers).json()["total"] == 0
    assert client.get("/services?category=monitoring", headers=headers).json()["total"] == 1


def test_a_broker_registers_a_client_who_can_then_sign_in(client: TestClient, world: World) -> None:
    body = {
        "name": "New Client Co",
        "kind": "insured",
        "country": "CN",
        "admin": {"email": "boss@newclient.example", "name": "Boss", "role": "admin", "password": PASSWORD},
    }
    created = client.post("/organizations", json=body, headers=world.headers("broker_a"))
    assert created.status_code == 201, created.text
    org_id = created.json()["id"]
    listed = client.get("/organizations?kind=insured", headers=world.headers("broker_a")).json()["items"]
    assert org_id in {o["id"] for o in listed}
    assert client.get(f"/organizations/{org_id}", headers=world.headers("broker_b")).status_code == 404
    token = client.post("/auth/token", data={"username": "boss@newclient.example", "password": PASSWORD}).json()
    me = client.get("/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert me["organization"]["id"] == org_id and me["role"] == "admin"
    again = client.post("/organizations", json={**body, "admin": None}, headers=world.headers("broker_a"))
    assert again.status_code == 409
    provider = client.post(
        "/organizations", json={"name": "IR", "kind": "incident_responder"}, headers=world.headers("broker_a")
    )
    assert provider.status_code == 422 and provider.json()["error"]["fields"][0]["field"] == "kind"


def test_an_insurer_builds_its_panel_and_a_provider_publishes(client: TestClient, world: World) -> None:
    added = client.post(
        "/panel", json={"provider_org_id": world.org["responder_b"]}, headers=world.headers("insurer_a")
    )
    assert added.status_code == 201
    body = {"responder_org_id": world.org["responder_b"]}
    path = f"/incidents/{world.ids['fresh_incident_a']}/assign"
    assert client.post(path, json=body, headers=world.headers("insurer_a")).json()["state"] == "responder_assigned"
    assert (
        client.post(
            "/panel", json={"provider_org_id": world.org["insured_b"]}, headers=world.headers("insurer_a")
        ).status_code
        == 404
    )
    offer = {"name": "Tabletop exercise", "category": "consulting", "price": "15000", "currency": "CNY"}
    published = client.post("/services", json=offer, headers=world.headers("law_firm"))
    assert published.status_code == 201 and published.json()["price"] == "15000.00"
    user = {"email": "new@test.example", "name": "New", "role": "analyst", "password": PASSWORD}
    assert client.post("/users", json=user, headers=world.headers("law_firm")).json()["org_id"] == world.org["law_firm"]
    short = {**user, "email": "short@test.example", "password": "short"}
    assert client.post("/users", json=short, headers=world.headers("law_firm")).status_code == 422

"""The access matrix: every route against a user of every party. Deny by default; reading follows the
relationship; a foreign id answers 404 (never 403), an own entity the role may not change 403; and a refused
request changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.platform.world import PARTIES, World, policy_document

PUBLIC = {"/health", "/ready", "/version", "/catalog", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
MARKET = {m: {f"insurer_{m}", f"broker_{m}", f"insured_{m}"} for m in "ab"}

#: Who may see each entity (written out, not derived from the code under test).
SEES: dict[str, set[str]] = {
    **{f"{kind}_{m}": MARKET[m] for kind in ("submission", "policy", "payment", "fresh_incident") for m in "ab"},
    **{f"incident_{m}": MARKET[m] | {f"responder_{m}"} for m in "ab"},  # the assigned responder sees it
    # the insured, its broker and its insurer, and the provider of the offer (the SSP's, the law firm's)
    **{f"subscription_{m}": MARKET[m] | {"ssp"} for m in "ab"},
    "subscription_legal_b": MARKET["b"] | {"law_firm"},
}
#: The organizations a provider sees besides the insurers whose panel it sits on: its offers' subscribers.
SUBSCRIBERS = {"ssp": {"insured_a", "insured_b"}, "law_firm": {"insured_b"}}
#: Which kinds of organization may take each write (their admins are used).
MAY: dict[str, set[str]] = {
    "bind": {"insurer"},
    "decline": {"insurer"},
    "withdraw": {"broker", "insured"},
    "cancel": {"insurer"},
    "expire": {"insurer"},
    "renew": {"insurer"},
    "report": {"insurer", "broker", "insured"},
    "assign": {"insurer"},
    "forensics": {"incident_responder"},
    "close": {"insurer"},
    "reopen": {"insurer"},
    "pay": {"insurer"},
    "assess": {"insurer"},
    "quote": {"insurer"},
    "decide": {"insurer"},  # the assigned responder sees the claim and files findings, but decides nothing
    "adjust": {"insurer"},
    "settle": {"insurer"},
    "reserve": {"insurer"},  # the insurer's claims staff set a case reserve; nobody else even reads it
    "subscribe": {"insurer", "broker", "insured"},
    "end_subscription": {"insurer", "broker", "insured"},
}


def writes(world: World, m: str) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Each write as (target entity, path, body) against market `m`."""
    sub, pol, inc = world.ids[f"submission_{m}"], world.ids[f"policy_{m}"], world.ids[f"fresh_incident_{m}"]
    assigned = world.ids[f"incident_{m}"]
    document = policy_document("sme-standalone-cny.yaml", f"NEW-{m}")
    renewal = {**document, "period": {"start": "2027-07-01", "end": "2028-06-30"}}
    return {
        "bind": (
            f"submission_{m}",
            f"/submissions/{sub}/bind",
            {"document": document, "premium": "1", "currency": "CNY"},
        ),
        "decline": (f"submission_{m}", f"/submissions/{sub}/decline", {"reason": "no appetite"}),
        "withdraw": (f"submission_{m}", f"/submissions/{sub}/withdraw", {"reason": "went elsewhere"}),
        "cancel": (f"policy_{m}", f"/policies/{pol}/cancel", {"effective_date": "2026-09-01", "reason": "x"}),
        "expire": (f"policy_{m}", f"/policies/{pol}/expire", {}),
        "renew": (f"policy_{m}", f"/policies/{pol}/renew", {"document": renewal, "premium": "1", "currency": "CNY"}),
        "report": (
            f"policy_{m}",
            "/incidents",
            {
                "policy_id": pol,
                "summary": "x",
                "occurred_at": "2026-08-14T00:00:00Z",
                "discovered_at": "2026-08-14T01:00:00Z",
            },
        ),
        "assign": (
            f"fresh_incident_{m}",
            f"/incidents/{inc}/assign",
            {"responder_org_id": world.org[f"responder_{m}"]},
        ),
        "forensics": (f"fresh_incident_{m}", f"/incidents/{inc}/forensics", {"findings": {"x": 1}}),
        "close": (f"fresh_incident_{m}", f"/incidents/{inc}/close", {}),
        "reopen": (f"fresh_incident_{m}", f"/incidents/{inc}/reopen", {"reason": "x"}),
        "pay": (
            f"incident_{m}",
            "/payments",
            {"incident_id": world.ids[f"incident_{m}"], "amount": "1", "currency": "CNY"},
        ),
        "assess": (f"submission_{m}", f"/submissions/{sub}/assess", {"seed": 1, "years": 1000}),
        "quote": (f"submission_{m}", f"/submissions/{sub}/quote", {"document": document}),
        "decide": (f"incident_{m}", f"/incidents/{assigned}/decide", {"findings": {"event_types": ["malware"]}}),
        "adjust": (f"incident_{m}", f"/incidents/{assigned}/adjust", {}),
        "settle": (f"incident_{m}", f"/incidents/{assigned}/settle", {}),
        "reserve": (
            f"fresh_incident_{m}",
            f"/incidents/{inc}/reserves",
            {"reserve_amount": "1000", "reserve_reason": "x"},
        ),
        "subscribe": (
            f"subscription_{m}",
            f"/services/{world.ids['service']}/subscriptions",
            {"insured_org_id": world.org[f"insured_{m}"]},
        ),
        "end_subscription": (f"subscription_{m}", f"/subscriptions/{world.ids[f'subscription_{m}']}/end", {}),
    }


def snapshot(client: TestClient, world: World) -> dict[str, Any]:
    """Versions and states of everything, read by each market's insurer, plus every list's size."""
    out: dict[str, Any] = {}
    for m in "ab":
        h = world.headers(f"insurer_{m}")
        for key, path in (("submission", "submissions"), ("policy", "policies"), ("incident", "incidents")):
            body = client.get(f"/{path}/{world.ids[f'{key}_{m}']}", headers=h).json()
            out[f"{key}_{m}"] = (body["state"], body["version"])
        fresh = client.get(f"/incidents/{world.ids[f'fresh_incident_{m}']}", headers=h).json()
        out[f"fresh_{m}"] = (fresh["state"], fresh["version"])
        for key in ("incident", "fresh_incident"):
            out[f"{key}_{m}_reserves"] = client.get(f"/incidents/{world.ids[f'{key}_{m}']}/reserves", headers=h).json()
        subscription = client.get(f"/subscriptions/{world.ids[f'subscription_{m}']}", headers=h).json()
        out[f"subscription_{m}"] = (subscription["state"], subscription["version"], subscription["active_to"])
        for path in ("policies", "incidents", "payments", "submissions", "subscriptions"):
            out[f"{path}_{m}"] = client.get(f"/{path}", headers=h).json()["total"]
    return out


@pytest.mark.parametrize("party", list(PARTIES))
@pytest.mark.parametrize("entity", sorted(SEES))
def test_read_follows_the_relationship(shared: tuple[World, TestClient], party: str, entity: str) -> None:
    world, client = shared
    path = {
        "submission": "submissions",
        "policy": "policies",
        "incident": "incidents",
        "fresh": "incidents",
        "payment": "payments",
        "subscription": "subscriptions",
    }[entity.split("_")[0]]
    response = client.get(f"/{path}/{world.ids[entity]}", headers=world.headers(party))
    assert response.status_code == (200 if party in SEES[entity] else 404), response.text
    if response.status_code == 404:
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("party", list(PARTIES))
@pytest.mark.parametrize("m", ["a", "b"])
def test_a_case_reserve_is_read_by_its_insurer_only(shared: tuple[World, TestClient], party: str, m: str) -> None:
    """Those who see the claim but are not its insurer are refused (403); everybody else finds nothing (404)."""
    world, client = shared
    response = client.get(f"/incidents/{world.ids[f'incident_{m}']}/reserves", headers=world.headers(party))
    expected = 200 if party == f"insurer_{m}" else 403 if party in SEES[f"incident_{m}"] else 404
    assert response.status_code == expected, response.text


@pytest.mark.parametrize("party", list(PARTIES))
@pytest.mark.parametrize("path", ["submissions", "policies", "incidents", "payments", "subscriptions"])
def test_lists_hold_only_visible_rows(shared: tuple[World, TestClient], party: str, path: str) -> None:
    world, client = shared
    body = client.get(f"/{path}", headers=world.headers(party)).json()
    visible = {world.ids[e] for e, who in SEES.items() if party in who}
    assert {item["id"] for item in body["items"]} <= visible
    assert body["total"] == len(body["items"])


@pytest.mark.parametrize("party", list(PARTIES))
def test_a_provider_lists_the_subscriptions_to_its_own_offers_and_an_insured_its_own(
    shared: tuple[World, TestClient], party: str
) -> None:
    world, client = shared
    headers = world.headers(party)
    listed = {s["id"] for s in client.get("/subscriptions?limit=200", headers=headers).json()["items"]}
    assert listed == {world.ids[e] for e, who in SEES.items() if e.startswith("subscription_") and party in who}
    if party in SUBSCRIBERS:  # of the subscriber, its organization only: no submission, policy or claim of it
        for path in ("submissions", "policies", "incidents"):
            assert client.get(f"/{path}", headers=headers).json()["total"] == 0
        for insured in SUBSCRIBERS[party]:
            org = client.get(f"/organizations/{world.org[insured]}", headers=headers)
            assert org.status_code == 200 and org.json()["name"] == f"{insured} org"


@pytest.mark.parametrize("party", list(PARTIES))
def test_organizations_of_the_other_market_are_invisible(shared: tuple[World, TestClient], party: str) -> None:
    world, client = shared
    mine = "a" if party.endswith("_a") else "b" if party.endswith("_b") else None
    foreign = [f"{kind}_{m}" for m in "ab" if m != mine for kind in ("insurer", "broker", "insured", "responder")]
    if mine is None:  # panel vendors of insurer A see it, and nobody's clients but their own subscribers
        foreign = [p for p in foreign if p != "insurer_a" and p not in SUBSCRIBERS.get(party, set())]
    listed = {o["id"] for o in client.get("/organizations?limit=200", headers=world.headers(party)).json()["items"]}
    for other in foreign:
        assert world.org[other] not in listed
        assert client.get(f"/organizations/{world.org[other]}", headers=world.headers(party)).status_code == 404
    assert client.get(f"/organizations/{world.org[party]}", headers=world.headers(party)).status_code == 200


@pytest.mark.parametrize("party", list(PARTIES))
@pytest.mark.parametrize("market", ["a", "b"])
def test_refused_writes_answer_404_or_403_and_change_nothing(
    shared: tuple[World, TestClient], party: str, market: str
) -> None:
    world, client = shared
    before = snapshot(client, world)
    for action, (target, path, body) in writes(world, market).items():
        if party not in SEES[target]:
            expected = 404
        elif PARTIES[party].value not in MAY[action]:
            expected = 403
        else:
            continue  # allowed: exercised in the lifecycle tests, where the world may change
        headers = {**world.headers(party), "Idempotency-Key": f"{party}-{action}"}
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == expected, (action, response.text)
        assert response.json()["error"]["code"] == {404: "not_found", 403: "forbidden"}[expected]
    assert snapshot(client, world) == before


def test_every_route_but_the_public_ones_needs_credentials(shared: tuple[World, TestClient]) -> None:
    world, client = shared
    paths = client.get("/openapi.json").json()["paths"]
    checked = 0
    for template, operations in paths.items():
        path = template.replace("{", "").replace("}", "")  # any id: credentials are checked first
        for method in operations:
            if template in PUBLIC or template == "/auth/token":
                continue
            response = client.request(method, path, json={})
            assert response.status_code == 401, (method, template, response.text)
            assert response.headers["WWW-Authenticate"] == "Bearer"
            checked += 1
    assert checked >= 30
    for path in ("/health", "/ready", "/version", "/catalog", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("party", list(PARTIES))
def test_me_is_your_own_organization(shared: tuple[World, TestClient], party: str) -> None:
    world, client = shared
    me = client.get("/me", headers=world.headers(party)).json()
    assert me["organization"]["id"] == world.org[party]
    assert me["organization"]["kind"] == PARTIES[party].value


@pytest.mark.parametrize("party", list(PARTIES))
def test_the_book_view_is_for_insurers_and_holds_their_own_policies(
    shared: tuple[World, TestClient], party: str
) -> None:
    world, client = shared
    response = client.get("/portfolio/accumulation", headers=world.headers(party))
    if not party.startswith("insurer_"):
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["org_id"] == world.org[party] and body["policies"] == 1  # its market's policy, not the other's


@pytest.mark.parametrize("party", list(PARTIES))
def test_the_reinsurance_programme_is_the_insurers_own(shared: tuple[World, TestClient], party: str) -> None:
    """Insurers read their own programme (none stored here: version 0) and change it (tests/platform/
    test_programme.py); every other party is refused both, and a refused change stores nothing."""
    world, client = shared
    read = client.get("/portfolio/programme?currency=CNY", headers=world.headers(party))
    body = {"currency": "CNY", "reinsurance": [{"id": "qs", "kind": "quota_share", "share": 0.5}]}
    if party.startswith("insurer_"):
        assert read.status_code == 200 and read.json()["org_id"] == world.org[party] and read.json()["version"] == 0
        return
    assert read.status_code == 403 and read.json()["error"]["code"] == "forbidden"
    change = client.put("/portfolio/programme", json=body, headers=world.headers(party))
    assert change.status_code == 403 and change.json()["error"]["code"] == "forbidden"
    for insurer in ("insurer_a", "insurer_b"):
        stored = client.get("/portfolio/programme?currency=CNY", headers=world.headers(insurer)).json()
        assert stored["version"] == 0


@pytest.mark.parametrize("party", list(PARTIES))
def test_an_insureds_alerts_are_for_it_and_its_insurer_and_broker(shared: tuple[World, TestClient], party: str) -> None:
    world, client = shared
    response = client.get(f"/insureds/{world.org['insured_a']}/alerts", headers=world.headers(party))
    if party in ("insured_a", "insurer_a", "broker_a"):
        assert response.status_code == 200 and response.json() == [], response.text
    else:
        assert response.status_code == 404, response.text
    moved = client.post("/alerts/alert-000000000000000000000000/acknowledge", headers=world.headers(party))
    assert moved.status_code == 404


@pytest.mark.parametrize("party", [*PARTIES, "insured_a_viewer", "insurer_a_viewer"])
def test_a_scan_is_for_the_insured_and_its_insurer_and_broker_and_not_their_viewers(
    shared: tuple[World, TestClient], party: str
) -> None:
    world, client = shared
    response = client.post(
        f"/insureds/{world.org['insured_a']}/scan", json={"assets": []}, headers=world.headers(party)
    )
    if party in ("insured_a", "insurer_a", "broker_a"):  # let in, then told what is missing: no feeds loaded
        assert response.status_code == 422 and "feeds" in response.text, response.text
    elif party.endswith("_viewer"):
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    else:
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("party", list(PARTIES))
def test_every_signed_in_party_reads_the_feeds_and_only_an_insurer_admin_loads_them(
    shared: tuple[World, TestClient], party: str
) -> None:
    world, client = shared
    status = client.get("/feeds", headers=world.headers(party))
    assert status.status_code == 200 and [s["source"] for s in status.json()] == ["kev", "epss", "nvd", "attack"]
    load = client.post("/feeds/load", json={}, headers=world.headers(party))
    if party.startswith("insurer_"):  # allowed, but this installation names no feeds folder
        assert load.status_code == 422 and "CYBERINS_FEEDS_DIR" in load.text, load.text
    else:
        assert load.status_code == 403, load.text


def test_admin_only_routes(shared: tuple[World, TestClient]) -> None:
    world, client = shared
    assert client.get("/audit/verify", headers=world.headers("insurer_a")).json()["ok"] is True
    for user in ("insurer_a_viewer", "insurer_a_claims", "broker_a", "insured_a", "responder_a"):
        assert client.get("/audit/verify", headers=world.headers(user)).status_code == 403
    users = client.get("/users", headers=world.headers("insurer_a")).json()["items"]
    assert {u["org_id"] for u in users} == {world.org["insurer_a"]}
    assert client.get("/users", headers=world.headers("insured_a_viewer")).status_code == 403


def test_marketplace_is_open_to_every_signed_in_party(shared: tuple[World, TestClient]) -> None:
    world, client = shared
    for party in PARTIES:
        items = client.get("/services", headers=world.headers(party)).json()["items"]
        assert world.ids["service"] in {s["id"] for s in items}
    offer = {"name": "Cover", "category": "insurance", "description": "no"}
    assert client.post("/services", json=offer, headers=world.headers("insurer_a")).status_code == 403

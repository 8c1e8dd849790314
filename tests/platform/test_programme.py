"""The insurer's reinsurance programme (`/portfolio/programme`, issue 19): versions with history, audited in the
same transaction, refusals naming the field, who may read and change it, and the book view netted by it:
per dependency net = gross − Σ ceded with hand-computed recoveries, and net curves below gross."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput
from cyberins.model.vocab import OrgKind, Role
from cyberins.services import audit_check, parties, programmes, underwriting
from cyberins.services.access import Principal
from cyberins.services.errors import Forbidden
from cyberins.store.models import AuditEntry, ReinsuranceProgramme
from tests.platform.world import World, policy_document, profile

QS = {"id": "qs", "kind": "quota_share", "share": 0.25}
CAT = {"id": "cat", "kind": "cat_xl", "attachment": 50_000, "limit": 100_000, "premium": 20_000,
       "reinstatements": [{"rate": 1.0}]}  # fmt: skip
#: sme-standalone-cny.yaml's business interruption: a 12-hour time retention, then 10,000 retention.
HOURLY = 10_000


def put(client: TestClient, world: World, user: str, body: dict[str, Any]) -> Any:
    return client.put("/portfolio/programme", json={"currency": "CNY", **body}, headers=world.headers(user))


def get(client: TestClient, world: World, user: str, path: str = "/portfolio/programme") -> Any:
    return client.get(f"{path}?currency=CNY", headers=world.headers(user))


def test_each_change_is_a_new_audited_version_and_history_keeps_the_old(
    session: Session, world: World, client: TestClient
) -> None:
    none = get(client, world, "insurer_a").json()
    assert none["version"] == 0 and none["reinsurance"] == [] and none["created_at"] is None
    first = put(client, world, "insurer_a", {"reinsurance": [QS], "version": 0})
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 1 and first.json()["reinsurance"][0]["share"] == 0.25
    second = put(client, world, "insurer_a", {"reinsurance": [QS, CAT], "version": 1}).json()
    assert second["version"] == 2
    assert [t["id"] for t in get(client, world, "insurer_a").json()["reinsurance"]] == ["qs", "cat"]
    history = get(client, world, "insurer_a", "/portfolio/programme/history").json()["items"]
    assert [(v["version"], len(v["reinsurance"])) for v in history] == [(2, 2), (1, 1)]
    # Defaults are stored written out, as the engine reads them back.
    assert history[0]["reinsurance"][0] == {"id": "qs", "kind": "quota_share", "share": 0.25, "event_limit": None}
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "reinsurance_programme")).all()
    rows = session.scalars(select(ReinsuranceProgramme)).all()
    assert sorted(e.entity_id for e in entries) == sorted(r.id for r in rows) and len(rows) == 2
    assert all(e.action == "programme.set" and e.org_id == world.org["insurer_a"] for e in entries)
    assert audit_check.verify(session, world.principal["insurer_a"]).ok


def test_a_stale_version_is_refused_and_nothing_is_stored(session: Session, world: World, client: TestClient) -> None:
    put(client, world, "insurer_a", {"reinsurance": [QS]})
    stale = put(client, world, "insurer_a", {"reinsurance": [CAT], "version": 0})
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 1
    assert get(client, world, "insurer_a").json()["version"] == 1


@pytest.mark.parametrize(
    ("reinsurance", "field"),
    [
        ([QS, {**CAT, "attachment": -1}], "reinsurance[1].attachment"),
        ([{**QS, "share": 1.5}], "reinsurance[0].share"),
        ([{"id": "x", "kind": "surplus"}], "reinsurance[0]"),  # the engine names the treaty: "kind must be one of"
        ([QS, {**QS, "share": 0.1}], "reinsurance[1].id"),
        ([{"id": "asl", "kind": "aggregate_stop_loss", "attachment": 1, "limit": 2}, CAT], "reinsurance[1].kind"),
        ([{**CAT, "retention": 5}], "reinsurance[0].retention"),
    ],
)
def test_a_bad_programme_answers_422_naming_the_field(
    world: World, client: TestClient, reinsurance: list[dict[str, Any]], field: str
) -> None:
    response = put(client, world, "insurer_a", {"reinsurance": reinsurance})
    assert response.status_code == 422, response.text
    assert field in [f["field"] for f in response.json()["error"]["fields"]]
    assert get(client, world, "insurer_a").json()["version"] == 0


def test_a_bad_bond_and_currency_name_their_field(session: Session, world: World) -> None:
    insurer = world.principal["insurer_a"]
    bond = {"id": "b", "trigger": "indemnity_annual_aggregate", "attachment": 10, "exhaustion": 5}
    with pytest.raises(InvalidInput) as bad:
        programmes.set_programme(session, insurer, "CNY", {"ils": [bond]})
    assert [p.field for p in bad.value.problems] == ["ils[0].exhaustion"]
    with pytest.raises(InvalidInput) as currency:
        programmes.set_programme(session, insurer, "XYZ", {"reinsurance": [QS]})
    assert [p.field for p in currency.value.problems] == ["currency"]


def test_the_refusal_is_in_the_readers_language(world: World, client: TestClient) -> None:
    body = {"currency": "CNY", "reinsurance": [{**QS, "share": 1.5}]}
    headers = {**world.headers("insurer_a"), "Accept-Language": "zh-CN"}
    error = client.put("/portfolio/programme", json=body, headers=headers).json()["error"]
    assert error["fields"][0]["field"] == "reinsurance[0].share"
    assert not any(c.isascii() and c.isalpha() for c in error["message"])


def test_who_may_read_and_change_it(session: Session, world: World, client: TestClient) -> None:
    put(client, world, "insurer_a", {"reinsurance": [QS]})
    # Insurer B has its own (none): it never sees A's.
    assert get(client, world, "insurer_b").json()["version"] == 0
    assert get(client, world, "insurer_a_viewer").json()["version"] == 1
    assert put(client, world, "insurer_a_viewer", {"reinsurance": []}).status_code == 403
    assert put(client, world, "insurer_a_claims", {"reinsurance": []}).status_code == 403
    for party in ("broker_a", "insured_a", "responder_a", "ssp"):
        assert get(client, world, party).status_code == 403, party
        assert put(client, world, party, {"reinsurance": []}).status_code == 403, party
    with pytest.raises(Forbidden):
        programmes.set_programme(session, world.principal["broker_a"], "CNY", {})
    assert get(client, world, "insurer_a").json()["version"] == 1
    # A reinsurer reads the book view, so its own programme too: none (no treaty names a reinsurer).
    org = parties.create_organization(session, Principal.system_actor(), "reinsurer org", OrgKind.REINSURER)
    reinsurer = Principal(org.id, OrgKind.REINSURER, Role.ADMIN)
    assert programmes.get_programme(session, reinsurer, "CNY")["version"] == 0
    assert programmes.programme_history(session, reinsurer, "CNY") == []
    with pytest.raises(Forbidden):
        programmes.set_programme(session, reinsurer, "CNY", {"reinsurance": [QS]})


def _bind_aws(session: Session, world: World, number: str) -> None:
    insurer, broker = world.principal["insurer_a"], world.principal["broker_a"]
    deps = {"dependencies": [{"name": "AWS", "kind": "cloud"}], "hourly_gross_profit": str(HOURLY)}
    sub = underwriting.submit(session, broker, world.org["insurer_a"], profile(number, **deps), world.org["insured_a"])
    underwriting.record_assessment(session, insurer, sub.id, {"expected_loss": "1"}, seed=7)
    underwriting.record_quote(session, insurer, sub.id, Decimal("1000"), "CNY", {"tier": "standard"})
    document = policy_document("sme-standalone-cny.yaml", number)
    underwriting.bind_submission(session, insurer, sub.id, document, Decimal("1000"), "CNY")


def test_the_book_view_is_net_of_the_stored_programme(session: Session, world: World, client: TestClient) -> None:
    for number in ("NET-1", "NET-2", "NET-3"):
        _bind_aws(session, world, number)
    url = "/portfolio/accumulation?hours=24"
    gross_only = client.get(url, headers=world.headers("insurer_a")).json()
    aws = gross_only["by_dependency"][0]
    assert gross_only["programme"] == {"reinsurance": [], "ils": []}
    assert aws["ceded"] == {} and aws["net"] == aws["gross"]
    put(client, world, "insurer_a", {"reinsurance": [QS, CAT]})
    body = client.get(url, headers=world.headers("insurer_a")).json()
    assert [t["id"] for t in body["programme"]["reinsurance"]] == ["qs", "cat"]
    aws = body["by_dependency"][0]
    # Cloud outage: 3 policies × hit probability 0.6, each paying (24 − 12) × 10,000 − 10,000 = 110,000.
    gross = 3 * 0.6 * 110_000
    assert aws["gross"] == pytest.approx(gross)
    # The quota share takes 25%; the cat XL the layer 100,000 xs 50,000 of the 75% left (148,500 → 98,500).
    assert aws["ceded"] == pytest.approx({"qs": 0.25 * gross, "cat": 98_500})
    assert aws["net"] == pytest.approx(gross - 0.25 * gross - 98_500) == aws["gross"] - sum(aws["ceded"].values())
    # Insurer B's book is not netted by A's programme.
    assert client.get(url, headers=world.headers("insurer_b")).json()["programme"]["reinsurance"] == []


def test_the_curves_are_net_of_the_programme(session: Session, world: World, client: TestClient) -> None:
    _bind_aws(session, world, "NET-1")
    put(client, world, "insurer_a", {"reinsurance": [QS]})
    curves = client.get("/portfolio/accumulation?years=500&seed=3", headers=world.headers("insurer_a")).json()["curves"]
    assert curves["gross"]["aal"] > 0 and set(curves["ceded"]) == {"qs"}
    assert curves["ceded"]["qs"]["aal"] == pytest.approx(0.25 * curves["gross"]["aal"])
    assert curves["net"]["aal"] == pytest.approx(curves["gross"]["aal"] - curves["ceded"]["qs"]["aal"])
    assert curves["net"]["aep"] != curves["gross"]["aep"]

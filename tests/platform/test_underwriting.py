"""Underwriting lifecycle: submission -> assessed -> quoted -> bound, cancellation with pro-rata return,
expiry, renewal, and optimistic concurrency on the policy."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cyberins.services import policies, underwriting
from cyberins.services.clock import FixedClock
from cyberins.services.errors import Conflict
from cyberins.services.uow import unit_of_work
from cyberins.store.models import PolicyRecord
from tests.platform.conftest import sessions_for
from tests.platform.world import World, policy_document, profile

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_submission_moves_through_its_states_and_binds_once(client: TestClient, world: World, session: Session) -> None:
    body = {"insurer_org_id": world.org["insurer_a"], "insured_org_id": world.org["insured_a"], "profile": profile("A")}
    created = client.post("/submissions", json=body, headers=world.headers("broker_a"))
    assert created.status_code == 201 and created.json()["state"] == "submitted"
    sub_id = created.json()["id"]
    document = policy_document("sme-standalone-cny.yaml", "CY-BIND-1")
    bind = {"document": document, "premium": "36500", "currency": "CNY"}
    insurer = {**world.headers("insurer_a"), "Idempotency-Key": "bind-1"}
    early = client.post(f"/submissions/{sub_id}/bind", json=bind, headers=insurer)
    assert early.status_code == 409 and early.json()["error"]["current_state"] == "submitted"

    underwriting.record_assessment(session, world.principal["insurer_a"], sub_id, {"aal": "10500"}, seed=42)
    underwriting.record_quote(session, world.principal["insurer_a"], sub_id, Decimal("36500"), "CNY", {"tier": "a"})
    insurer["Idempotency-Key"] = "bind-2"
    bound = client.post(f"/submissions/{sub_id}/bind", json=bind, headers=insurer)
    assert bound.status_code == 201, bound.text
    assert bound.json()["state"] == "active" and bound.json()["premium"] == "36500.00"
    assert bound.json()["submission_id"] == sub_id
    replay = client.post(f"/submissions/{sub_id}/bind", json=bind, headers=insurer)
    assert replay.json() == bound.json() and replay.headers["Idempotent-Replayed"] == "true"
    insurer["Idempotency-Key"] = "bind-3"
    again = client.post(f"/submissions/{sub_id}/bind", json=bind, headers=insurer)
    assert again.status_code == 409 and again.json()["error"]["current_state"] == "bound"
    count = session.scalar(
        select(func.count()).select_from(PolicyRecord).where(PolicyRecord.policy_number == "CY-BIND-1")
    )
    assert count == 1
    submission = client.get(f"/submissions/{sub_id}", headers=world.headers("insured_a")).json()
    assert submission["state"] == "bound" and submission["assessment"]["seed"] == 42


def test_cancellation_returns_the_unused_premium_pro_rata(client: TestClient, world: World) -> None:
    # 36,500 over 2026-07-01..2027-06-30 (365 days, both ends included): 100 a day; from 2027-01-01, 181 days unused
    path = f"/policies/{world.ids['policy_a']}/cancel"
    response = client.post(
        path, json={"effective_date": "2027-01-01", "reason": "sold", "version": 1}, headers=world.headers("insurer_a")
    )
    assert response.status_code == 200, response.text
    assert response.json()["return_premium"] == "18100.00"
    assert (response.json()["state"], response.json()["version"]) == ("cancelled", 2)
    again = client.post(path, json={"effective_date": "2027-01-01", "reason": "x"}, headers=world.headers("insurer_a"))
    assert again.status_code == 409 and again.json()["error"]["current_state"] == "cancelled"


@pytest.mark.parametrize(
    ("effective", "returned"),
    [(date(2026, 6, 1), "36500.00"), (date(2026, 7, 1), "36500.00"), (date(2027, 6, 30), "100.00")],
)
def test_flat_and_last_day_cancellations(session: Session, world: World, effective: date, returned: str) -> None:
    record = policies.cancel_policy(session, world.principal["insurer_a"], world.ids["policy_a"], effective, "x")
    assert format(record.return_premium, "f") == returned


def test_cancelling_after_the_period_is_invalid(client: TestClient, world: World) -> None:
    body = {"effective_date": "2027-07-01", "reason": "late"}
    response = client.post(f"/policies/{world.ids['policy_a']}/cancel", json=body, headers=world.headers("insurer_a"))
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "effective_date"


def test_expiry_waits_for_the_end_of_the_period_in_the_policy_zone(session: Session, world: World) -> None:
    insurer, policy_id = world.principal["insurer_a"], world.ids["policy_a"]
    last_minute = FixedClock(datetime(2027, 6, 30, 23, 59, tzinfo=SHANGHAI))
    with pytest.raises(Conflict) as refused:
        policies.expire_policy(session, insurer, policy_id, clock=last_minute)
    assert refused.value.current_state == "active"
    after = FixedClock(datetime(2027, 7, 1, 0, 0, tzinfo=SHANGHAI))
    assert policies.expire_policy(session, insurer, policy_id, clock=after).state == "expired"


def test_renewal_links_the_new_policy_and_retires_the_old(client: TestClient, world: World) -> None:
    document = {
        **policy_document("sme-standalone-cny.yaml", "T-A-0002"),
        "period": {"start": "2027-07-01", "end": "2028-06-30"},
    }
    headers = {**world.headers("insurer_a"), "Idempotency-Key": "renew-1"}
    body = {"document": document, "premium": "38000", "currency": "CNY"}
    renewed = client.post(f"/policies/{world.ids['policy_a']}/renew", json=body, headers=headers)
    assert renewed.status_code == 201, renewed.text
    assert renewed.json()["renewal_of_id"] == world.ids["policy_a"]
    old = client.get(f"/policies/{world.ids['policy_a']}", headers=world.headers("insured_a")).json()
    assert old["state"] == "renewed"


def test_binding_checks_the_wording_and_the_premium(client: TestClient, world: World) -> None:
    headers = {**world.headers("insurer_a"), "Idempotency-Key": "p-1"}
    document = policy_document("sme-standalone-cny.yaml", "CY-NEW-9")
    broken = {**document, "coverages": {"legal": {"sublimit": "100", "retention": "500"}}}
    body = {"insured_org_id": world.org["insured_a"], "document": broken, "premium": "100", "currency": "CNY"}
    response = client.post("/policies", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"].startswith("document.coverages.legal")
    headers["Idempotency-Key"] = "p-2"
    body = {**body, "document": document, "currency": "USD"}
    response = client.post("/policies", json=body, headers=headers)
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "currency"
    headers["Idempotency-Key"] = "p-3"
    duplicate = {**body, "currency": "CNY", "document": {**document, "policy_number": "T-A-0001"}}
    assert client.post("/policies", json=duplicate, headers=headers).status_code == 409


def test_a_stale_version_is_refused_with_the_current_one(client: TestClient, world: World) -> None:
    body = {"effective_date": "2026-09-01", "reason": "x", "version": 7}
    response = client.post(f"/policies/{world.ids['policy_a']}/cancel", json=body, headers=world.headers("insurer_a"))
    assert response.status_code == 409
    assert response.json()["error"] | {"message": ""} == {
        "code": "conflict",
        "message": "",
        "fields": [],
        "current_state": "active",
        "current_version": 1,
    }


def test_concurrent_writers_cannot_lose_an_update(engine: Engine, world: World) -> None:
    """Two sessions read version 1; the first commits; the second's write (WHERE version = 1) is refused."""
    sessions = sessions_for(engine, str(engine.url))
    with sessions() as first, sessions() as second:
        mine = first.get(PolicyRecord, world.ids["policy_a"])
        theirs = second.get(PolicyRecord, world.ids["policy_a"])
        assert mine is not None and theirs is not None and mine.version == theirs.version == 1
        mine.cancel_reason = "first"
        first.commit()
        with pytest.raises(Conflict, match="changed by someone else"), unit_of_work(second):
            theirs.cancel_reason = "second"
    with sessions() as check:
        stored = check.get(PolicyRecord, world.ids["policy_a"])
        assert stored is not None and (stored.cancel_reason, stored.version) == ("first", 2)


def test_a_submission_can_be_withdrawn_or_declined_but_not_both(client: TestClient, world: World) -> None:
    body = {"insurer_org_id": world.org["insurer_a"], "profile": profile("B")}
    first = client.post("/submissions", json=body, headers=world.headers("insured_a")).json()
    second = client.post("/submissions", json=body, headers=world.headers("insured_a")).json()
    assert first["broker_org_id"] is None and first["insured_org_id"] == world.org["insured_a"]
    withdrawn = client.post(
        f"/submissions/{first['id']}/withdraw", json={"reason": "x"}, headers=world.headers("insured_a")
    )
    assert withdrawn.json()["state"] == "withdrawn"
    late = client.post(f"/submissions/{first['id']}/decline", json={"reason": "y"}, headers=world.headers("insurer_a"))
    assert late.status_code == 409 and late.json()["error"]["current_state"] == "withdrawn"
    declined = client.post(
        f"/submissions/{second['id']}/decline", json={"reason": "y"}, headers=world.headers("insurer_a")
    )
    assert declined.json()["state"] == "declined"
    assert (
        client.post(
            f"/submissions/{second['id']}/withdraw", json={"reason": "x"}, headers=world.headers("insurer_a")
        ).status_code
        == 403
    )

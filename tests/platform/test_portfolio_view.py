"""The insurer's book view (`GET /portfolio/accumulation`, issue 19): own active policies only, accumulation by
the profiles' dependencies with hand-computed stress losses, exceedance curves, a reinsurer's empty book; the
documents cached until what they depend on changes, and the years reported as they are simulated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cyberins.model.vocab import OrgKind, Role
from cyberins.portfolio import simulate
from cyberins.services import accumulation, parties, policies, underwriting
from cyberins.services.access import Principal
from cyberins.store.models import User
from tests.platform.world import PARTIES, World, password_hash, policy_document, profile

#: sme-standalone-cny.yaml's business interruption: a 12-hour time retention, then 10,000 retention.
HOURLY = 10_000
AWS = [{"name": "AWS", "kind": "cloud"}]


def _bind(session: Session, world: World, number: str, deps: list[dict[str, str]]) -> str:
    insurer, broker = world.principal["insurer_a"], world.principal["broker_a"]
    extra: dict[str, Any] = {"dependencies": deps, "hourly_gross_profit": str(HOURLY)}
    sub = underwriting.submit(session, broker, world.org["insurer_a"], profile(number, **extra), world.org["insured_a"])
    underwriting.record_assessment(session, insurer, sub.id, {"expected_loss": "1"}, seed=7)
    underwriting.record_quote(session, insurer, sub.id, Decimal("1000"), "CNY", {"tier": "standard"})
    document = policy_document("sme-standalone-cny.yaml", number)
    return underwriting.bind_submission(session, insurer, sub.id, document, Decimal("1000"), "CNY").id


def test_accumulation_by_dependency_of_the_insurers_own_book(
    session: Session, world: World, client: TestClient
) -> None:
    _bind(session, world, "ACC-1", AWS)
    _bind(session, world, "ACC-2", [{"name": "aws ", "kind": "cloud"}, {"name": "Stripe", "kind": "payment_processor"}])
    cancelled = _bind(session, world, "ACC-3", AWS)
    policies.cancel_policy(session, world.principal["insurer_a"], cancelled, date(2026, 9, 1), "test")
    body = client.get("/portfolio/accumulation?hours=24", headers=world.headers("insurer_a")).json()
    # The world's policy T-A-0001 (a profile without dependencies) and the two active ones; not the cancelled.
    assert body["policies"] == 3 and body["currency"] == "CNY" and body["hours"] == 24
    by = {d["dependency"]: d for d in body["by_dependency"]}
    assert set(by) == {"cloud_provider:aws", "payment_processor:stripe"}
    aws = by["cloud_provider:aws"]
    assert aws["policies"] == 2 and aws["sum_of_limits"] == "4000000"
    # Cloud outage template: hit probability 0.6; per insured (24 − 12) × 10,000 − 10,000 = 110,000 paid.
    assert aws["policies_hit"] == 2 * 0.6
    assert aws["ground_up"] == 2 * 0.6 * 24 * HOURLY
    assert aws["gross"] == 2 * 0.6 * (12 * HOURLY - 10_000) == aws["net"]
    assert body["curves"] is None
    # Insurer B's book holds only its own policy.
    other = client.get("/portfolio/accumulation", headers=world.headers("insurer_b")).json()
    assert other["policies"] == 1 and other["by_dependency"] == []


def test_curves_with_years_and_seed_are_reproducible(session: Session, world: World, client: TestClient) -> None:
    _bind(session, world, "ACC-1", AWS)
    url = "/portfolio/accumulation?years=500&seed=3"
    first = client.get(url, headers=world.headers("insurer_a")).json()
    assert first == client.get(url, headers=world.headers("insurer_a")).json()
    curves = first["curves"]
    assert curves["years"] == 500 and curves["seed"] == 3
    for basis in ("gross", "net"):
        periods = [t for t, _ in curves[basis]["oep"]]
        losses = [x for _, x in curves[basis]["aep"]]
        assert periods == sorted(periods) and losses == sorted(losses)
        assert curves[basis]["aal"] >= 0
    assert client.get("/portfolio/accumulation?years=5", headers=world.headers("insurer_a")).status_code == 422


def test_who_may_look(session: Session, world: World, client: TestClient) -> None:
    for party, kind in PARTIES.items():
        status = client.get("/portfolio/accumulation", headers=world.headers(party)).status_code
        assert status == (200 if kind == OrgKind.INSURER else 403), party
    assert client.get("/portfolio/accumulation", headers=world.headers("insurer_a_viewer")).status_code == 200
    assert client.get("/portfolio/accumulation", headers=world.headers("insurer_a_claims")).status_code == 403
    org = parties.create_organization(session, Principal.system_actor(), "reinsurer org", OrgKind.REINSURER)
    user = User(
        org_id=org.id, email="re@test.example", name="re", role=Role.ANALYST.value, password_hash=password_hash()
    )
    session.add(user)
    session.commit()
    world.principal["reinsurer"] = Principal(org.id, OrgKind.REINSURER, Role.ANALYST, user_id=user.id)
    body = client.get("/portfolio/accumulation", headers=world.headers("reinsurer")).json()
    assert body["policies"] == 0 and body["by_dependency"] == [] and body["curves"] is None


def counting_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The years of each book simulated from now on (`run_book` is what the book view calls to simulate)."""
    runs: list[int] = []
    real = simulate.run_book

    def counted(book: Any, years: int, seed: int, *args: Any, **kwargs: Any) -> Any:
        runs.append(years)
        return real(book, years, seed, *args, **kwargs)

    monkeypatch.setattr(simulate, "run_book", counted)
    return runs


def test_the_view_is_cached_until_the_book_or_its_programme_changes(
    session: Session, world: World, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = counting_runs(monkeypatch)
    _bind(session, world, "ACC-1", AWS)
    headers = world.headers("insurer_a")

    def view(query: str = "years=200&seed=5") -> dict[str, Any]:
        response = client.get(f"/portfolio/accumulation?{query}", headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    first = view()
    assert runs == [200] and view() == first and runs == [200]  # the reload answers from the cache
    assert view("years=200&seed=6")["curves"]["seed"] == 6 and runs == [200, 200]  # another seed is simulated
    view("years=200&seed=5&hours=12")  # another duration: its own document
    assert len(runs) == 3
    assert client.get("/portfolio/accumulation?years=200&seed=6", headers=world.headers("insurer_b")).status_code == 200
    assert len(runs) == 4  # another insurer's book is its own
    programme = {"currency": "CNY", "reinsurance": [{"id": "qs", "kind": "quota_share", "share": 0.5}], "ils": []}
    assert client.put("/portfolio/programme", json=programme, headers=headers).status_code == 200
    netted = view()
    assert len(runs) == 5 and netted["curves"]["net"]["aal"] == pytest.approx(first["curves"]["gross"]["aal"] / 2)
    second = _bind(session, world, "ACC-2", AWS)
    assert view()["policies"] == first["policies"] + 1 and len(runs) == 6  # a bound policy is a new book
    policies.cancel_policy(session, world.principal["insurer_a"], second, date(2026, 9, 1), "test")
    assert view() == netted and len(runs) == 6  # cancelled: the book as it was before, still cached
    active = [r.id for r in policies.list_policies(session, world.principal["insurer_a"], limit=50).items
              if r.state == "active"]  # fmt: skip
    policies.cancel_policy(session, world.principal["insurer_a"], active[0], date(2026, 9, 1), "test")
    assert view()["policies"] == first["policies"] - 1 and len(runs) == 7  # a cancellation is a new book


def test_the_cache_keeps_the_latest_used_documents() -> None:
    keys = [("test-cache", n) for n in range(accumulation.CACHE_SIZE + 1)]
    for key in keys:
        accumulation.remember(key, {"n": key[1]})
        accumulation.recall(keys[0])  # the first stays in use
    assert accumulation.recall(keys[0]) == {"n": 0} and accumulation.recall(keys[1]) is None  # the oldest unused goes
    held = accumulation.recall(keys[-1])
    assert held is not None
    held["n"] = -1  # a copy: changing it leaves the cached document as it was
    assert accumulation.recall(keys[-1]) == {"n": accumulation.CACHE_SIZE}


def test_the_years_are_reported_as_they_are_simulated(session: Session, world: World) -> None:
    _bind(session, world, "ACC-1", AWS)
    insurer = world.principal["insurer_a"]
    heard: list[tuple[int, int]] = []
    reported = accumulation.book_view(session, insurer, years=1200, seed=9, progress=lambda *p: heard.append(p))
    assert heard == [(0, 1200), (512, 1200), (1024, 1200), (1200, 1200)]  # then after each chunk of 512 years
    assert reported.document["curves"]["years"] == 1200 and not reported.pending
    pending = accumulation.book_view(session, insurer, years=1200, seed=10, simulate=False)
    assert pending.pending and pending.document["curves"] is None  # not cached: left to a job
    assert pending.document["by_dependency"] == reported.document["by_dependency"]  # the table at once

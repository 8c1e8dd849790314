"""Throttled sign-in, the capped password hashing, and the user lifecycle (issue 16 §1)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cyberins.api import create_app
from cyberins.cli import users as users_cli
from cyberins.model.vocab import LockScope
from cyberins.services.clock import FixedClock
from cyberins.services.errors import Busy
from cyberins.services.passwords import Passwords
from cyberins.services.queue import InProcessQueue
from cyberins.services.signin import account_key
from cyberins.settings import Settings, get_settings
from cyberins.store.models import AuditEntry, SignInLock
from tests.one_language import chinese_in, english_in
from tests.platform.conftest import TEST_SECRET
from tests.platform.world import PASSWORD, World, policy_document

#: Small limits, so a test reaches them in a few requests.
LIMITS = {"signin_account_failures": 3, "signin_address_failures": 5, "signin_lock_s": 60, "signin_lock_max_s": 100}


@pytest.fixture
def throttled(settings: Settings) -> Settings:
    return settings.model_copy(update=LIMITS)


@pytest.fixture
def api(engine: Engine, throttled: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(throttled, clock=clock, queue=InProcessQueue())) as client:
        yield client


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/token", json={"username": email, "password": password})


def bearer(response: Any) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def actions(session: Session) -> list[tuple[str, str, str]]:
    """(action, actor, entity id) of every audit entry, in order."""
    session.expire_all()
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
    return [(e.action, e.actor, e.entity_id) for e in entries]


def locks(session: Session, scope: LockScope) -> list[SignInLock]:
    session.expire_all()
    stmt = select(SignInLock).where(SignInLock.scope == scope.value).order_by(SignInLock.locked_at)
    return list(session.scalars(stmt))


# --- throttling ------------------------------------------------------------------------------------------


def test_an_account_locks_after_its_failures_and_unlocks_when_the_lock_expires(
    api: TestClient, world: World, session: Session, clock: FixedClock
) -> None:
    email = world.email["insured_a"]
    for _ in range(3):
        assert sign_in(api, email, "wrong password!").status_code == 401
    locked = sign_in(api, email)  # even the right password waits: no hash is computed while locked
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "60"
    assert locked.json()["error"]["code"] == "too_many_requests"
    assert sign_in(api, world.email["insurer_a"]).status_code == 200  # other accounts from the address: fine
    [lock] = locks(session, LockScope.ACCOUNT)
    assert lock.subject == account_key(email) and lock.locked_until - lock.locked_at == timedelta(seconds=60)
    assert ("sign_in.lock", "system", lock.id) in actions(session)

    clock.at += timedelta(seconds=59)
    assert sign_in(api, email).headers["Retry-After"] == "1"
    clock.at += timedelta(seconds=1)
    assert sign_in(api, email).status_code == 200  # the lock expired; its failures never count again


def test_each_further_lock_doubles_up_to_the_maximum(
    api: TestClient, world: World, session: Session, clock: FixedClock
) -> None:
    email = world.email["broker_a"]
    lengths = []
    for round_ in range(3):
        client = from_address(api, f"192.0.2.{round_}")  # the address's own limit stays out of the way
        for _ in range(3):
            assert sign_in(client, email, "wrong password!").status_code == 401
        retry = int(sign_in(client, email).headers["Retry-After"])
        lengths.append(retry)
        clock.at += timedelta(seconds=retry)
    assert lengths == [60, 100, 100]  # 60, then 120 capped at 100, then 240 capped
    assert len(locks(session, LockScope.ACCOUNT)) == 3


def test_a_success_clears_the_account_s_failures(api: TestClient, world: World) -> None:
    email = world.email["insured_a"]
    for _ in range(2):
        assert sign_in(api, email, "wrong password!").status_code == 401
    assert sign_in(api, email).status_code == 200
    for _ in range(2):
        assert sign_in(api, email, "wrong password!").status_code == 401
    assert sign_in(api, email).status_code == 200  # 4 failures in the window, never 3 in a row


def from_address(api: TestClient, address: str) -> TestClient:
    """Another client of the same running app, connecting from `address`."""
    return TestClient(api.app, client=(address, 50000))


def test_an_unknown_email_locks_exactly_like_a_known_one(api: TestClient, world: World) -> None:
    """Locking says nothing about whether an email exists: same answers, same Retry-After."""
    answers = {}
    for email, address in ((world.email["insured_b"], "192.0.2.1"), ("nobody@test.example", "192.0.2.2")):
        client = from_address(api, address)
        failures = [sign_in(client, email, "wrong password!") for _ in range(3)]
        locked = sign_in(client, email, "wrong password!")
        answers[email] = [(r.status_code, r.json(), r.headers.get("Retry-After")) for r in (*failures, locked)]
    known, unknown = answers.values()
    assert known == unknown
    assert [status for status, *_ in known] == [401, 401, 401, 429]


def test_an_address_locks_after_failures_across_accounts(
    api: TestClient, world: World, session: Session, clock: FixedClock
) -> None:
    for name in ("insured_a", "insured_b", "broker_a", "broker_b", "insurer_b"):  # one failure each
        assert sign_in(api, world.email[name], "wrong password!").status_code == 401
    locked = sign_in(api, world.email["insurer_a"])  # an account that never failed, from the same address
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "60"
    [lock] = locks(session, LockScope.ADDRESS)
    assert lock.subject == "testclient"  # the peer address Starlette's test client reports
    assert ("sign_in.lock", "system", lock.id) in actions(session)
    clock.at += timedelta(seconds=60)
    assert sign_in(api, world.email["insurer_a"]).status_code == 200


def test_the_address_lock_holds_only_that_address(api: TestClient, world: World) -> None:
    guesser, colleague = from_address(api, "203.0.113.9"), from_address(api, "198.51.100.7")
    for i in range(5):
        assert sign_in(guesser, f"guess{i}@test.example", "wrong password!").status_code == 401
    assert sign_in(guesser, world.email["insurer_a"]).status_code == 429
    assert sign_in(colleague, world.email["insurer_a"]).status_code == 200


# --- capped hashing --------------------------------------------------------------------------------------


class CountingHasher(PasswordHasher):
    """A cheap argon2 hasher that records how many verifications run at once."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.lock = threading.Lock()
        self.running = self.peak = self.calls = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002 - the library's name
        with self.lock:
            self.running += 1
            self.calls += 1
            self.peak = max(self.peak, self.running)
        try:
            threading.Event().wait(0.01)  # long enough for the threads to pile up at the gate
            return super().verify(hash, password)
        finally:
            with self.lock:
                self.running -= 1


def test_concurrent_wrong_passwords_never_hash_more_than_the_cap_at_once() -> None:
    hasher = CountingHasher()
    passwords = Passwords(max_concurrent=2, wait_s=30, hasher=hasher)
    stored = hasher.hash(PASSWORD)
    results: list[bool] = []
    start = threading.Barrier(48)

    def wrong_login() -> None:
        start.wait()
        results.append(passwords.verify(stored, "wrong password!"))

    threads = [threading.Thread(target=wrong_login) for _ in range(48)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [False] * 48 and hasher.calls == 48
    assert hasher.peak == 2  # the cap, reached and never passed


def test_a_hash_that_finds_no_slot_in_time_is_busy() -> None:
    gate, entered = threading.Event(), threading.Event()

    class Slow(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
            entered.set()
            gate.wait(5)
            return False

    passwords = Passwords(max_concurrent=1, wait_s=0.05, hasher=Slow())
    holder = threading.Thread(target=passwords.verify, args=("$argon2id$x", "a"))
    holder.start()
    try:
        assert entered.wait(5)
        with pytest.raises(Busy) as refused:
            passwords.verify("$argon2id$x", "b")
        assert refused.value.retry_after_s >= 1
    finally:
        gate.set()
        holder.join()
    assert passwords.verify("$argon2id$x", "c") is False  # the slot is free again


# --- the user lifecycle ----------------------------------------------------------------------------------


def test_logout_revokes_the_callers_tokens_even_one_issued_the_same_second(
    api: TestClient, world: World, session: Session
) -> None:
    email = world.email["insured_a"]
    first, second = bearer(sign_in(api, email)), bearer(sign_in(api, email))
    assert api.post("/auth/logout", headers=first).status_code == 204
    for headers in (first, second):
        refused = api.get("/me", headers=headers)
        assert refused.status_code == 401 and "revoked" in refused.json()["error"]["message"]
    assert api.get("/me", headers=bearer(sign_in(api, email))).status_code == 200
    user_id = world.principal["insured_a"].user_id
    assert ("user.sign_out", f"user:{user_id}", user_id) in actions(session)


def test_an_api_key_has_no_session_to_end(api: TestClient, world: World) -> None:
    key = api.post("/api-keys", json={"name": "robot"}, headers=world.headers("insurer_a")).json()["key"]
    assert api.post("/auth/logout", headers={"X-API-Key": key}).status_code == 403


def test_an_admin_disables_and_enables_its_own_users_only(api: TestClient, world: World, session: Session) -> None:
    viewer, viewer_id = world.email["insurer_a_viewer"], world.principal["insurer_a_viewer"].user_id
    old = bearer(sign_in(api, viewer))
    admin = world.headers("insurer_a")
    assert api.post(f"/users/{viewer_id}/disable", headers=world.headers("insurer_b")).status_code == 404
    assert api.post(f"/users/{viewer_id}/disable", headers=world.headers("insurer_a_claims")).status_code == 403
    own_id = world.principal["insurer_a"].user_id
    assert api.post(f"/users/{own_id}/disable", headers=admin).status_code == 422  # never yourself
    disabled = api.post(f"/users/{viewer_id}/disable", headers=admin)
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert api.get("/me", headers=old).status_code == 401
    assert sign_in(api, viewer).status_code == 401
    enabled = api.post(f"/users/{viewer_id}/enable", headers=admin)
    assert enabled.status_code == 200 and enabled.json()["active"] is True
    assert api.get("/me", headers=old).status_code == 401  # enabling brings no revoked token back
    assert api.get("/me", headers=bearer(sign_in(api, viewer))).status_code == 200
    admin_actor = f"user:{own_id}"
    trail = [a for a in actions(session) if a[2] == viewer_id]
    assert trail[-2:] == [("user.disable", admin_actor, viewer_id), ("user.enable", admin_actor, viewer_id)]


def test_a_user_changes_its_own_password(api: TestClient, world: World, session: Session) -> None:
    email, user_id = world.email["insured_a_viewer"], world.principal["insured_a_viewer"].user_id
    headers = bearer(sign_in(api, email))
    new = "a brand new passphrase"
    wrong = api.post("/me/password", json={"current_password": "not it at all", "new_password": new}, headers=headers)
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"][0]["field"] == "current_password"
    short = api.post("/me/password", json={"current_password": PASSWORD, "new_password": "short"}, headers=headers)
    assert short.status_code == 422 and short.json()["error"]["fields"][0]["field"] == "new_password"
    same = api.post("/me/password", json={"current_password": PASSWORD, "new_password": PASSWORD}, headers=headers)
    assert same.status_code == 422
    changed = api.post("/me/password", json={"current_password": PASSWORD, "new_password": new}, headers=headers)
    assert changed.status_code == 204
    assert api.get("/me", headers=headers).status_code == 401
    assert sign_in(api, email).status_code == 401
    assert sign_in(api, email, new).status_code == 200
    assert ("user.password_change", f"user:{user_id}", user_id) in actions(session)


def test_guessing_the_current_password_with_a_token_is_throttled(api: TestClient, world: World) -> None:
    headers = bearer(sign_in(api, world.email["insured_a_viewer"]))
    body = {"current_password": "a guess, wrong", "new_password": "a brand new passphrase"}
    answers = [api.post("/me/password", json=body, headers=headers).status_code for _ in range(4)]
    assert answers == [422, 422, 422, 429]


def test_an_admin_resets_a_password_once_and_lifts_the_lock(api: TestClient, world: World, session: Session) -> None:
    email, user_id = world.email["insurer_a_claims"], world.principal["insurer_a_claims"].user_id
    old = bearer(sign_in(api, email))
    for _ in range(3):
        sign_in(api, email, "wrong password!")
    assert sign_in(api, email).status_code == 429
    assert api.post(f"/users/{user_id}/reset-password", headers=world.headers("insurer_b")).status_code == 404
    reset = api.post(f"/users/{user_id}/reset-password", headers=world.headers("insurer_a"))
    assert reset.status_code == 200, reset.text
    password = reset.json()["password"]
    assert len(password) >= 20 and reset.json()["user"]["id"] == user_id
    assert api.get("/me", headers=old).status_code == 401
    assert sign_in(api, email).status_code == 401  # the old password is gone
    assert sign_in(api, email, password).status_code == 200  # and the lock was lifted
    [lock] = locks(session, LockScope.ACCOUNT)
    assert lock.lifted_at is not None
    admin_actor = f"user:{world.principal['insurer_a'].user_id}"
    trail = actions(session)
    assert ("user.password_reset", admin_actor, user_id) in trail
    assert ("sign_in.unlock", admin_actor, lock.id) in trail


# --- no cross-tenant oracles -----------------------------------------------------------------------------


def user_body(email: str) -> dict[str, str]:
    return {"email": email, "name": "New", "role": "viewer", "password": "a long passphrase"}


def test_another_tenants_email_is_not_named(api: TestClient, world: World) -> None:
    taken = world.email["insurer_a_viewer"]
    foreign = api.post("/users", json=user_body(taken), headers=world.headers("insurer_b"))
    assert foreign.status_code == 409
    message = foreign.json()["error"]["message"]
    assert taken not in message and "organization" not in message
    own = api.post("/users", json=user_body(taken), headers=world.headers("insurer_a"))
    assert own.status_code == 409 and taken in own.json()["error"]["message"]


def test_organization_names_are_unique_among_the_registrars_own(api: TestClient, world: World) -> None:
    name = {"name": "insured_a org", "kind": "insured"}  # broker A's client, unseen by broker B
    elsewhere = api.post("/organizations", json=name, headers=world.headers("broker_b"))
    assert elsewhere.status_code == 201, elsewhere.text
    assert elsewhere.json()["id"] != world.org["insured_a"]
    again = api.post("/organizations", json={**name, "name": "INSURED_A ORG"}, headers=world.headers("broker_a"))
    assert again.status_code == 409


def test_policy_numbers_are_unique_per_insurer(api: TestClient, world: World) -> None:
    def bind(insurer: str, insured: str, number: str, key: str) -> Any:
        body = {
            "insured_org_id": world.org[insured],
            "document": policy_document("sme-standalone-cny.yaml", number),
            "premium": "100",
            "currency": "CNY",
        }
        return api.post("/policies", json=body, headers={**world.headers(insurer), "Idempotency-Key": key})

    assert bind("insurer_b", "insured_b", "T-A-0001", "k1").status_code == 201  # insurer A's number: not taken
    duplicate = bind("insurer_b", "insured_b", "T-B-0001", "k2")
    assert duplicate.status_code == 409 and "T-B-0001" in duplicate.json()["error"]["message"]


# --- JSON bodies have the files' shape limits -------------------------------------------------------------


@pytest.mark.parametrize("depth", [65, 200_000])
def test_a_body_nested_too_deep_is_refused(api: TestClient, world: World, depth: int) -> None:
    body = "[" * depth + "]" * depth
    response = api.post(
        "/users", content=body, headers={**world.headers("insurer_a"), "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [{"field": "body", "message": "nested more than 64 levels deep"}]


def test_a_body_of_too_many_values_is_refused(engine: Engine, settings: Settings, world: World) -> None:
    roomy = settings.model_copy(update={"max_body_bytes": 8 * 1024 * 1024})
    with TestClient(create_app(roomy, queue=InProcessQueue())) as client:
        body = "[" + "0," * 1_000_000 + "0]"
        headers = {**world.headers("insurer_a"), "Content-Type": "application/json"}
        response = client.post("/users", content=body, headers=headers)
        assert response.status_code == 422
        assert "more than 1,000,000 values" in response.json()["error"]["fields"][0]["message"]
        assert client.post("/users", content="[1,", headers=headers).status_code == 400  # malformed: as before


# --- the operator's commands ------------------------------------------------------------------------------


@pytest.fixture
def operator(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner pointed at the test database, with the installation's key (a PostgreSQL store has no
    folder to generate one in; the audit entries the commands write are keyed by it)."""
    monkeypatch.setenv("CYBERINS_DATABASE_URL", database_url)
    monkeypatch.setenv("CYBERINS_SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_an_operator_offboards_and_recovers_users_by_email(
    api: TestClient, world: World, session: Session, operator: CliRunner
) -> None:
    email, user_id = world.email["broker_b"], world.principal["broker_b"].user_id
    old = bearer(sign_in(api, email))
    disabled = operator.invoke(users_cli.app, ["disable", email], env={"CYBERINS_LANG": "zh"})
    assert disabled.exit_code == 0 and "已停用" in disabled.output
    assert english_in(disabled.output, names=[email]) == set()
    get_settings.cache_clear()
    operator.env = {"CYBERINS_LANG": "en"}  # the rest of the session in English
    assert api.get("/me", headers=old).status_code == 401 and sign_in(api, email).status_code == 401
    reset = operator.invoke(users_cli.app, ["reset-password", email.upper()])
    drawn = re.search(r"new password \(shown once\): (\S+)", reset.output)
    assert chinese_in(reset.output) == []
    assert reset.exit_code == 0 and drawn is not None
    assert operator.invoke(users_cli.app, ["enable", email]).exit_code == 0
    assert sign_in(api, email).status_code == 401
    assert sign_in(api, email, drawn.group(1)).status_code == 200
    trail = [action for action, actor, entity in actions(session) if entity == user_id and actor == "system"]
    assert [a for a in trail if a != "user.create"] == ["user.disable", "user.password_reset", "user.enable"]
    unknown = operator.invoke(users_cli.app, ["disable", "nobody@test.example"])
    assert unknown.exit_code == 2 and "not found" in unknown.output and "Traceback" not in unknown.output

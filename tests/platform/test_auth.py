"""Sign-in, tokens and API keys: what authenticates, what never does."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberins.api import create_app
from cyberins.model.errors import InvalidInput
from cyberins.services import auth
from cyberins.services.clock import FixedClock
from cyberins.services.secrets import with_signing_key
from cyberins.settings import Settings
from cyberins.store.models import ApiKey, User
from tests.platform.world import PASSWORD, World


def test_sign_in_with_a_form_or_json(client: TestClient, world: World) -> None:
    email = world.email["insured_a"]
    for response in (
        client.post("/auth/token", data={"username": email, "password": PASSWORD}),
        client.post("/auth/token", json={"username": email, "password": PASSWORD}),
    ):
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        me = client.get("/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert me["organization"]["id"] == world.org["insured_a"]


def test_wrong_password_and_unknown_email_look_the_same(client: TestClient, world: World) -> None:
    wrong = client.post("/auth/token", json={"username": world.email["insured_a"], "password": "nope nope nope"})
    unknown = client.post("/auth/token", json={"username": "nobody@test.example", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_expired_forged_and_foreign_tokens_are_refused(client: TestClient, world: World, settings: Settings) -> None:
    principal = world.principal["insurer_a"]
    expired = auth.issue_token(principal, settings, FixedClock(datetime.now(UTC) - timedelta(hours=2))).access_token
    response = client.get("/policies", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]
    claims = {
        "sub": principal.user_id,
        "org": principal.org_id,
        "iat": datetime.now(UTC),
        "exp": datetime.now(UTC) + timedelta(minutes=5),
        "typ": "access",
    }
    forged = jwt.encode(claims, "another-key-of-thirty-two-characters!!", algorithm="HS256")
    unsigned = jwt.encode(claims, key="", algorithm="none")
    good = world.token("insurer_a")
    tampered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    for token in (forged, unsigned, tampered, "not-a-token"):
        assert client.get("/policies", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_disabled_user_is_refused_at_once(client: TestClient, world: World, session: Session) -> None:
    headers = world.headers("broker_a")
    assert client.get("/policies", headers=headers).status_code == 200
    user = session.get(User, world.principal["broker_a"].user_id)
    assert user is not None
    user.active = False
    session.commit()
    assert client.get("/policies", headers=headers).status_code == 401


def test_api_keys_are_hashed_scoped_and_revocable(client: TestClient, world: World, session: Session) -> None:
    created = client.post("/api-keys", json={"name": "robot", "role": "viewer"}, headers=world.headers("insurer_a"))
    assert created.status_code == 201, created.text
    key, key_id = created.json()["key"], created.json()["id"]
    row = session.scalars(select(ApiKey).where(ApiKey.id == key_id)).one()
    assert key not in (row.secret_sha256, row.name) and len(row.secret_sha256) == 64
    robot = {"X-API-Key": key}
    policies = client.get("/policies", headers=robot).json()["items"]
    assert {p["id"] for p in policies} == {world.ids["policy_a"]}
    cancel = {"effective_date": "2026-09-01", "reason": "robots may not"}
    assert client.post(f"/policies/{world.ids['policy_a']}/cancel", json=cancel, headers=robot).status_code == 403
    assert client.delete(f"/api-keys/{key_id}", headers=world.headers("insurer_b")).status_code == 404
    assert client.post("/api-keys", json={"name": "x"}, headers=world.headers("insurer_a_viewer")).status_code == 403
    assert client.delete(f"/api-keys/{key_id}", headers=world.headers("insurer_a")).json()["revoked_at"]
    assert client.get("/policies", headers=robot).status_code == 401
    assert client.get("/policies", headers={"X-API-Key": key[:-2] + "xx"}).status_code == 401


@pytest.mark.parametrize("env", ["dev", "test", "prod"])
def test_no_environment_has_a_default_signing_key(env: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(env=env, secret_key="short")
    bare = Settings(env=env, secret_key=None, database_url="postgresql+psycopg://db.example/x")
    with pytest.raises(RuntimeError, match="no signing key"):
        bare.signing_key  # noqa: B018 - the property itself refuses
    with pytest.raises(InvalidInput, match="CYBERINS_SECRET_KEY"):
        with_signing_key(bare)  # nowhere to keep a generated key: it must be given
    assert Settings(env=env, secret_key="x" * 40).signing_key == "x" * 40


def test_an_sqlite_installation_generates_a_private_key_once(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}", secret_key=None)
    first = with_signing_key(settings)
    path = tmp_path / "c.db.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.signing_key) >= 32
    assert with_signing_key(settings).signing_key == first.signing_key  # reused, never overwritten
    other = with_signing_key(Settings(database_url=f"sqlite:///{tmp_path / 'd.db'}", secret_key=None))
    assert other.signing_key != first.signing_key  # one key per installation
    path.chmod(0o644)
    with pytest.raises(InvalidInput, match="read by others"):
        with_signing_key(settings)


def test_the_key_once_published_as_the_dev_default_signs_nothing(
    engine: object, world: World, database_url: str, tmp_path: Path
) -> None:
    """The exploit of issue 16: a token minted with the key that settings.py used to publish is refused."""
    principal = world.principal["insurer_a"]
    claims = {"sub": principal.user_id, "org": principal.org_id, "iat": datetime.now(UTC),
              "exp": datetime.now(UTC) + timedelta(minutes=5), "typ": "access"}  # fmt: skip
    minted = jwt.encode(claims, "cyberins-dev-only-signing-key-do-not-use-in-production", algorithm="HS256")
    settings = Settings(database_url=database_url, secret_key=None, secret_key_file=tmp_path / "k")
    with TestClient(create_app(settings)) as client:
        assert client.get("/policies", headers={"Authorization": f"Bearer {minted}"}).status_code == 401
        signed_in = client.post("/auth/token", data={"username": world.email["insurer_a"], "password": PASSWORD})
        token = signed_in.json()["access_token"]
        assert client.get("/policies", headers={"Authorization": f"Bearer {token}"}).status_code == 200

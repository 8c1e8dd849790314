"""The audit chain: every change appends one entry; editing, deleting, reordering or truncating is caught,
by the service, the API and `cyberins audit verify` (exit 1, naming the first bad entry)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cyberins.cli import platform
from cyberins.services import audit, policies
from cyberins.settings import get_settings
from cyberins.store.models import AuditEntry
from tests.platform.world import World


def entries(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one())


def test_each_change_appends_one_chained_entry(session: Session, engine: Engine, world: World) -> None:
    before = entries(engine)
    policies.cancel_policy(session, world.principal["insurer_a"], world.ids["policy_a"], date(2026, 9, 1), "x")
    assert entries(engine) == before + 1
    report = audit.verify_chain(session)
    assert report.ok and report.entries == before + 1
    last = session.execute(
        text("SELECT actor, action, entity_id, before_digest, after_digest FROM audit_log ORDER BY seq DESC LIMIT 1")
    ).one()
    assert last[:3] == (f"user:{world.principal['insurer_a'].user_id}", "policy.cancel", world.ids["policy_a"])
    assert last.before_digest != last.after_digest and len(last.after_digest) == 64


def _edit(c: Connection) -> int:
    c.execute(text("UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = 5"))
    return 5


def _delete(c: Connection) -> int:
    c.execute(text("DELETE FROM audit_log WHERE seq = 7"))
    return 8


def _reorder(c: Connection) -> int:
    for old, new in ((10, -1), (11, 10), (-1, 11)):
        c.execute(text("UPDATE audit_log SET seq = :new WHERE seq = :old"), {"new": new, "old": old})
    return 10


def _truncate(c: Connection) -> int:
    last = int(c.execute(text("SELECT max(seq) FROM audit_log")).scalar_one())
    c.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": last})
    return last


def _rehash_edit(c: Connection) -> int:
    # a careful forger edits a digest and recomputes that entry's hash: the next entry's prev_hash betrays it
    with Session(bind=c) as forger:
        entry = forger.get(AuditEntry, 3)
        assert entry is not None
        entry.after_digest = "0" * 64
        entry.hash = audit.entry_hash(entry)
        forger.flush()
    return 4


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[None]:
    monkeypatch.setenv("CYBERINS_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("tamper", [_edit, _delete, _reorder, _truncate, _rehash_edit], ids=lambda f: f.__name__[1:])
def test_tampering_is_detected_and_named(
    engine: Engine, world: World, client: TestClient, cli_env: None, tamper: Callable[[Connection], int]
) -> None:
    cli = typer.Typer()
    cli.add_typer(platform.audit_app, name="audit")
    cli.command("noop")(lambda: None)
    assert CliRunner().invoke(cli, ["audit", "verify"]).exit_code == 0
    with engine.begin() as connection:
        bad = tamper(connection)
    result = CliRunner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry {bad}" in result.output
    report = client.get("/audit/verify", headers=world.headers("insurer_a")).json()
    assert (report["ok"], report["first_bad_seq"]) == (False, bad)

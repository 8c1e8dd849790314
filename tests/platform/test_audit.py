"""The audit log protects the money: every change appends one keyed entry to its tenant's chain, and
`audit verify` names each kind of tampering — an edited payment amount or settled amount, a payment inserted
by SQL, a deleted row or entry, a truncated tail, a tail re-chained without the key, a moved head — by the
service, the operator's CLI (exit 1, `--json`) and an insurer admin's API call (its own tenant only)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cyberins.cli import platform
from cyberins.services import audit, audit_check, policies
from cyberins.services.audit_check import Kind
from cyberins.settings import get_settings
from cyberins.store.models import AuditEntry
from tests.one_language import chinese_in, english_in
from tests.platform.conftest import TEST_SECRET
from tests.platform.world import World

Tamper = Callable[[Connection, World], tuple[Kind, str, str]]


def entries(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one())


def test_each_change_appends_one_keyed_entry_to_its_tenants_chain(
    session: Session, engine: Engine, world: World
) -> None:
    insurer = world.principal["insurer_a"]
    before = entries(engine)
    policies.cancel_policy(session, insurer, world.ids["policy_a"], date(2026, 9, 1), "x")
    assert entries(engine) == before + 1
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (last.chain, last.actor, last.action) == (insurer.org_id, f"user:{insurer.user_id}", "policy.cancel")
    assert last.before_digest != last.after_digest and len(last.after_digest or "") == 64
    # the hash is an HMAC under the audit key: plain SHA-256 of the same body does not reproduce it
    assert last.hash == audit.entry_hash(last, audit.audit_key(session))
    assert last.hash != audit.entry_hash(last, b"another installation's key")
    report = audit_check.verify_all(session)
    assert report.ok, report.discrepancies
    assert {c.chain for c in report.chains} >= {insurer.org_id, world.org["insurer_b"], "platform"}


def _edit_payment_amount(c: Connection, w: World) -> tuple[Kind, str, str]:
    c.execute(text("UPDATE payments SET amount = '200000' WHERE id = :id"), {"id": w.ids["payment_a"]})
    return Kind.EDITED, "payment", w.ids["payment_a"]


def _edit_settled_amount(c: Connection, w: World) -> tuple[Kind, str, str]:
    c.execute(text("UPDATE incidents SET settled_amount = '500000' WHERE id = :id"), {"id": w.ids["incident_a"]})
    return Kind.EDITED, "incident", w.ids["incident_a"]


def _insert_payment(c: Connection, w: World) -> tuple[Kind, str, str]:
    row = c.execute(text("SELECT * FROM payments WHERE id = :id"), {"id": w.ids["payment_a"]}).mappings().one()
    forged = {**row, "id": "f" * 32, "idempotency_key": "forged", "amount": "30000"}
    columns = ", ".join(forged)
    c.execute(text(f"INSERT INTO payments ({columns}) VALUES ({', '.join(':' + k for k in forged)})"), forged)
    return Kind.UNAUDITED, "payment", "f" * 32


def _delete_payment(c: Connection, w: World) -> tuple[Kind, str, str]:
    c.execute(text("DELETE FROM payments WHERE id = :id"), {"id": w.ids["payment_a"]})
    return Kind.DELETED, "payment", w.ids["payment_a"]


def _chain_of_payment(c: Connection, w: World) -> tuple[str, int]:
    sql = "SELECT chain, chain_seq FROM audit_log WHERE entity_id = :id AND action = 'payment.create'"
    chain, seq = c.execute(text(sql), {"id": w.ids["payment_a"]}).one()
    return str(chain), int(seq)


def _rechain_tail(c: Connection, w: World) -> tuple[Kind, str, str]:
    # A forger with the database edits the payment and its entry's after-digest, then recomputes every hash
    # from there to the head as the unkeyed log did (plain SHA-256), head row included.
    c.execute(text("UPDATE payments SET amount = '49999' WHERE id = :id"), {"id": w.ids["payment_a"]})
    chain, seq = _chain_of_payment(c, w)
    with Session(bind=c) as forger:
        payment = forger.get(audit_check.AUDITED["payment"].model, w.ids["payment_a"])
        tail = forger.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain == chain, AuditEntry.chain_seq >= seq)
            .order_by(AuditEntry.chain_seq)
        ).all()
        prev = tail[0].prev_hash
        for entry in tail:
            if entry.entity_id == w.ids["payment_a"]:
                entry.after_digest = audit.digest(payment)
            entry.prev_hash = prev
            entry.hash = audit.sha256_hex(audit.canonical_json({"seq": entry.chain_seq, "prev": prev, "chain": chain}))
            prev = entry.hash
        forger.flush()
        c.execute(text("UPDATE audit_chains SET hash = :h WHERE chain = :c"), {"h": prev, "c": chain})
    return Kind.CHAIN_BREAK, "audit_entry", f"{chain}:{seq}"


def _delete_entry(c: Connection, w: World) -> tuple[Kind, str, str]:
    chain, seq = _chain_of_payment(c, w)
    c.execute(text("DELETE FROM audit_log WHERE chain = :c AND chain_seq = :s"), {"c": chain, "s": seq})
    return Kind.CHAIN_BREAK, "audit_entry", f"{chain}:{seq}"


def _reorder(c: Connection, w: World) -> tuple[Kind, str, str]:
    # swapping two entries' database order could make an older entry look like an entity's last one
    chain, seq = _chain_of_payment(c, w)
    pick = "SELECT seq FROM audit_log WHERE chain = :c AND chain_seq = :s"
    a, b = (c.execute(text(pick), {"c": chain, "s": s}).scalar_one() for s in (seq, seq + 1))
    for old, new in ((a, -1), (b, a), (-1, b)):
        c.execute(text("UPDATE audit_log SET seq = :new WHERE seq = :old"), {"new": new, "old": old})
    return Kind.CHAIN_BREAK, "audit_entry", f"{chain}:{seq + 1}"


def _truncate(c: Connection, w: World) -> tuple[Kind, str, str]:
    chain = w.org["insurer_a"]
    last = c.execute(text("SELECT max(chain_seq) FROM audit_log WHERE chain = :c"), {"c": chain}).scalar_one()
    c.execute(text("DELETE FROM audit_log WHERE chain = :c AND chain_seq = :s"), {"c": chain, "s": last})
    return Kind.HEAD_MISMATCH, "audit_chain", chain


TAMPERS: list[Tamper] = [
    _edit_payment_amount,
    _edit_settled_amount,
    _insert_payment,
    _delete_payment,
    _rechain_tail,
    _delete_entry,
    _reorder,
    _truncate,
]


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[None]:
    monkeypatch.setenv("CYBERINS_DATABASE_URL", database_url)
    monkeypatch.setenv("CYBERINS_SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(platform.audit_app, name="audit")
    app.command("noop")(lambda: None)
    return app


def _speaks_one_language(engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch, kind: Kind) -> None:
    """The text report in CYBERINS_LANG: zh has no English beside ids (kinds, entity types and ids, actions,
    chains), en no Chinese; the kind is named in both."""
    with engine.connect() as connection:
        actions = [str(a) for a in connection.execute(text("SELECT DISTINCT action FROM audit_log")).scalars()]
        rows = connection.execute(
            text("SELECT id FROM payments UNION SELECT id FROM incidents UNION SELECT id FROM case_reserves")
        ).scalars()
        names = [*Kind, "audit_entry", "audit_chain", "payment", "incident", "case_reserve", *actions]
        names += world.ids.values()
        names += [*world.org.values(), *map(str, rows)]
    for lang in ("zh", "en"):
        monkeypatch.setenv("CYBERINS_LANG", lang)
        get_settings.cache_clear()
        output = CliRunner().invoke(cli(), ["audit", "verify"]).output
        assert kind.value in output
        if lang == "zh":
            assert "已被篡改" in output and english_in(output, names) == set(), output
        else:
            assert "TAMPERED" in output and chinese_in(output) == [], output
    get_settings.cache_clear()


@pytest.mark.parametrize("tamper", TAMPERS, ids=lambda f: f.__name__[1:])
def test_each_kind_of_tampering_is_named(
    engine: Engine, world: World, client: TestClient, cli_env: None, tamper: Tamper, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(cli(), ["audit", "verify"]).exit_code == 0
    with engine.begin() as connection:
        kind, entity_type, entity_id = tamper(connection, world)
    result = CliRunner().invoke(cli(), ["audit", "verify", "--json"])
    assert result.exit_code == 1
    found = {(d["kind"], d["entity_type"], d["entity_id"]) for d in json.loads(result.stdout)["discrepancies"]}
    assert (kind.value, entity_type, entity_id) in found
    text_result = CliRunner().invoke(cli(), ["audit", "verify"])
    assert text_result.exit_code == 1 and kind.value in text_result.output
    _speaks_one_language(engine, world, monkeypatch, kind)
    # the insurer whose money it is sees the same discrepancy through the API
    report = client.get("/audit/verify", headers=world.headers("insurer_a")).json()
    assert report["ok"] is False
    assert (kind.value, entity_type, entity_id) in {
        (d["kind"], d["entity_type"], d["entity_id"]) for d in report["discrepancies"]
    }
    # ... and the other insurer, whose chain and rows were not touched, sees nothing wrong and nothing of A
    other = client.get("/audit/verify", headers=world.headers("insurer_b")).json()
    assert other["ok"] is True and other["discrepancies"] == []
    assert [c["chain"] for c in other["chains"]] == [world.org["insurer_b"]]


def test_a_tenant_report_holds_nothing_of_other_tenants(session: Session, world: World, client: TestClient) -> None:
    report = client.get("/audit/verify", headers=world.headers("insurer_a")).json()
    assert report["ok"] is True and [c["chain"] for c in report["chains"]] == [world.org["insurer_a"]]
    whole = audit_check.verify_all(session)
    assert report["entries"] < whole.entries and report["entities"] < whole.entities
    others = {world.org[p] for p in ("insurer_b", "insured_b", "broker_b")} | {world.ids["payment_b"]}
    assert not any(other in json.dumps(report) for other in others)
    assert client.get("/audit/verify", headers=world.headers("insured_a")).status_code == 403


def test_a_rewritten_head_is_caught_by_the_published_head(
    engine: Engine, world: World, cli_env: None, tmp_path: Path
) -> None:
    """A chain truncated with its head row is consistent in itself; the head published before betrays it."""
    heads = CliRunner().invoke(cli(), ["audit", "heads"])
    assert heads.exit_code == 0
    published = json.loads(heads.stdout)
    chain = world.org["insurer_a"]
    with engine.begin() as c:
        last = c.execute(text("SELECT max(chain_seq) FROM audit_log WHERE chain = :c"), {"c": chain}).scalar_one()
        prev = c.execute(
            text("SELECT prev_hash FROM audit_log WHERE chain = :c AND chain_seq = :s"), {"c": chain, "s": last}
        ).scalar_one()
        c.execute(text("DELETE FROM audit_log WHERE chain = :c AND chain_seq = :s"), {"c": chain, "s": last})
        c.execute(
            text("UPDATE audit_chains SET seq = :s, hash = :h WHERE chain = :c"), {"s": last - 1, "h": prev, "c": chain}
        )
    alone = json.loads(CliRunner().invoke(cli(), ["audit", "verify", "--json"]).stdout)
    assert "head_mismatch" not in {d["kind"] for d in alone["discrepancies"]}  # the chain itself is consistent
    anchor = f"{chain}={published[chain]['hash']}"
    anchored = CliRunner().invoke(cli(), ["audit", "verify", "--json", "--expect-head", anchor])
    assert anchored.exit_code == 1
    found = {(d["kind"], d["entity_id"]) for d in json.loads(anchored.stdout)["discrepancies"]}
    assert ("head_mismatch", chain) in found
    path = tmp_path / "heads.json"
    path.write_text(heads.stdout, encoding="utf-8")
    assert CliRunner().invoke(cli(), ["audit", "verify", "--heads-file", str(path)]).exit_code == 1


def test_verify_refuses_a_bad_anchor_and_a_missing_key(
    world: World, cli_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = CliRunner().invoke(cli(), ["audit", "verify", "--expect-head", "nothing"])
    assert bad.exit_code == 2 and "--expect-head" in bad.output and "Traceback" not in bad.output
    heads = tmp_path / "heads.json"
    for text_ in ('{"platform": {"seq": 1}}', "[1, 2]", "not json"):
        heads.write_text(text_, encoding="utf-8")
        refused = CliRunner().invoke(cli(), ["audit", "verify", "--heads-file", str(heads)])
        assert refused.exit_code == 2 and "--heads-file" in refused.output, text_
    monkeypatch.delenv("CYBERINS_SECRET_KEY")
    monkeypatch.setenv("CYBERINS_SECRET_KEY_FILE", "/nonexistent/cyberins.key")
    get_settings.cache_clear()
    missing = CliRunner().invoke(cli(), ["audit", "verify"])
    assert missing.exit_code == 2 and "CYBERINS_SECRET_KEY_FILE" in missing.output


def test_another_key_verifies_nothing(engine: Engine, world: World) -> None:
    """The database alone cannot vouch for its log: without the installation's key every chain breaks."""
    from cyberins.store import session_factory

    with session_factory(engine, b"k" * 32)() as session:
        report = audit_check.verify_all(session)
    assert not report.ok
    assert {d.kind for d in report.discrepancies} == {Kind.CHAIN_BREAK, Kind.EDITED}


def test_money_written_by_services_reconciles(session: Session, world: World) -> None:
    """The digest of a row as written equals that of the row read back (money scale, time zones)."""
    row = session.get(audit_check.AUDITED["incident"].model, world.ids["incident_a"])
    assert row is not None and row.settled_amount == Decimal("50000")
    session.expire_all()
    assert audit_check.verify_all(session).ok


def test_tenants_do_not_queue_behind_each_other(engine: Engine, database_url: str, world: World) -> None:
    """While insurer A's transaction holds its chain's head, insurer B appends to its own chain at once."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever the chains")
    from cyberins.services.uow import unit_of_work
    from tests.platform.conftest import sessions_for

    sessions = sessions_for(engine, database_url)
    a, b = world.principal["insurer_a"], world.principal["insurer_b"]
    with sessions() as first, sessions() as second:
        with unit_of_work(first):
            policies.cancel_policy(first, a, world.ids["policy_a"], date(2026, 9, 1), "a")  # commits at once
        first.begin()
        audit.record(first, a, "test.hold", "organization", a.org_id, before=None, after=None)  # A's head held
        second.execute(text("SET lock_timeout = '2s'"))  # a queue behind A would fail with 55P03, not wait
        policies.cancel_policy(second, b, world.ids["policy_b"], date(2026, 9, 1), "b")
        first.rollback()
    with sessions() as check:
        assert audit_check.verify_all(check).ok


def test_the_report_reads_in_the_configured_language(
    engine: Engine, world: World, cli_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with engine.begin() as connection:
        _edit_payment_amount(connection, world)
    for lang, words in (("zh", ("已被篡改", "数据被改动 (edited)", "说明")), ("en", ("TAMPERED", "edited", "detail"))):
        monkeypatch.setenv("CYBERINS_LANG", lang)
        get_settings.cache_clear()
        result = CliRunner().invoke(cli(), ["audit", "verify"])
        assert result.exit_code == 1 and all(word in result.output for word in words), result.output


def test_a_sign_in_lock_cut_short_by_sql_is_named(session: Session, engine: Engine) -> None:
    """Locks are audited rows too: shortening one in the database (to let a guesser back in) is `edited`."""
    from cyberins.services import signin
    from cyberins.services.clock import SYSTEM_CLOCK

    settings = get_settings()
    attempt = signin.Attempt("victim@example.com", "203.0.113.9")
    for _ in range(settings.signin_account_failures):
        signin.record_failure(session, attempt, settings, SYSTEM_CLOCK)
    assert audit_check.verify_all(session).ok
    with engine.begin() as c:
        lock_id = c.execute(text("SELECT id FROM sign_in_locks WHERE scope = 'account'")).scalar_one()
        c.execute(text("UPDATE sign_in_locks SET locked_until = locked_at WHERE id = :id"), {"id": lock_id})
    session.rollback()  # end the read that saw the row before: the check reads it afresh
    found = {(d.kind, d.entity_type, d.entity_id) for d in audit_check.verify_all(session).discrepancies}
    assert (Kind.EDITED, "sign_in_lock", lock_id) in found

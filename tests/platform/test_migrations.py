"""Migrations: from empty to head, one step down and up again, down to nothing; models match migrations."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from cyberins.model.vocab import OrgKind
from cyberins.services import audit, audit_check, parties
from cyberins.services.access import Principal
from cyberins.store import current_revision, downgrade, head_revision, make_engine, session_factory, upgrade
from cyberins.store.base import Base
from cyberins.store.models import AuditEntry, Organization
from cyberins.store.models.platform import GENESIS_HASH, LEGACY_CHAIN

APP_TABLES = {
    "organizations",
    "users",
    "api_keys",
    "relationships",
    "submissions",
    "policies",
    "audit_log",
    "audit_chains",
    "idempotency_keys",
    "incidents",
    "payments",
    "services",
    "service_subscriptions",
    "sign_in_failures",
    "sign_in_locks",
    "feed_loads",
    "feed_records",
    "asset_rows",
    "monitoring_alerts",
    "web_sessions",
    "alert_notifications",
    "reinsurance_programmes",
    "case_reserves",
}
SIGN_IN_TABLES = {"sign_in_failures", "sign_in_locks"}
FEED_TABLES = {"feed_loads", "feed_records"}
MONITORING_TABLES = {"asset_rows", "monitoring_alerts"}
WEB_TABLES = {"web_sessions"}
NOTIFICATION_TABLES = {"alert_notifications"}
PROGRAMME_TABLES = {"reinsurance_programmes"}
RESERVE_TABLES = {"case_reserves"}
LATER_TABLES = FEED_TABLES | MONITORING_TABLES | WEB_TABLES | NOTIFICATION_TABLES | PROGRAMME_TABLES | RESERVE_TABLES


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_then_one_step_down_and_up(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision() == "0011"
        assert tables(engine) == APP_TABLES
        downgrade(engine)
        assert current_revision(engine) == "0010"
        assert tables(engine) == APP_TABLES - RESERVE_TABLES
        downgrade(engine)
        assert current_revision(engine) == "0009"
        assert tables(engine) == APP_TABLES - RESERVE_TABLES - PROGRAMME_TABLES
        downgrade(engine)
        assert current_revision(engine) == "0008"
        assert tables(engine) == APP_TABLES - RESERVE_TABLES - PROGRAMME_TABLES - NOTIFICATION_TABLES
        assert "remediated_at" not in {c["name"] for c in inspect(engine).get_columns("monitoring_alerts")}
        downgrade(engine)
        assert current_revision(engine) == "0007"
        assert tables(engine) == APP_TABLES - RESERVE_TABLES - PROGRAMME_TABLES - NOTIFICATION_TABLES - WEB_TABLES
        downgrade(engine)
        assert current_revision(engine) == "0006"
        assert tables(engine) == APP_TABLES - LATER_TABLES | FEED_TABLES
        downgrade(engine)
        assert current_revision(engine) == "0005"
        assert tables(engine) == APP_TABLES - LATER_TABLES
        with engine.begin() as connection:  # data of the lower revision survives the step down
            connection.execute(
                text(
                    "INSERT INTO organizations (id, name, kind, created_at) "
                    "VALUES ('o1', 'Kept Ltd', 'insured', CURRENT_TIMESTAMP)"
                )
            )
        downgrade(engine)
        assert current_revision(engine) == "0004"
        assert tables(engine) == APP_TABLES - LATER_TABLES - {"audit_chains"} | {"audit_head"}
        assert "chain" not in {c["name"] for c in inspect(engine).get_columns("audit_log")}
        downgrade(engine)
        assert current_revision(engine) == "0003"
        assert tables(engine) == APP_TABLES - LATER_TABLES - {"audit_chains"} - SIGN_IN_TABLES | {"audit_head"}
        assert "token_version" not in {c["name"] for c in inspect(engine).get_columns("users")}
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name FROM organizations")).scalar_one() == "Kept Ltd"
        upgrade(engine)
        assert tables(engine) == APP_TABLES
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert tables(engine) == set()
    finally:
        engine.dispose()


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: a commit is on disk


def _legacy_log(engine: Engine, org_id: str, after: str) -> str:
    """Three entries as revision 0003 wrote them (one unkeyed chain by `seq`), the last about `org_id`; the
    head hash."""
    prev = GENESIS_HASH
    with engine.begin() as connection:
        for seq in (1, 2, 3):
            entry = AuditEntry(
                chain=LEGACY_CHAIN, chain_seq=seq, at=datetime(2026, 1, seq, tzinfo=UTC), actor="system", org_id=None,
                action="organization.create", entity_type="organization", entity_id=org_id if seq == 3 else f"old{seq}",
                before_digest=None, after_digest=after if seq == 3 else None, prev_hash=prev, hash="",
            )  # fmt: skip
            entry.hash = audit.entry_hash(entry, b"unused: the legacy chain is not keyed")
            row = {c: getattr(entry, c) for c in ("at", "actor", "org_id", "action", "entity_type", "entity_id")}
            connection.execute(
                text(
                    "INSERT INTO audit_log (seq, at, actor, org_id, action, entity_type, entity_id, before_digest, "
                    "after_digest, prev_hash, hash) VALUES (:seq, :at, :actor, :org_id, :action, :entity_type, "
                    ":entity_id, NULL, :after, :prev, :hash)"
                ),
                {**row, "at": entry.at.isoformat(), "seq": seq, "after": entry.after_digest, "prev": prev,
                 "hash": entry.hash},
            )  # fmt: skip
            prev = entry.hash
        connection.execute(text("UPDATE audit_head SET seq = 3, hash = :h WHERE id = 1"), {"h": prev})
    return prev


def test_a_populated_single_chain_log_upgrades_and_stays_verifiable(database_url: str) -> None:
    """0003 -> 0005: the old entries become the unkeyed `legacy` chain, still verifying; new entries go to keyed
    chains whose first entry links to the legacy head, so rewriting the legacy chain afterwards is caught."""
    engine = make_engine(database_url)
    sessions = session_factory(engine, b"k" * 32)
    try:
        upgrade(engine, "0003")
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO organizations (id, name, kind, created_at) VALUES ('o1', 'Old Ltd', 'insurer', :at)"),
                {"at": datetime(2026, 1, 1, tzinfo=UTC)},
            )
        with sessions() as session:
            org = session.get(Organization, "o1")
            legacy_head = _legacy_log(engine, "o1", audit.digest(org) or "")
        upgrade(engine)
        with sessions() as session:
            report = audit_check.verify_all(session)
            assert report.ok, report.discrepancies
            assert [(c.chain, c.entries, c.head_hash) for c in report.chains] == [(LEGACY_CHAIN, 3, legacy_head)]
            new = parties.create_organization(session, Principal.system_actor(), "New Ltd", OrgKind.INSURER)
            first = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == new.id)).one()
            assert (first.chain, first.chain_seq, first.prev_hash, first.seq) == ("platform", 1, legacy_head, 4)
            assert audit_check.verify_all(session).ok
        with engine.begin() as connection:  # a forger re-chains the unkeyed legacy log after its entry 2
            connection.execute(text("UPDATE audit_log SET actor = 'someone' WHERE chain = 'legacy' AND chain_seq = 3"))
            rows = connection.execute(text("SELECT * FROM audit_log WHERE chain = 'legacy' AND chain_seq = 3")).one()
            with Session(bind=connection) as forger:
                entry = forger.get(AuditEntry, rows.seq)
                assert entry is not None
                forged = audit.entry_hash(entry, b"")
            connection.execute(text("UPDATE audit_log SET hash = :h WHERE seq = :s"), {"h": forged, "s": rows.seq})
            connection.execute(text("UPDATE audit_chains SET hash = :h WHERE chain = 'legacy'"), {"h": forged})
        with sessions() as session:
            report = audit_check.verify_all(session)
        assert [(d.kind, d.entity_id) for d in report.discrepancies] == [("chain_break", "platform:1")]
        with pytest.raises(RuntimeError, match="per-tenant chain"):
            downgrade(engine, "0004")
    finally:
        engine.dispose()

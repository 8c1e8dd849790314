"""Migrations: from empty to head, one step down and up again, down to nothing; models match migrations."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from cyberins.store import current_revision, downgrade, head_revision, make_engine, upgrade
from cyberins.store.base import Base

APP_TABLES = {
    "organizations",
    "users",
    "api_keys",
    "relationships",
    "submissions",
    "policies",
    "audit_log",
    "audit_head",
    "idempotency_keys",
    "incidents",
    "payments",
    "services",
    "service_subscriptions",
    "sign_in_failures",
    "sign_in_locks",
}
SIGN_IN_TABLES = {"sign_in_failures", "sign_in_locks"}


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_then_one_step_down_and_up(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision() == "0004"
        assert tables(engine) == APP_TABLES
        with engine.begin() as connection:  # data of the lower revision survives the step down
            connection.execute(
                text(
                    "INSERT INTO organizations (id, name, kind, created_at) "
                    "VALUES ('o1', 'Kept Ltd', 'insured', CURRENT_TIMESTAMP)"
                )
            )
        downgrade(engine)
        assert current_revision(engine) == "0003"
        assert tables(engine) == APP_TABLES - SIGN_IN_TABLES
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

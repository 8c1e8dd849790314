"""Engines and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL through psycopg 3."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cyberins.model.errors import InvalidInput, Said


def normalize_url(url: str) -> str:
    """Pick the psycopg 3 driver for a bare `postgresql://` URL; refuse backends the store does not support."""
    try:
        parsed = make_url(url)
    except Exception:  # sqlalchemy raises ArgumentError, but a malformed URL can surface as ValueError too
        raise InvalidInput.one("database_url", Said("input.other.not_database_url", {"url": repr(url)})) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        else:
            raise InvalidInput.one(
                "database_url",
                Said(
                    "input.other.psycopg",
                    {"wanted": "psycopg 3", "scheme": "postgresql+psycopg://", "driver": parsed.drivername},
                ),
            )
    elif backend != "sqlite":
        raise InvalidInput.one(
            "database_url",
            Said(
                "input.other.unsupported_database",
                {"backend": repr(backend), "sqlite": "sqlite:///", "postgresql": "postgresql+psycopg://"},
            ),
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver's own BEGIN is replaced by _begin
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cursor.execute("PRAGMA busy_timeout=5000")
        # FULL: a commit is on disk (the WAL fsynced) before it returns, so a power loss never takes back a
        # payment the caller was told about; NORMAL could lose the last commits (see docs/platform.md).
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


#: Execution option marking a connection whose transaction will write (see `begin_write`).
WRITE_INTENT = "cyberins_write_intent"


def _begin(connection: Connection) -> None:
    # A deferred SQLite transaction that reads and then writes fails outright (SQLITE_BUSY_SNAPSHOT) when
    # another writer committed in between; a writing use case takes the write lock at BEGIN and waits its
    # turn instead. Readers stay deferred, so WAL lets them run beside the writer.
    immediate = connection.get_execution_options().get(WRITE_INTENT, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (SQLite: BEGIN IMMEDIATE; PostgreSQL: a plain BEGIN).

    A read-only transaction already open (say, the sign-in lookup) is ended first; one with changes is kept.
    """
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()
    session.connection(execution_options={WRITE_INTENT: True})


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; the caller owns it and calls `dispose()` when done.

    SQLite: WAL journal, foreign keys on, 5 s busy timeout, writing transactions begin IMMEDIATE (see
    `begin_write`). PostgreSQL: psycopg 3.
    """
    engine = create_engine(normalize_url(url), **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
    return engine


#: `Session.info` entry holding the audit chain's HMAC key (`services.audit`); the database never holds it.
AUDIT_KEY = "cyberins.audit_key"


def session_factory(engine: Engine, audit_key: bytes | None = None) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (services return them to renderers).

    Sessions that write audited changes need `audit_key` (`services.secrets.audit_key(settings)`); read-only
    ones (background checks) may go without.
    """
    info = {} if audit_key is None else {AUDIT_KEY: audit_key}
    return sessionmaker(engine, expire_on_commit=False, info=info)

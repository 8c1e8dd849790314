"""Fixtures of the platform tests: a fresh, migrated database per test (or per module for the read-only
access matrix) on PostgreSQL when `CYBERINS_TEST_DATABASE_URL` is set, each test in its own schema, else on
a SQLite file in tmp_path; the real FastAPI app over it; a fixed business clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cyberins.api import create_app
from cyberins.services.clock import FixedClock
from cyberins.services.queue import InProcessQueue
from cyberins.services.secrets import audit_key
from cyberins.settings import Settings, get_settings
from cyberins.store import make_engine, normalize_url, session_factory, upgrade
from tests.platform.world import World, build_world

PG_URL = os.environ.get("CYBERINS_TEST_DATABASE_URL")
TEST_SECRET = "test-signing-key-0123456789abcdef-0123456789"
#: Business time of the tests: inside the example policies' periods.
NOW = datetime(2026, 8, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def pytest_report_header(config: pytest.Config) -> str:
    if PG_URL:
        return (
            f"platform tests on PostgreSQL: {make_url(PG_URL).render_as_string(hide_password=True)} (schema per test)"
        )
    return "platform tests on SQLite files in tmp_path (set CYBERINS_TEST_DATABASE_URL for PostgreSQL)"


@contextmanager
def fresh_database(folder: Path) -> Iterator[str]:
    """The URL of an empty database: a new PostgreSQL schema (dropped afterwards) or a new SQLite file."""
    if not PG_URL:
        yield f"sqlite:///{folder / 'cyberins-test.db'}"
        return
    schema = f"t_{uuid4().hex[:16]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(normalize_url(PG_URL)).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def migrated(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, env="test", secret_key=TEST_SECRET, redis_url=None)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    with migrated(database_url) as engine:
        yield engine


def sessions_for(engine: Engine, url: str) -> sessionmaker[Session]:
    """Sessions with the test installation's audit key, as the app opens them."""
    return session_factory(engine, audit_key(settings_for(url)))


@pytest.fixture
def session(engine: Engine, database_url: str) -> Iterator[Session]:
    with sessions_for(engine, database_url)() as session:
        yield session


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
def client(engine: Engine, settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock, queue=InProcessQueue())) as client:
        yield client


@pytest.fixture
def world(session: Session, settings: Settings, clock: FixedClock) -> World:
    """A fresh multi-party world for tests that change it."""
    return build_world(session, settings, clock)


@contextmanager
def seeded(folder: Path) -> Iterator[tuple[World, FastAPI]]:
    """A fresh database with the test world, and an app over it (its lifespan not yet started)."""
    with fresh_database(folder) as url, migrated(url) as engine:
        settings = settings_for(url)
        clock = FixedClock(NOW)
        with sessions_for(engine, url)() as session:
            world = build_world(session, settings, clock)
        yield world, create_app(settings, clock=clock, queue=InProcessQueue())


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, TestClient]]:
    """One world and app per module, for tests that only read or are refused (the access matrix)."""
    with seeded(tmp_path_factory.mktemp("shared")) as (world, app), TestClient(app) as client:
        yield world, client


@pytest.fixture
def use_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Point the CLI's settings at a database URL (with the test world's installation key)."""

    def point_at(url: str) -> None:
        monkeypatch.setenv("CYBERINS_DATABASE_URL", url)
        monkeypatch.setenv("CYBERINS_SECRET_KEY", TEST_SECRET)
        get_settings.cache_clear()

    yield point_at
    get_settings.cache_clear()

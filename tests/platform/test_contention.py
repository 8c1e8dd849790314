"""A write the store cannot take for lock contention is a 503 with Retry-After, never a 500, and writes
nothing (issue 16 §2)."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cyberins.store.models import Organization
from tests.platform.world import World


def test_a_write_blocked_by_another_writer_answers_503_and_writes_nothing(
    client: TestClient, world: World, engine: Engine, session: Session
) -> None:
    url = make_url(str(engine.url))
    if url.get_backend_name() != "sqlite":
        pytest.skip("holds SQLite's one writer lock; PostgreSQL contention maps through the same code path")
    before = session.scalar(select(func.count()).select_from(Organization))
    blocker = sqlite3.connect(url.database or "", timeout=0)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
        body = {"name": "Blocked Client Co.", "kind": "insured"}
        response = client.post("/organizations", json=body, headers=world.headers("broker_a"))
    finally:
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"
    assert response.json()["error"]["code"] == "busy"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Organization)) == before
    # the same request, once the lock is gone, goes through
    again = client.post("/organizations", json=body, headers=world.headers("broker_a"))
    assert again.status_code == 201, again.text

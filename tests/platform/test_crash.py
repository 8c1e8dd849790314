"""Kill the real server (`cyberins serve`, a subprocess) with SIGKILL in the middle of a burst of payments,
restart it, and show that nothing acknowledged is lost, nothing is half-written, and retrying every request
with its key pays each exactly once.

SQLite file in WAL mode by default; the PostgreSQL schema of the test when `CYBERINS_TEST_DATABASE_URL` is set.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cyberins.services import audit_check, claims
from cyberins.store.models import AuditEntry, IdempotencyRecord, Incident, Payment
from tests.platform.conftest import PG_URL, TEST_SECRET, sessions_for
from tests.platform.world import World

BURST = 160  # payments of 1.00, one key each
CLIENTS = 8
KILL_AFTER = 40  # acknowledged payments before the kill
PAY_PATH = "/payments"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(database_url: str, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`python -m cyberins serve` on a free loopback port, ready when /health answers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERINS_")}
    env |= {"CYBERINS_DATABASE_URL": database_url, "CYBERINS_ENV": "test", "CYBERINS_SECRET_KEY": TEST_SECRET}
    command = [sys.executable, "-m", "cyberins", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield server, base
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _settled_claim(session: Session, world: World) -> str:
    """A claim settled at 1,000,000 CNY, paid 1.00 at a time in the burst."""
    insurer, incident = world.principal["insurer_a"], world.ids["fresh_incident_a"]
    claims.assign_responder(session, insurer, incident, world.org["responder_a"])
    claims.submit_forensics(session, world.principal["responder_a"], incident, {"root_cause": "phishing"})
    claims.record_coverage_decision(session, insurer, incident, {"covered": ["incident_response"]}, True)
    claims.record_loss_adjustment(session, insurer, incident, {}, Decimal("1000000"))
    claims.record_settlement(session, insurer, incident, {}, Decimal("1000000"))
    return incident


def _pay(client: httpx.Client, headers: dict[str, str], incident: str, key: str) -> httpx.Response:
    body = {"incident_id": incident, "amount": "1.00", "currency": "CNY"}
    return client.post(PAY_PATH, json=body, headers={**headers, "Idempotency-Key": key}, timeout=30)


def _burst(base: str, headers: dict[str, str], incident: str, server: subprocess.Popen[bytes]) -> dict[str, str]:
    """Fire BURST payments from CLIENTS threads; SIGKILL the server after KILL_AFTER acknowledgements.
    Returns key -> payment id for every payment the server acknowledged (2xx)."""
    acked: dict[str, str] = {}
    lock, enough = threading.Lock(), threading.Event()
    keys = iter([f"crash-{i:04d}" for i in range(BURST)])

    def client_loop() -> None:
        with httpx.Client(base_url=base) as client:
            while True:
                with lock:
                    key = next(keys, None)
                if key is None:
                    return
                try:
                    response = _pay(client, headers, incident, key)
                except httpx.TransportError:
                    continue  # the server died under this request: unacknowledged
                assert response.status_code == 201, response.text
                with lock:
                    acked[key] = response.json()["id"]
                    if len(acked) >= KILL_AFTER:
                        enough.set()

    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(client_loop) for _ in range(CLIENTS)]
        assert enough.wait(60), "the burst never reached the kill point"
        os.kill(server.pid, signal.SIGKILL)
        for future in futures:
            future.result()
    server.wait(10)
    with lock:
        return dict(acked)


def _check_store(engine: Engine, incident: str, insurer_org: str) -> dict[str, Payment]:
    """No half-written payment: each has its audit entry and its stored response; the claim's paid amount is
    their sum; the audit chain verifies. Returns the payments by key."""
    with sessions_for(engine, str(engine.url))() as session:
        rows = session.scalars(select(Payment).where(Payment.incident_id == incident))
        payments = {p.idempotency_key: p for p in rows}
        created = {
            e.entity_id for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "payment.create"))
        }
        assert {p.id for p in payments.values()} <= created, "a payment without its audit entry"
        stored = {
            r.key: r.response["id"]
            for r in session.scalars(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.scope == insurer_org, IdempotencyRecord.endpoint == "POST /payments"
                )
            )
        }
        assert stored == {k: p.id for k, p in payments.items()}, "a payment without its stored response, or vice versa"
        claim = session.get(Incident, incident)
        assert claim is not None
        assert claim.paid_amount == sum((p.amount for p in payments.values()), Decimal(0))
        report = audit_check.verify_all(session)
        assert report.ok, report.discrepancies
        total = session.scalar(select(func.count()).select_from(Payment).where(Payment.incident_id == incident))
        assert total == len(payments), "two payments under one key"
        return payments


def test_a_killed_server_loses_nothing_acknowledged_and_leaves_nothing_half_written(
    engine: Engine, session: Session, world: World, database_url: str, tmp_path: Path
) -> None:
    incident = _settled_claim(session, world)
    headers = world.headers("insurer_a")
    insurer_org = world.org["insurer_a"]
    log = tmp_path / "server.log"
    with serving(database_url, log) as (server, base):
        acked = _burst(base, headers, incident, server)
    assert len(acked) >= KILL_AFTER

    after_crash = _check_store(engine, incident, insurer_org)
    assert {k: p.id for k, p in after_crash.items() if k in acked} == acked, "an acknowledged payment was lost"
    assert len(after_crash) < BURST, "the kill came after the burst: nothing was interrupted"

    with serving(database_url, log) as (_, base), httpx.Client(base_url=base) as client:
        retried: dict[str, Any] = {}
        for i in range(BURST):
            key = f"crash-{i:04d}"
            response = _pay(client, headers, incident, key)
            assert response.status_code == 201, response.text
            retried[key] = response
        for key, payment_id in acked.items():
            assert retried[key].json()["id"] == payment_id
            assert retried[key].headers["Idempotent-Replayed"] == "true"
        for key, payment in after_crash.items():  # committed, even where the answer was lost with the server
            assert retried[key].json()["id"] == payment.id

    final = _check_store(engine, incident, insurer_org)
    assert sorted(final) == [f"crash-{i:04d}" for i in range(BURST)]
    assert sum((p.amount for p in final.values()), Decimal(0)) == Decimal(BURST)
    assert PG_URL or "WAL" in _journal_mode(engine)


def _journal_mode(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.exec_driver_sql("PRAGMA journal_mode").scalar_one()).upper()

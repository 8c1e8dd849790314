"""A bounded load test of the REST API on loopback: `cyberins serve` on a fresh database with the demo world,
N concurrent clients for a fixed time, then a check that nothing failed and nothing acknowledged was lost.

Each client repeats a realistic mix: list policies (insurer), quote a submission (a broker submits a profile,
the underwriter assesses and quotes it), report an incident (claims handler), and pay a settled claim by
1.00 with a fresh `Idempotency-Key`. Latency is measured per request from the client (send to last byte).
Afterwards the server is stopped and the database read directly: every acknowledged submission, quote,
incident and payment must be there, each claim's paid amount the sum of its acknowledged payments, and the
audit log must verify (every chain, every row reconciled). Traffic goes to 127.0.0.1 only.

    .venv/bin/python benchmarks/load_api.py [--seconds 30] [--clients 50] [--postgres postgresql+psycopg://...]
        [--port 8765] [--workers 2]

or against a server already running (seeded with `cyberins demo`, whose password it printed):

    CYBERINS_SECRET_KEY=... .venv/bin/python benchmarks/load_api.py --url http://127.0.0.1:8000 \
        --database-url postgresql+psycopg://... --password ...
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import numpy as np
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from cyberins.services import audit_check
from cyberins.services.secrets import audit_key
from cyberins.settings import Settings
from cyberins.store import make_engine, normalize_url, session_factory
from cyberins.store.models import Incident, Payment, Submission

ROOT = Path(__file__).resolve().parents[1]
#: `cyberins demo` prints the password it drew for the users it created.
PASSWORD_LINE = re.compile(r"password of the users created now: (\S+)")
USERS = {
    "insurer": "admin@cyber-insurance.example",
    "underwriter": "underwriter@cyber-insurance.example",
    "claims": "claims-handler@cyber-insurance.example",
    "broker": "admin@east-risk-brokers.example",
    "responder": "admin@incident-response-team.example",
}
MIX = {"list_policies": 40, "quote": 20, "report_incident": 25, "pay": 15}
PROFILES = [
    {"industry": "manufacturing", "annual_revenue": "38000000", "employees": 120},
    {"industry": "retail", "annual_revenue": "80000000", "employees": 200},
    {"industry": "logistics", "annual_revenue": "800000000", "employees": 1500},
]
CONTROLS = {"mfa": True, "edr": True, "offline_backups": True}


@dataclass
class Ledger:
    """What the clients measured and what the server acknowledged, shared by the client threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    submissions: dict[str, str] = field(default_factory=dict)  # id -> last acknowledged state
    incidents: set[str] = field(default_factory=set)
    payments: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (payment id, incident id)

    def call(self, op: str, client: httpx.Client, method: str, path: str, expect: int, **kw: Any) -> Any:
        start = time.perf_counter()
        try:
            response = client.request(method, path, **kw)
        except httpx.HTTPError as exc:
            with self.lock:
                self.errors[op].append(f"{type(exc).__name__}: {exc}")
            return None
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.latency[op].append(elapsed)
            if response.status_code != expect:
                self.errors[op].append(f"{response.status_code} {response.text[:200]}")
                return None
        return response.json()


@dataclass(frozen=True)
class World:
    """Ids and credentials the mix needs, found through the API after seeding."""

    headers: dict[str, dict[str, str]]
    insurer_org: str
    clients: list[str]  # the broker's insured clients
    policy: dict[str, Any]  # the SME policy, which the incidents and payments run on
    wording: dict[str, Any]  # its wording without a number, to quote


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(
    database_url: str, log: Path, secret: str, port: int | None, workers: int
) -> Iterator[tuple[subprocess.Popen[bytes], str, str]]:
    """Seed the demo (`cyberins demo`) and serve it (`cyberins serve`) on `port` (else a free one) of the
    loopback; yields the process, the base URL and the demo users' password."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERINS_")}
    env |= {"CYBERINS_DATABASE_URL": database_url, "CYBERINS_ENV": "test", "CYBERINS_SECRET_KEY": secret}
    with log.open("ab") as out:
        seeded = subprocess.run(
            [sys.executable, "-m", "cyberins", "demo"], env=env | {"COLUMNS": "200"}, cwd=ROOT,
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        out.write(seeded.stdout.encode())
        found = PASSWORD_LINE.search(seeded.stdout)
        if found is None:
            raise SystemExit(f"`cyberins demo` printed no password; see {log}")
        port = port or _free_port()
        command = [sys.executable, "-m", "cyberins", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(workers)]  # fmt: skip
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"the server did not start; see {log}")
        yield proc, base, found.group(1)
    finally:
        proc.terminate()
        proc.wait(30)


def _sign_in(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    response = client.post("/auth/token", data={"username": email, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _incident_times(policy: dict[str, Any], now: datetime) -> tuple[str, str]:
    """An occurrence two days ago and its discovery a day later, inside the policy period."""
    occurred = now - timedelta(days=2)
    start = datetime.fromisoformat(policy["period_start"]).replace(tzinfo=UTC)
    end = datetime.fromisoformat(policy["period_end"]).replace(tzinfo=UTC)
    if not start + timedelta(days=1) <= occurred <= end:
        raise SystemExit(f"today is outside the demo policy period {start:%Y-%m-%d}..{end:%Y-%m-%d}")
    return occurred.isoformat(), (occurred + timedelta(days=1)).isoformat()


def discover(base: str, password: str) -> World:
    with httpx.Client(base_url=base, timeout=30) as client:
        headers = {role: _sign_in(client, email, password) for role, email in USERS.items()}
        me = client.get("/me", headers=headers["insurer"]).json()
        clients = client.get("/organizations?kind=insured", headers=headers["broker"]).json()["items"]
        policies = client.get("/policies?state=active", headers=headers["insurer"]).json()["items"]
    policy = next(p for p in policies if p["policy_number"] == "CY-SME-2026-0001")
    wording = {k: v for k, v in policy["document"].items() if k != "policy_number"}
    return World(headers, me["organization"]["id"], [c["id"] for c in clients], policy, wording)


def settle_one(client: httpx.Client, world: World, ledger: Ledger) -> str:
    """Report, assign, file findings, decide, adjust and settle one claim (50,000.00 payable) to pay from."""
    h = world.headers
    occurred, discovered = _incident_times(world.policy, datetime.now(UTC))
    body = {"policy_id": world.policy["id"], "summary": "load: ransomware", "occurred_at": occurred,
            "discovered_at": discovered}  # fmt: skip
    incident = client.post("/incidents", json=body, headers=h["claims"]).json()["id"]
    responder = client.get("/organizations?kind=incident_responder", headers=h["insurer"]).json()["items"][0]["id"]
    client.post(f"/incidents/{incident}/assign", json={"responder_org_id": responder}, headers=h["claims"])
    findings = {"event_types": ["ransomware"], "costs": [{"category": "forensics", "amount": "60000",
                                                          "insurer_consent": True}]}  # fmt: skip
    client.post(f"/incidents/{incident}/forensics", json={"findings": findings}, headers=h["responder"])
    for step in ("decide", "adjust"):
        client.post(f"/incidents/{incident}/{step}", json={}, headers=h["claims"]).raise_for_status()
    settle_headers = {**h["claims"], "Idempotency-Key": uuid4().hex}
    settled = client.post(f"/incidents/{incident}/settle", json={}, headers=settle_headers)
    settled.raise_for_status()
    ledger.incidents.add(incident)
    return str(incident)


def client_loop(
    base: str, world: World, claim: str, ledger: Ledger, seconds: float, seed: int, mix: dict[str, int]
) -> None:
    rng = random.Random(seed)
    ops, weights = list(mix), list(mix.values())
    h = world.headers
    with httpx.Client(base_url=base, timeout=60) as client:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            op = rng.choices(ops, weights)[0]
            if op == "list_policies":
                ledger.call("list policies", client, "GET", "/policies?limit=50", 200, headers=h["insurer"])
            elif op == "report_incident":
                occurred, discovered = _incident_times(world.policy, datetime.now(UTC))
                body = {"policy_id": world.policy["id"], "summary": f"load {uuid4().hex[:8]}",
                        "occurred_at": occurred, "discovered_at": discovered}  # fmt: skip
                made = ledger.call("report incident", client, "POST", "/incidents", 201, json=body, headers=h["claims"])
                if made:
                    with ledger.lock:
                        ledger.incidents.add(made["id"])
            elif op == "pay":
                key = uuid4().hex
                body = {"incident_id": claim, "amount": "1.00", "currency": "CNY"}
                paid = ledger.call("pay (idempotent)", client, "POST", "/payments", 201, json=body,
                                   headers={**h["claims"], "Idempotency-Key": key})  # fmt: skip
                if paid:
                    with ledger.lock:
                        ledger.payments[key] = (paid["id"], claim)
            else:
                quote(client, world, ledger, rng)


def quote(client: httpx.Client, world: World, ledger: Ledger, rng: random.Random) -> None:
    """A broker submits a profile for a client; the underwriter assesses and quotes it."""
    h = world.headers
    profile = {"name": f"Load Co {uuid4().hex[:6]}", **rng.choice(PROFILES), "controls": CONTROLS}
    body = {"insurer_org_id": world.insurer_org, "insured_org_id": rng.choice(world.clients), "profile": profile}
    sub = ledger.call("submit", client, "POST", "/submissions", 201, json=body, headers=h["broker"])
    if not sub:
        return
    # 20,000 years named, as in the recorded runs: the precision default would measure the simulation, not the API
    steps = (("assess", {"years": 20_000}), ("quote", {"document": world.wording}))
    for step, payload in steps:
        done = ledger.call(step, client, "POST", f"/submissions/{sub['id']}/{step}", 200, json=payload,
                           headers=h["underwriter"])  # fmt: skip
        with ledger.lock:
            ledger.submissions[sub["id"]] = done["state"] if done else ledger.submissions.get(sub["id"], "submitted")
        if not done:
            return


def lost_writes(database_url: str, key: bytes, ledger: Ledger) -> list[str]:
    """Every acknowledged write, looked up in the database after the clients stopped."""
    engine = make_engine(database_url)
    problems = []
    try:
        with session_factory(engine, key)() as session:
            states = {row.id: row.state for row in session.execute(select(Submission.id, Submission.state))}
            problems += [f"submission {i} ({s})" for i, s in ledger.submissions.items() if states.get(i) != s]
            incidents = {i.id: i for i in session.scalars(select(Incident))}
            problems += [f"incident {i}" for i in ledger.incidents if i not in incidents]
            payments = {p.idempotency_key: p for p in session.scalars(select(Payment))}
            for key, (payment_id, _) in ledger.payments.items():
                if key not in payments or payments[key].id != payment_id:
                    problems.append(f"payment {payment_id}")
            for claim in {c for _, c in ledger.payments.values()}:
                paid = sum((p.amount for p in payments.values() if p.incident_id == claim), Decimal(0))
                acked = Decimal(sum(1 for _, c in ledger.payments.values() if c == claim))
                recorded = incidents[claim].paid_amount
                if recorded != paid or paid != acked:
                    problems.append(f"claim {claim}: paid {recorded}, {paid} in payments, {acked} acknowledged")
            report = audit_check.verify_all(session)
            problems += [f"audit: {d.kind} {d.entity_type} {d.entity_id}: {d.detail}" for d in report.discrepancies]
    finally:
        engine.dispose()
    return problems


def table(ledger: Ledger, seconds: float) -> str:
    rows = ["| operation | requests | errors | throughput (req/s) | p50 (ms) | p95 (ms) | p99 (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    everything = [ms for values in ledger.latency.values() for ms in values]
    for name, values in [*sorted(ledger.latency.items()), ("all", everything)]:
        p50, p95, p99 = np.percentile(values, [50, 95, 99])
        errors = sum(len(e) for e in ledger.errors.values()) if name == "all" else len(ledger.errors.get(name, []))
        label = f"**{name}**" if name == "all" else name
        rows.append(f"| {label} | {len(values):,} | {errors} | {len(values) / seconds:,.1f} | {p50:.1f} | "
                    f"{p95:.1f} | {p99:.1f} |")  # fmt: skip
    return "\n".join(rows)


@contextmanager
def database(postgres: str | None, folder: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema of the given PostgreSQL database (dropped afterwards)."""
    if postgres is None:
        yield f"sqlite:///{folder / 'load.db'}"
        return
    schema = f"load_{uuid4().hex[:12]}"
    admin = make_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(normalize_url(postgres)).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


#: Settled claims the clients pay from, shared round robin: the SME policy's incident-response sublimit
#: (500,000) pays ten claims of 50,000 in full, and one settled after that pays nothing (rule 11).
CLAIMS = 8


def parse_mix(text: str) -> dict[str, int]:
    """`pay=1,report_incident=3` -> {"pay": 1, "report_incident": 3}."""
    try:
        mix = {name: int(weight) for name, _, weight in (item.partition("=") for item in text.split(","))}
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give operation=weight,...") from None
    if not mix or set(mix) - set(MIX) or min(mix.values()) < 0 or not any(mix.values()):
        raise argparse.ArgumentTypeError(f"{text!r}: operations among {', '.join(MIX)}, weights >= 0, one > 0")
    return mix


def run_clients(
    base: str, password: str, clients: int, seconds: float, seed: int, ledger: Ledger, mix: dict[str, int]
) -> float:
    """Settle the claims to pay from, then run the clients for `seconds`; the time they ran."""
    world = discover(base, password)
    with httpx.Client(base_url=base, timeout=60) as setup:
        claims = [settle_one(setup, world, ledger) for _ in range(min(clients, CLAIMS))]
    loops = [(base, world, claims[i % len(claims)], ledger, seconds, seed + i, mix) for i in range(clients)]
    threads = [threading.Thread(target=client_loop, args=loop) for loop in loops]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the clients run")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (threads)")
    parser.add_argument("--postgres", metavar="URL", help="run on a fresh schema of this PostgreSQL database")
    parser.add_argument("--port", type=int, help="serve on this loopback port (default: a free one)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of the server")
    parser.add_argument("--url", help="load a server already running here instead (needs the next two)")
    parser.add_argument("--database-url", help="with --url: its database, checked for lost writes afterwards")
    parser.add_argument("--password", help="with --url: the demo users' password that `cyberins demo` printed")
    parser.add_argument("--seed", type=int, default=1, help="seed of the clients' choice of operations")
    parser.add_argument(
        "--mix", type=parse_mix, default=MIX, help=f"operation=weight,... among {', '.join(MIX)} (default: {MIX})"
    )
    args = parser.parse_args()
    ledger = Ledger()
    if args.url:
        if not (args.database_url and args.password):
            parser.error("--url needs --database-url and --password")
        elapsed = run_clients(args.url, args.password, args.clients, args.seconds, args.seed, ledger, args.mix)
        # the server's installation key, from CYBERINS_SECRET_KEY or its key file, as `cyberins audit verify`
        key = audit_key(Settings(database_url=args.database_url), create=False)
        lost, backend, where = lost_writes(args.database_url, key, ledger), args.database_url.split(":")[0], args.url
    else:
        secret = uuid4().hex * 2
        with tempfile.TemporaryDirectory() as tmp, database(args.postgres, Path(tmp)) as url:
            with server(url, Path(tmp) / "server.log", secret, args.port, args.workers) as (_, base, password):
                elapsed = run_clients(base, password, args.clients, args.seconds, args.seed, ledger, args.mix)
            key = audit_key(Settings(database_url=url, secret_key=secret))
            lost = lost_writes(url, key, ledger)
        backend = "PostgreSQL" if args.postgres else "SQLite (WAL, synchronous=FULL)"
        where = f"uvicorn with {args.workers} worker process(es) on 127.0.0.1"
    print(f"{args.clients} clients, {elapsed:.1f} s, {backend}, {where}, mix {args.mix}\n")
    print(table(ledger, elapsed))
    writes = len(ledger.submissions) + len(ledger.incidents) + len(ledger.payments)
    errors = sum(len(e) for e in ledger.errors.values())
    print(f"\nacknowledged writes checked in the database afterwards: {writes:,}; lost: {len(lost)}; errors: {errors}")
    for name, messages in ledger.errors.items():
        print(f"  {name}: {len(messages)} errors, e.g. {messages[0]}")
    for problem in lost[:10]:
        print(f"  lost: {problem}")
    return 1 if lost or errors else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`cyberins exchange export | import` (contract standards.md (d)): a store's parties, policies, claims and
payments into a fresh database and back out identical; again changes nothing; a conflict writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from cyberins.cli import exchange, platform
from tests.platform.conftest import fresh_database, migrated
from tests.platform.test_demo_backup import counts
from tests.platform.world import World

TABLES = ["organizations", "policies", "incidents", "payments", "audit_log"]


def cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(exchange.app, name="exchange")
    app.add_typer(platform.audit_app, name="audit")
    return app


def run(*args: str) -> str:
    result = CliRunner().invoke(cli(), [*args, "--lang", "en"] if args[0] == "exchange" else list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_export_import_export_gives_the_same_records(
    tmp_path: Path, engine: Engine, database_url: str, world: World, use_database: object
) -> None:
    use_database(database_url)  # type: ignore[operator]
    first = tmp_path / "first.json"
    run("exchange", "export", "--out", str(first))
    doc = json.loads(first.read_text(encoding="utf-8"))
    assert doc["format"] == "cyberins-exchange" and doc["version"] == 1
    policy = next(p for p in doc["policies"] if p["id"] == world.ids["policy_a"])
    assert policy["premium"] == "36500.00" and policy["currency"] == "CNY" and "version" not in policy
    claim = next(c for c in doc["claims"] if c["id"] == world.ids["incident_a"])
    assert claim["occurred_at"].endswith(("+00:00", "Z")) and claim["paid_amount"].count(".") == 1
    assert {p["id"] for p in doc["payments"]} >= {world.ids["payment_a"], world.ids["payment_b"]}

    (tmp_path / "target").mkdir()
    with fresh_database(tmp_path / "target") as target_url, migrated(target_url) as target:
        use_database(target_url)  # type: ignore[operator]
        assert "inserted" in run("exchange", "import", str(first))
        imported = counts(target, TABLES)
        assert imported["policies"] == len(doc["policies"]) and imported["payments"] == len(doc["payments"])
        assert " 0 records inserted" in " " + run("exchange", "import", str(first))
        assert counts(target, TABLES) == imported  # importing again: no change, not even an audit entry
        again = tmp_path / "again.json"
        run("exchange", "export", "--out", str(again))
        second = json.loads(again.read_text(encoding="utf-8"))
        assert {**second, "exported_at": None} == {**doc, "exported_at": None}
        # each imported row has its audit entry, so the target's log reconciles
        run("audit", "verify")


def test_a_conflicting_record_is_refused_and_nothing_is_written(
    tmp_path: Path, engine: Engine, database_url: str, world: World, use_database: object
) -> None:
    use_database(database_url)  # type: ignore[operator]
    out = tmp_path / "doc.json"
    run("exchange", "export", "--out", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    index = next(i for i, p in enumerate(doc["policies"]) if p["id"] == world.ids["policy_a"])
    doc["policies"][index]["premium"] = "1.00"
    doc["parties"].append({"id": "f" * 32, "name": "New Org", "kind": "insured", "country": "CN",
                           "created_at": "2026-01-01T00:00:00+08:00"})  # fmt: skip
    doc["parties"].append({**doc["parties"][-1], "name": "Same Id, Other Org"})
    out.write_text(json.dumps(doc), encoding="utf-8")
    before = counts(engine, TABLES)
    result = CliRunner().invoke(cli(), ["exchange", "import", str(out), "--lang", "en"])
    assert result.exit_code == 2 and f"policies[{index}].premium" in result.output
    assert f"parties[{len(doc['parties']) - 1}].id" in result.output
    assert counts(engine, TABLES) == before  # the new party was not written either


def test_a_tenant_export_holds_only_what_the_tenant_sees(
    tmp_path: Path, engine: Engine, database_url: str, world: World, use_database: object
) -> None:
    use_database(database_url)  # type: ignore[operator]
    out = tmp_path / "a.json"
    run("exchange", "export", "--out", str(out), "--tenant", world.org["insured_a"])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert world.ids["policy_a"] in {p["id"] for p in doc["policies"]}
    assert world.ids["policy_b"] not in {p["id"] for p in doc["policies"]}
    columns = ("insured_org_id", "insurer_org_id", "broker_org_id", "responder_org_id")
    named = {r[c] for kind in ("policies", "claims", "payments") for r in doc[kind] for c in columns if r.get(c)}
    assert {p["id"] for p in doc["parties"]} == named | {world.org["insured_a"]}
    assert world.org["insured_b"] not in named

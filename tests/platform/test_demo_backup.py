"""`cyberins demo` seeds a multi-party world idempotently; `backup` / `restore` round-trip a tenant."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cyberins.cli import platform
from cyberins.cli.render import console
from cyberins.model.vocab import OrgKind, Role
from cyberins.services import accumulation, demo
from cyberins.services.access import Principal
from cyberins.store import make_engine
from cyberins.store.dump import TENANT_TABLES
from cyberins.store.repos import parties as party_repo
from tests.one_language import chinese_in, english_in
from tests.platform.conftest import fresh_database, migrated
from tests.platform.world import World

TABLES = [*TENANT_TABLES, "audit_log"]


def cli() -> typer.Typer:
    app = typer.Typer()
    for name, command in (("demo", platform.demo), ("backup", platform.backup), ("restore", platform.restore)):
        app.command(name)(command)
    app.add_typer(platform.audit_app, name="audit")
    return app


def counts(engine: Engine, tables: list[str]) -> dict[str, int]:
    with engine.connect() as connection:
        return {t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables}


def test_demo_seeds_a_fresh_sqlite_file_twice_without_duplicates(
    tmp_path: Path, use_database: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    use_database(url)  # type: ignore[operator]
    first = CliRunner().invoke(cli(), ["demo", "--lang", "en"])
    assert first.exit_code == 0, first.output
    assert "admin@" in first.output
    drawn = re.search(r"password of the users created now \(`password`\): (\S+)", first.output)
    assert drawn is not None and len(drawn.group(1)) >= 16  # drawn at random, never a known default
    engine = make_engine(url)
    try:
        seeded = counts(engine, TABLES)
        assert seeded["organizations"] >= 11 and seeded["policies"] == 4 and seeded["incidents"] == 1
        assert seeded["services"] >= 5 and seeded["users"] >= 15 and seeded["submissions"] == 5
        assert seeded["reinsurance_programmes"] == 1  # the insurer's: its book view is net of it
        second = CliRunner().invoke(cli(), ["demo", "--lang", "en"])
        assert second.exit_code == 0, second.output
        assert "0 created" in second.output
        assert drawn.group(1) not in second.output and "all existed already" in second.output
        assert chinese_in(first.output) == [] and chinese_in(second.output) == []
        # in zh (the default): every word but the names, e-mail addresses and the command to run next
        # wide, so no name is wrapped inside its cell (the console is made once per process: COLUMNS is too late)
        monkeypatch.setattr(console, "width", 300)
        third = CliRunner().invoke(cli(), ["demo"])
        assert third.exit_code == 0 and "新建 0 个" in third.output and "均已存在" in third.output, third.output
        with engine.connect() as connection:
            names = [
                row[0]
                for row in connection.execute(text("SELECT name FROM organizations UNION SELECT email FROM users"))
            ]
        assert english_in(third.output, names=[*names, url, "`cyberins serve`"]) == set(), third.output
        assert counts(engine, TABLES) == seeded
        with engine.connect() as connection:
            kinds = {row[0] for row in connection.execute(text("SELECT DISTINCT kind FROM organizations"))}
            assigned = connection.execute(text("SELECT state, responder_org_id FROM incidents")).one()
        assert kinds >= {
            "insurer",
            "broker",
            "insured",
            "security_service_provider",
            "incident_responder",
            "law_firm",
            "loss_adjuster",
        }
        assert assigned[0] == "responder_assigned" and assigned[1]
        # each policy was bound from an assessed submission, so the insurer's book view accumulates the
        # dependencies the insureds share (a policy bound straight from a wording would strike none)
        with Session(engine) as session:
            insurer = party_repo.organization_named(session, demo.INSURER)
            assert insurer is not None
            book = accumulation.accumulation(session, Principal(insurer.id, OrgKind.INSURER, Role.ANALYST))
        assert book["policies"] == 3 and book["other_currency_policies"] == 1  # the CNY book; the USD one apart
        shared = {d["dependency"]: d["policies"] for d in book["by_dependency"]}
        assert shared["cloud_provider:example_cloud"] == 3 and shared["payment_processor:example_pay"] == 2
        assert all(d["gross"] > 0 for d in book["by_dependency"] if d["kind"] != "software_vendor")
    finally:
        engine.dispose()
    assert CliRunner().invoke(cli(), ["audit", "verify"]).exit_code == 0


def test_backup_and_restore_round_trip_a_tenant(
    tmp_path: Path, engine: Engine, database_url: str, world: World, use_database: object
) -> None:
    tenant = world.org["insured_a"]
    out = tmp_path / "insured-a.jsonl"
    use_database(database_url)  # type: ignore[operator]
    result = CliRunner().invoke(cli(), ["backup", "--tenant", tenant, "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["tenant"] == tenant and lines[0]["format"] == "cyberins-backup"
    exported = {(item["table"], item["row"]["id"]) for item in lines[1:]}
    assert ("policies", world.ids["policy_a"]) in exported and ("policies", world.ids["policy_b"]) not in exported
    assert not any(item["row"].get("insured_org_id") == world.org["insured_b"] for item in lines[1:])
    # the header publishes the tenant's chain head (and no other tenant's); the source still ends there
    assert list(lines[0]["audit_heads"]) == [tenant] and len(lines[0]["audit_heads"][tenant]["hash"]) == 64
    assert CliRunner().invoke(cli(), ["audit", "verify", "--heads-file", str(out)]).exit_code == 0

    (tmp_path / "target").mkdir()
    with fresh_database(tmp_path / "target") as target_url, migrated(target_url) as target:
        use_database(target_url)  # type: ignore[operator]
        first = CliRunner().invoke(cli(), ["restore", str(out)])
        assert first.exit_code == 0, first.output
        restored = counts(target, list(TENANT_TABLES))
        assert restored["policies"] == 1 and restored["incidents"] == 2 and restored["payments"] == 1
        again = CliRunner().invoke(cli(), ["restore", str(out)])
        assert again.exit_code == 0 and " 0 rows restored" in again.output
        assert counts(target, list(TENANT_TABLES)) == restored
        with target.connect() as connection:
            premium, document = connection.execute(
                text("SELECT premium, document FROM policies WHERE id = :id"), {"id": world.ids["policy_a"]}
            ).one()
        assert str(premium).startswith("36500")
        assert (json.loads(document) if isinstance(document, str) else document)["policy_number"] == "T-A-0001"
        # each restored row has its own entry in the target, so it reconciles there
        verified = CliRunner().invoke(cli(), ["audit", "verify", "--json"])
        assert verified.exit_code == 0, verified.output
        assert json.loads(verified.stdout)["entities"] == sum(restored.values()) - restored["idempotency_keys"]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, database_url: str, use_database: object) -> None:
    bogus = tmp_path / "bogus.jsonl"
    bogus.write_text('{"hello": "world"}\n', encoding="utf-8")
    use_database(database_url)  # type: ignore[operator]
    result = CliRunner().invoke(cli(), ["restore", str(bogus)])
    assert result.exit_code != 0 and "not a cyberins-backup" in str(result.exception)

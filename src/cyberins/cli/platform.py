"""Platform commands: `serve`, `demo`, `audit verify`, `audit heads`, `backup`, `restore` (registered by
`cli.app`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.options import lang_option
from cyberins.cli.render import console
from cyberins.model.errors import InvalidInput, Said, english_only, os_reason
from cyberins.model.ids import Lang
from cyberins.model.messages import text
from cyberins.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cyberins.services import audit_check

# The services and the store (SQLAlchemy) are imported when a command runs, so `--help` does not load them.

audit_app = typer.Typer(cls=CyberinsGroup, help="The keyed, hash-chained audit log.", no_args_is_help=True)

#: Where `cyberins demo` finds the example policies when run from a source checkout.
SOURCE_EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "policies"


@contextmanager
def database_session(migrate: bool = False, new_key: bool = True) -> Iterator[Session]:
    """A session with the installation's audit key (`new_key=False`: refuse to make one, for readers)."""
    from cyberins.services.secrets import audit_key
    from cyberins.store import make_engine, session_factory, upgrade

    settings = get_settings()
    key = audit_key(settings, create=new_key)
    engine = make_engine(settings.database_url)
    try:
        if migrate:
            upgrade(engine)
        with session_factory(engine, key)() as session:
            yield session
    finally:
        engine.dispose()


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
    workers: int = typer.Option(1, help="Worker processes (each with its own connection pool)."),
) -> None:
    """Run the REST API with uvicorn (OpenAPI schema at /openapi.json, docs at /docs)."""
    import uvicorn

    from cyberins.api import create_app

    if not 0 < port < 65536:
        raise InvalidInput.one("port", Said("input.cli.not_port", {"port": port}))
    if not 1 <= workers <= 64:
        raise InvalidInput.one("workers", Said("input.cli.workers", {"workers": workers}))
    app = create_app(get_settings())  # here first, so a missing key or a bad setting exits 2 before any worker
    if workers == 1:
        uvicorn.run(app, host=host, port=port, server_header=False)
    else:  # uvicorn imports the app in each worker process, so it needs the factory's import path
        factory = "cyberins.api.app:app_from_environment"
        uvicorn.run(factory, factory=True, host=host, port=port, workers=workers, server_header=False)


def demo(
    examples: Path = typer.Option(
        None, help="Folder of example policies (default: ./examples/policies, else the source tree's)."
    ),
    lang: Lang = lang_option(),
) -> None:
    """Create the schema on CYBERINS_DATABASE_URL and seed a multi-party demo world (safe to re-run)."""
    folder = examples or next((p for p in (Path("examples/policies"), SOURCE_EXAMPLES) if p.is_dir()), None)
    if folder is None or not folder.is_dir():
        said = Said("cli.demo.no_examples", {"folder": "examples/policies", "option": "--examples DIR"})
        raise InvalidInput.one("--examples", str(said), said=said)
    with database_session(migrate=True) as session:
        from cyberins.services import demo as demo_service

        report = demo_service.seed_demo(session, folder)
    if report.password:
        # the sign-in form's field named as it is, so a script can read the password in either language
        title = text("cli.demo.title_new", lang, password=report.password, field="`password`")
    else:
        title = text("cli.demo.title_existing", lang)
    table = Table(title=title)
    for column in ("organization", "kind", "email", "role", "new"):
        table.add_column(text(f"cli.demo.heads.{column}", lang), overflow="fold")  # an email is copied to sign in
    for name, kind, email, role, new in report.users:
        table.add_row(name, text(f"cli.demo.kinds.{kind}", lang), email, text(f"cli.demo.roles.{role}", lang),
                      text("cli.common.answer_yes", lang) if new else "")  # fmt: skip
    console.print(table)
    console.print(text("cli.demo.organizations", lang, created=report.created, existing=report.existing))
    console.print(
        text("cli.demo.database", lang, url=get_settings().database_url, command="`cyberins serve`"), markup=False
    )


def _print_report(report: audit_check.AuditReport, lang: Lang) -> None:
    """One language throughout (CYBERINS_LANG): a zh kind keeps its id beside the label, for searching logs."""
    if report.ok:
        ok = text("audit.verify.ok", lang, chains=len(report.chains), entries=report.entries, rows=report.entities)
        console.print("[green]" + ok)
        return
    table = Table(title=text("audit.verify.tampered", lang, n=len(report.discrepancies)))
    for column in ("kind", "entity", "id", "detail"):
        table.add_column(text(f"audit.verify.{column}", lang), overflow="fold")
    for d in report.discrepancies:
        kind = text(f"audit.kind.{d.kind.value}", lang)
        table.add_row(f"{kind} ({d.kind.value})" if lang == "zh" else kind, d.entity_type, d.entity_id,
                      d.said.in_lang(lang))  # fmt: skip
    from rich.console import Console

    Console(stderr=True, highlight=False, width=160).print(table)


def _head_hash(option: str, chain: str, value: object) -> str:
    if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise InvalidInput.one(option, Said("input.cli.not_head_hash", {"chain": repr(chain)}))
    return value.lower()


def _anchors(expect_head: list[str], heads_file: Path | None) -> dict[str, str]:
    """Published heads, chain -> hash: from a file written by `audit heads` or a backup, then `CHAIN=HASH`s."""
    anchors: dict[str, str] = {}
    if heads_file is not None:
        try:
            # the first JSON value of the file: all of `audit heads`'s output, or a backup's header line
            document, _ = json.JSONDecoder().raw_decode(heads_file.read_text(encoding="utf-8").lstrip())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            said = Said("input.cli.heads_unreadable", {"path": heads_file, "detail": english_only(str(exc))})
            raise InvalidInput.one("--heads-file", said) from None
        heads = document.get("audit_heads", document) if isinstance(document, dict) else None
        if not isinstance(heads, dict):
            raise InvalidInput.one("--heads-file", Said("input.cli.heads_shape"))
        for chain, head in heads.items():
            value = head.get("hash") if isinstance(head, dict) else head
            anchors[str(chain)] = _head_hash("--heads-file", str(chain), value)
    for item in expect_head:
        chain, _, value = item.partition("=")
        anchors[chain] = _head_hash("--expect-head", chain, value)
    return anchors


@audit_app.command("verify")
def audit_verify(
    expect_head: list[str] = typer.Option(
        [], "--expect-head", help="CHAIN=HASH published earlier (repeatable): the chain must still end there."
    ),
    heads_file: Path = typer.Option(
        None, "--heads-file", help="Published heads: the output of `audit heads`, or a backup file."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Recompute every chain and reconcile every audited row with its last entry; exit 1 naming each
    discrepancy (edited, unaudited, deleted, chain_break, head_mismatch)."""
    from cyberins.services import audit_check

    anchors = _anchors(expect_head, heads_file)
    with database_session(new_key=False) as session:
        report = audit_check.verify_all(session, anchors)
    if as_json:
        typer.echo(json.dumps(audit_check.as_dict(report), ensure_ascii=False, indent=2))
    else:
        _print_report(report, get_settings().lang)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("heads")
def audit_heads() -> None:
    """Print each chain's head (JSON) to publish outside the database; `audit verify --heads-file` checks it."""
    with database_session(new_key=False) as session:
        from cyberins.services import audit_check

        heads = audit_check.published_heads(session)
    typer.echo(json.dumps(heads, indent=2))


def backup(
    tenant: str = typer.Option(..., "--tenant", help="Organization id whose data to export."),
    out: Path = typer.Option(..., "--out", help="JSON lines file to write."),
) -> None:
    """Export one tenant's data as JSON lines."""
    with database_session() as session:
        from cyberins.services import backup as backup_service

        lines = backup_service.export_tenant(session, tenant)
    try:
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one(
            "--out", Said("input.cannot_write_path", {"path": out, "reason": os_reason(exc)})
        ) from None
    console.print(f"wrote {len(lines) - 1} rows of tenant {tenant} to {out}")


def restore(file: Path = typer.Argument(..., help="A file written by `cyberins backup`.")) -> None:
    """Re-import a tenant backup; rows already present are kept, so restoring twice is harmless."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput.one(
            "file", Said("input.cannot_read_path", {"path": file, "reason": os_reason(exc)})
        ) from None
    with database_session(migrate=True) as session:
        from cyberins.services import backup as backup_service

        report = backup_service.restore_tenant(session, lines)
    inserted, present = sum(report.inserted.values()), sum(report.present.values())
    console.print(f"tenant {report.tenant}: {inserted} rows restored, {present} already present")

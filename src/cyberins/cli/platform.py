"""Platform commands: `serve`, `demo`, `audit verify`, `backup`, `restore` (registered by `cli.app`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from cyberins.cli.errors import CyberinsGroup
from cyberins.model.errors import InvalidInput
from cyberins.services import audit
from cyberins.services import backup as backup_service
from cyberins.services import demo as demo_service
from cyberins.settings import get_settings
from cyberins.store import make_engine, session_factory, upgrade

console = Console(highlight=False)
audit_app = typer.Typer(cls=CyberinsGroup, help="The hash-chained audit log.", no_args_is_help=True)

#: Where `cyberins demo` finds the example policies when run from a source checkout.
SOURCE_EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "policies"


@contextmanager
def _session(migrate: bool = False) -> Iterator[Session]:
    engine = make_engine(get_settings().database_url)
    try:
        if migrate:
            upgrade(engine)
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
) -> None:
    """Run the REST API with uvicorn (OpenAPI schema at /openapi.json, docs at /docs)."""
    import uvicorn

    from cyberins.api import create_app

    if not 0 < port < 65536:
        raise InvalidInput.one("port", f"{port} is not a TCP port")
    uvicorn.run(create_app(get_settings()), host=host, port=port, server_header=False)


def demo(
    examples: Path = typer.Option(
        None, help="Folder of example policies (default: ./examples/policies, else the source tree's)."
    ),
) -> None:
    """Create the schema on CYBERINS_DATABASE_URL and seed a multi-party demo world (safe to re-run)."""
    folder = examples or next((p for p in (Path("examples/policies"), SOURCE_EXAMPLES) if p.is_dir()), None)
    if folder is None or not folder.is_dir():
        raise InvalidInput.one("--examples", "no examples/policies folder found; pass --examples DIR")
    with _session(migrate=True) as session:
        report = demo_service.seed_demo(session, folder)
    title = (
        f"Demo users — password of the users created now: {report.password}"
        if report.password
        else "Demo users — all existed already; their password was printed when they were created"
    )
    table = Table(title=title)
    for column in ("organization", "kind", "email", "role", "new"):
        table.add_column(column, overflow="fold")  # an email is never cut: people copy it to sign in
    for *row, new in report.users:
        table.add_row(*row, "yes" if new else "")
    console.print(table)
    console.print(f"organizations: {report.created} created, {report.existing} already there")
    console.print(f"database: {get_settings().database_url}; serve it with `cyberins serve`")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit chain; exit 1 naming the first bad entry when it was tampered with."""
    with _session() as session:
        report = audit.verify_chain(session)
    if report.ok:
        console.print(f"[green]OK[/] {report.entries} entries, head {report.head_hash}")
        return
    Console(stderr=True, highlight=False).print(
        f"[bold red]TAMPERED[/] at entry {report.first_bad_seq}: {report.problem}"
    )
    raise typer.Exit(1)


def backup(
    tenant: str = typer.Option(..., "--tenant", help="Organization id whose data to export."),
    out: Path = typer.Option(..., "--out", help="JSON lines file to write."),
) -> None:
    """Export one tenant's data as JSON lines."""
    with _session() as session:
        lines = backup_service.export_tenant(session, tenant)
    try:
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("--out", f"cannot write: {exc.strerror or exc}") from None
    console.print(f"wrote {len(lines) - 1} rows of tenant {tenant} to {out}")


def restore(file: Path = typer.Argument(..., help="A file written by `cyberins backup`.")) -> None:
    """Re-import a tenant backup; rows already present are kept, so restoring twice is harmless."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput.one("file", f"cannot read {file}: {exc.strerror or exc}") from None
    with _session(migrate=True) as session:
        report = backup_service.restore_tenant(session, lines)
    inserted, present = sum(report.inserted.values()), sum(report.present.values())
    console.print(f"tenant {report.tenant}: {inserted} rows restored, {present} already present")

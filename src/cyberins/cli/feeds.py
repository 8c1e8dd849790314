"""`cyberins feeds load DIR`: load a feeds directory (KEV, EPSS, NVD, ATT&CK) into the platform database."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cyberins.cli.errors import CyberinsGroup

app = typer.Typer(
    cls=CyberinsGroup,
    help="Threat-intelligence feeds: KEV, EPSS, NVD and ATT&CK snapshots in the platform database.",
    no_args_is_help=True,
)


@app.command("load")
def load(
    dir: Path = typer.Argument(..., help="A feeds directory: files are read by name, others ignored."),
    as_json: bool = typer.Option(False, "--json", help="Print {sources: [...]} as JSON."),
    source: list[str] = typer.Option(
        [], "--source", help="Load only this source (repeatable): kev, epss, nvd, attack. Default: all."
    ),
) -> None:
    """Load each feed file of DIR into CYBERINS_DATABASE_URL (created if new): added, updated, unchanged."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from cyberins.cli.platform import database_session
    from cyberins.services.access import Principal
    from cyberins.services.feeds import load_feeds

    with database_session(migrate=True) as session:
        results = load_feeds(session, Principal.system_actor(), dir, sources=source or None)
    if as_json:
        typer.echo(json.dumps({"sources": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Feeds loaded from {dir}", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0))
    table.add_column("source", no_wrap=True)
    table.add_column("file, sha256", overflow="fold")
    table.add_column("snapshot", no_wrap=True)
    for column in ("records", "added", "updated", "unchanged"):
        table.add_column(column, justify="right", no_wrap=True)
    for r in results:
        f = r.file
        table.add_row(
            f.source, f"{f.file}\n[dim]{f.sha256[:12]}…[/dim]", f.snapshot_date.isoformat(),
            f"{f.records:,}", f"{r.added:,}", f"{r.updated:,}", f"{r.unchanged:,}",
        )  # fmt: skip
    Console(highlight=False, width=80).print(table)

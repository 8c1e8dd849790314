"""`cyberins exchange export-oed | import-oed | export | import` (contract `standards.md` (c) and (d)).

Each command is a self-contained function on the `exchange` group, so other exchange commands can join it.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.options import lang_option
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Lang
from cyberins.model.messages import text as say

app = typer.Typer(
    cls=CyberinsGroup,
    help="Exchange formats: OED books for OasisLMF, policies/claims/payments records (数据交换).",
    no_args_is_help=True,
)


@app.command("export-oed")
def export_oed(
    book_file: Path = typer.Argument(..., help="A BOOK (name, policies with profile and premium) or a portfolio book."),
    out: Path = typer.Option(..., "--out", help="Folder to write account.csv and location.csv into."),
    lang: Lang = lang_option(),
) -> None:
    """Write a book as OED 4.0.0 cyber account and location files."""
    from cyberins.exchange.book import load_oed_book
    from cyberins.exchange.oed import OED_VERSION, account_rows, location_rows, write_oed

    book = load_oed_book(book_file)
    write_oed(book, out)
    _, rows = account_rows(book)
    accounts = len({r["AccNumber"] for r in rows})
    print(say("cli.exchange_io.oed_written", lang, folder=out, policies=len(rows), accounts=accounts,
              locations=len(location_rows(rows)), version=OED_VERSION))  # fmt: skip


@app.command("import-oed")
def import_oed(
    folder: Path = typer.Argument(..., help="A folder with an OED cyber account.csv and location.csv."),
    out: Path = typer.Option(..., "--out", help="The BOOK file to write (YAML), policies and profiles inline."),
    lang: Lang = lang_option(),
) -> None:
    """Read an OED cyber book back into a BOOK of cyberins policies (what OED cannot carry is lost)."""
    from cyberins.exchange.oed import book_document, read_oed

    book = read_oed(folder)
    try:
        out.write_text(yaml.safe_dump(book_document(book), allow_unicode=True, sort_keys=False), encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("--out", f"cannot write: {exc.strerror or exc}") from None
    print(say("cli.exchange_io.book_written", lang, out=out, policies=len(book.policies), name=book.name))


@app.command("export")
def export_records(
    out: Path = typer.Option(..., "--out", help="The JSON file to write."),
    tenant: str | None = typer.Option(None, "--tenant", help="Only what this organization may see (its id)."),
    lang: Lang = lang_option(),
) -> None:
    """Export parties, policies, claims and payments of CYBERINS_DATABASE_URL as one JSON document."""
    from cyberins.cli.platform import _session
    from cyberins.services import exchange

    with _session() as session:
        document = exchange.export_records(session, tenant)
    try:
        out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("--out", f"cannot write: {exc.strerror or exc}") from None
    counts = {kind: len(document[kind]) for kind in ("parties", "policies", "claims", "payments")}
    print(say("cli.exchange_io.records_written", lang, out=out, **counts))


@app.command("import")
def import_records(
    file: Path = typer.Argument(..., help="A document written by `cyberins exchange export`."),
    lang: Lang = lang_option(),
) -> None:
    """Import an exchange document in one transaction (migrating first); importing again changes nothing."""
    from cyberins.cli.platform import _session
    from cyberins.services import exchange

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput.one("FILE", f"cannot read {file}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput.one("FILE", f"not JSON: {exc}") from None
    with _session(migrate=True) as session:
        report = exchange.import_records(session, data, str(file))
    print(say("cli.exchange_io.records_imported", lang, inserted=sum(report.inserted.values()),
              present=sum(report.present.values())))  # fmt: skip

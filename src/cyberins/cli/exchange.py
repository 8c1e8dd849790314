"""`cyberins exchange …` (contract `standards.md`; docs/exchange.md, docs/stix.md, docs/pooling.md):
`export-oed | import-oed` (a book as OED for OasisLMF and back, (c)), `export | import` (policies, claims and
payments between databases, (d)), `export-stix` (incidents as STIX 2.1, (e)), `pool` and `recalibrate`
(pooled loss data, (f)).

Thin: read the files, call `cyberins.exchange` or the exchange service, write and print. Bad input exits 2
naming the field.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from rich.table import Table

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.options import lang_option
from cyberins.cli.render import console
from cyberins.model.errors import InvalidInput, Said, english_only, os_reason
from cyberins.model.ids import Lang
from cyberins.model.loading import load_model, read_document
from cyberins.model.messages import text as say

app = typer.Typer(
    cls=CyberinsGroup,
    help="Standards and data exchange: OED, policies/claims/payments, STIX 2.1, pooled loss data (数据交换).",
    no_args_is_help=True,
)


@app.callback()
def exchange() -> None:
    """Standards and data exchange: OED, policies/claims/payments, STIX 2.1, pooled loss data (数据交换)."""


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("--out", Said("input.cannot_write", {"reason": os_reason(exc)}), str(path)) from None


@app.command("export-stix")
def export_stix(
    incident_files: list[Path] = typer.Argument(..., dir_okay=False, help="Incident files as `claim adjust` reads."),
    out: Path = typer.Option(..., "--out", help="Write the STIX 2.1 bundle (JSON) here."),
    lang: Lang = lang_option(),
) -> None:
    """One STIX 2.1 bundle of the incidents: GB/T 20986-2023 category and level, ATT&CK, victim, outages."""
    from cyberins.exchange.stix import incidents_bundle  # stix2 loads only for this command
    from cyberins.model.incident import Incident

    incidents = [load_model(Incident, p) for p in incident_files]
    _write(out, incidents_bundle(incidents) + "\n")
    console.print(say("cli.share.stix_written", lang, out=str(out), incidents=len(incidents)))


@app.command("pool")
def pool_command(
    contribution_files: list[Path] = typer.Argument(..., dir_okay=False, help="Loss-data contribution files (JSON)."),
    out: Path = typer.Option(..., "--out", help="Write the pooled, anonymised dataset (JSON) here."),
    k: int = typer.Option(5, "--k", help="Every released quasi-identifier combination occurs at least k times."),
    l_diversity: int = typer.Option(2, "--l", help="At least l distinct causes in each combination (1: off)."),
    lang: Lang = lang_option(),
) -> None:
    """Pool contributions: generalise, then suppress, until k-anonymous and l-diverse on the cause."""
    from cyberins.exchange.contribution import Contribution
    from cyberins.exchange.pool import QUASI_IDENTIFIERS, pool

    contributions = [load_model(Contribution, p) for p in contribution_files]
    try:
        result = pool(contributions, k=k, l_diversity=l_diversity)
    except InvalidInput as exc:
        renamed = {"k": "--k", "l": "--l"}
        raise InvalidInput(
            [type(p)(renamed.get(p.field, p.field), p.message) for p in exc.problems], exc.source
        ) from None
    _write(out, json.dumps(result.to_json(), ensure_ascii=False, indent=1) + "\n")
    report = result.report()
    table = Table(title=say("cli.share.pool_title", lang, out=str(out), k=k, l=l_diversity))
    table.add_column(say("cli.share.item", lang))
    table.add_column(say("cli.share.value", lang), justify="right")
    for key in ("input_records", "released_records", "suppressed_records"):
        table.add_row(say(f"cli.share.{key}", lang), f"{report[key]:,}")
    for q in QUASI_IDENTIFIERS:
        rung = report["generalised"][q]
        table.add_row(say(f"cli.share.qi.{q}", lang), say(f"cli.share.rung.{rung}", lang))
    console.print(table)


@app.command("recalibrate")
def recalibrate_command(
    pool_file: Path = typer.Argument(..., dir_okay=False, help="A pooled dataset written by `exchange pool`."),
    exposure_file: Path = typer.Option(..., "--exposure", help="Policy-years and a profile per segment (YAML)."),
    as_json: bool = typer.Option(False, "--json", help="Print each segment's before/after as JSON."),
    lang: Lang = lang_option(),
) -> None:
    """Bühlmann–Straub credibility of the pooled experience against the model's frequency, per segment."""
    from cyberins.assess.loader import load_profile
    from cyberins.assess.resources import load_calibration
    from cyberins.exchange.recalibrate import Exposure, recalibrate

    data = read_document(pool_file)
    if (
        not isinstance(data, dict)
        or data.get("format") != "cyberins-loss-pool"
        or not isinstance(data.get("records"), list)
    ):
        raise InvalidInput.one(
            "format", Said("input.cli.not_loss_pool", {"format": "cyberins-loss-pool"}), str(pool_file)
        )
    exposure = load_model(Exposure, exposure_file)
    profiles = {g: load_profile(exposure_file.parent / s.profile) for g, s in exposure.segments.items()}
    try:
        results = recalibrate(data, exposure, profiles)
    except InvalidInput as exc:
        raise InvalidInput(exc.problems, exc.source or str(pool_file)) from None
    if as_json:
        print(json.dumps({"segments": [r.to_json() for r in results]}, indent=1))
        return
    table = Table(title=say("cli.share.recalibrate_title", lang))
    for col in ("segment", "claims", "policy_years", "before", "observed", "credibility", "after", "multiplier"):
        table.add_column(say(f"cli.share.col.{col}", lang), justify="left" if col == "segment" else "right")
    groups = load_calibration().industries
    for r in results:
        e = r.estimate
        observed = "—" if e.observed_frequency is None else f"{e.observed_frequency:.5f}"
        table.add_row(
            groups[r.group].label.in_lang(lang),
            f"{e.observed_claims:g}",
            f"{e.exposure_years:g}",
            f"{e.prior_frequency:.5f}",
            observed,
            f"{e.credibility:.3f}",
            f"{r.after_frequency:.5f}",
            f"{e.multiplier:.3f}",
        )
    console.print(table)


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
    _write(out, yaml.safe_dump(book_document(book), allow_unicode=True, sort_keys=False))
    print(say("cli.exchange_io.book_written", lang, out=out, policies=len(book.policies), name=book.name))


@app.command("export")
def export_records(
    out: Path = typer.Option(..., "--out", help="The JSON file to write."),
    tenant: str | None = typer.Option(None, "--tenant", help="Only what this organization may see (its id)."),
    lang: Lang = lang_option(),
) -> None:
    """Export parties, policies, claims and payments of CYBERINS_DATABASE_URL as one JSON document."""
    from cyberins.cli.platform import database_session
    from cyberins.services import exchange

    with database_session() as session:
        document = exchange.export_records(session, tenant)
    _write(out, json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    counts = {kind: len(document[kind]) for kind in ("parties", "policies", "claims", "payments")}
    print(say("cli.exchange_io.records_written", lang, out=out, **counts))


@app.command("import")
def import_records(
    file: Path = typer.Argument(..., help="A document written by `cyberins exchange export`."),
    lang: Lang = lang_option(),
) -> None:
    """Import an exchange document in one transaction (migrating first); importing again changes nothing."""
    from cyberins.cli.platform import database_session
    from cyberins.services import exchange

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput.one(
            "FILE", Said("input.cannot_read_path", {"path": file, "reason": os_reason(exc)})
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput.one("FILE", Said("input.not_json", {"detail": english_only(str(exc))})) from None
    with database_session(migrate=True) as session:
        report = exchange.import_records(session, data, str(file))
    print(say("cli.exchange_io.records_imported", lang, inserted=sum(report.inserted.values()),
              present=sum(report.present.values())))  # fmt: skip

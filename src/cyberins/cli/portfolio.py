"""`cyberins portfolio run | stress | generate | marginal` (contract portfolio.md §4): a book's year simulation,
its stress tests, a synthetic book, and one line's marginal impact on common random numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from cyberins.cli.options import SEED_MAX, lang_option
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Confidence, Lang
from cyberins.model.messages import text as say
from cyberins.model.messages import texts

app = typer.Typer(
    help="Portfolio accumulation: systemic scenarios, reinsurance and cat bonds (风险分散).", no_args_is_help=True
)


@app.command("run")
def run_command(
    book_file: Path = typer.Argument(..., help="The portfolio book (kind: portfolio; YAML or JSON)."),
    years: int = typer.Option(..., "--years", min=1, help="Simulated years."),
    seed: int = typer.Option(..., "--seed", min=0, max=SEED_MAX, help="Random seed."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Start a local Dask cluster of K processes."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Use a running Dask cluster: tcp://HOST:PORT."),
    as_json: bool = typer.Option(False, "--json", help="Print the contract JSON document."),
    ylt: Path | None = typer.Option(None, "--ylt", help="Write the year-loss table (.csv or .parquet)."),
    lang: Lang = lang_option(),
) -> None:
    """Simulate a book's years: own events and systemic scenarios, terms, treaties, measures."""
    from cyberins.portfolio.book import load_book
    from cyberins.portfolio.document import run_document, ylt_columns
    from cyberins.portfolio.simulate import MAX_YEARS, run_book

    if workers is not None and scheduler is not None:
        raise InvalidInput.one(
            "--workers", Said("input.cli.workers_or_scheduler", {"workers": "--workers", "scheduler": "--scheduler"})
        )
    if years > MAX_YEARS:
        raise InvalidInput.one("--years", Said("input.cli.years_above", {"years": years, "high": MAX_YEARS}))
    if ylt is not None and ylt.suffix not in (".csv", ".parquet"):
        raise InvalidInput.one(
            "--ylt", Said("input.unknown_format", {"suffix": repr(ylt.suffix), "formats": ".csv, .parquet"})
        )
    book = load_book(book_file)
    if workers is None and scheduler is None:
        result = run_book(book, years, seed)
    else:
        from cyberins.portfolio.cluster import dask_mapper

        with dask_mapper(workers, scheduler) as mapper:
            result = run_book(book, years, seed, mapper)
    if ylt is not None:
        from cyberins.cli.simulate import write_columns

        write_columns(ylt_columns(result), ylt)
    doc = run_document(result)
    if as_json:
        print(json.dumps(doc))
        return
    _print_run(doc, lang)


@app.command("stress")
def stress_command(
    book_file: Path = typer.Argument(..., help="The portfolio book (kind: portfolio; YAML or JSON)."),
    scenario: str = typer.Option(..., "--scenario", help="The id of one of the book's scenarios."),
    hours: float = typer.Option(..., "--hours", min=0, max=87_600, help="How long the event lasts (hours)."),
    confidence: Confidence | None = typer.Option(
        None, "--attribution-confidence", help="Replace the scenario's attribution confidence: low, medium or high."
    ),
    changes: list[str] = typer.Option(
        [], "--set", help="What-if on every policy's terms, e.g. waiting_period_hours=24 (repeat for more)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the contract JSON document."),
    lang: Lang = lang_option(),
) -> None:
    """Stress one systemic event on a fresh policy year: losses by line, industry, size, dependency, treaties."""
    from cyberins.portfolio.book import load_book
    from cyberins.portfolio.stress import stress
    from cyberins.portfolio.whatif import parse_changes, whatif_stress

    parsed = parse_changes(changes)
    book = load_book(book_file)
    doc = (
        whatif_stress(book, scenario, hours, confidence, parsed)
        if parsed
        else stress(book, scenario, hours, confidence)
    )
    if as_json:
        print(json.dumps(doc))
        return
    if parsed:
        _print_whatif(doc, lang)
    else:
        _print_stress(doc, lang)


@app.command("generate")
def generate_command(
    policies: int = typer.Option(..., "--policies", min=1, max=1_000_000, help="Policies in the book."),
    seed: int = typer.Option(..., "--seed", min=0, max=SEED_MAX, help="Random seed (the same seed, the same file)."),
    currency: str = typer.Option("USD", "--currency", help="The book's currency (one with example wordings)."),
    out: Path = typer.Option(..., "--out", help="Where to write the book (.yaml)."),
    examples: Path = typer.Option(Path("examples"), "--examples", help="The examples folder the wordings are in."),
    shares: Path | None = typer.Option(None, "--shares", help="Market shares to use instead of the packaged ones."),
    models: str = typer.Option("explicit", "--models", help="Own events: explicit (band parameters) or profile."),
    lang: Lang = lang_option(),
) -> None:
    """Generate a synthetic book: industries, size bands, dependencies from cited market shares."""
    from cyberins.portfolio.generate import book_text, generate_book, load_shares

    if models not in ("explicit", "profile"):
        raise InvalidInput.one(
            "--models", Said("input.cli.one_of_two", {"value": repr(models), "first": "explicit", "second": "profile"})
        )
    spec = load_shares(shares) if shares else None
    doc = generate_book(policies, seed, currency, examples, spec, models)  # type: ignore[arg-type]
    out.write_text(book_text(doc), encoding="utf-8")
    lines, deps, scenarios = len(doc["policies"]), len(doc["dependencies"]), len(doc["scenarios"])
    print(say("cli.portfolio.generated", lang, out=out, policies=policies, lines=lines, deps=deps, scenarios=scenarios))


@app.command("marginal")
def marginal_command(
    book_file: Path = typer.Argument(..., help="The portfolio book (kind: portfolio; YAML or JSON)."),
    line: str = typer.Option(..., "--line", help="The id of the line whose marginal impact is measured."),
    years: int = typer.Option(..., "--years", min=1, help="Simulated years."),
    seed: int = typer.Option(..., "--seed", min=0, max=SEED_MAX, help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print with, without and the difference as JSON."),
    lang: Lang = lang_option(),
) -> None:
    """A line's marginal impact: the book run with and without it on common random numbers."""
    from cyberins.portfolio.book import load_book
    from cyberins.portfolio.marginal import BASES, marginal_impact
    from cyberins.portfolio.simulate import MAX_YEARS

    if years > MAX_YEARS:
        raise InvalidInput.one("--years", Said("input.cli.years_above", {"years": years, "high": MAX_YEARS}))
    doc = marginal_impact(load_book(book_file), line, years, seed).as_dict()
    if as_json:
        print(json.dumps(doc))
        return
    from rich.table import Table

    from cyberins.cli.render import console

    w = texts("cli.portfolio", lang)
    table = Table(title=w["marginal_title"].format(line=line, years=years, seed=seed))
    for head in ("measure", "with_line", "without_line", "marginal"):
        table.add_column(w[head], justify="left" if head == "measure" else "right")
    for basis in BASES:
        block: Any = doc[basis]
        rows = [(f"{w[basis]} {w['aal']}", block["aal"])]
        rows += [(f"{w[basis]} {w['tvar'].format(level=level)}", v) for level, v in block["tvar"].items()]
        for name, v in rows:
            table.add_row(name, _money(v["with"]), _money(v["without"]), _money(v["marginal"]))
    console.print(table)


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _outcome(outcome: str, lang: Lang) -> str:
    return say(f"cli.portfolio.outcomes.{outcome}", lang)


def _print_run(doc: dict[str, Any], lang: Lang) -> None:
    from rich.table import Table

    from cyberins.cli.render import console

    w = texts("cli.portfolio", lang)
    title = w["run_title"].format(
        book=doc["portfolio"], policies=doc["policies"], years=doc["years"], currency=doc["currency"]
    )
    table = Table(title=title)
    table.add_column(w["measure"])
    for name in ("ground_up", "gross", "net"):
        table.add_column(w[name], justify="right")
    blocks = [doc["ground_up"], doc["gross"], doc["net"]]
    table.add_row(w["aal"], *(_money(b["aal"]) for b in blocks))
    for level in ("0.99", "0.995"):
        table.add_row(w["var"].format(level=level), *(_money(b["var"][level]) for b in blocks))
        table.add_row(w["tvar"].format(level=level), *(_money(b["tvar"][level]) for b in blocks))
    console.print(table)
    scen = Table(title=w["by_scenario"])
    for head in ("scenario", "events_per_year", "ground_up_aal", "gross_aal"):
        scen.add_column(w[head], justify="left" if head == "scenario" else "right")
    for sid, b in doc["by_scenario"].items():
        name = w["own_events"] if sid == "own_events" else sid
        scen.add_row(name, f"{b['events_per_year']:.3f}", _money(b["ground_up_aal"]), _money(b["gross_aal"]))
    console.print(scen)
    if doc["ceded"]:
        ceded = Table(title=w["treaties"])
        for head in ("treaty", "ceded_aal", "p_attach", "p_exhaust"):
            ceded.add_column(w[head], justify="left" if head == "treaty" else "right")
        for tid, b in doc["ceded"].items():
            ceded.add_row(
                tid, _money(b["aal"]), f"{b['attachment_probability']:.4f}", f"{b['exhaustion_probability']:.4f}"
            )
        console.print(ceded)


def _print_stress(doc: dict[str, Any], lang: Lang) -> None:
    from rich.table import Table

    from cyberins.cli.render import console

    w = texts("cli.portfolio", lang)
    title = w["stress_title"].format(
        scenario=doc["scenario"], hours=f"{doc['hours']:g}", hit=f"{doc['policies_hit']:,.1f}", policies=doc["policies"]
    )
    table = Table(title=title)
    for head in ("line", "hit", "ground_up", "gross", "outcome_head"):
        numeric = head in ("hit", "ground_up", "gross")
        table.add_column(w[head], justify="right" if numeric else "left", overflow="fold", no_wrap=numeric)
    for lid, b in doc["by_line"].items():
        table.add_row(
            lid, f"{b['policies_hit']:,.1f}", _money(b["ground_up"]), _money(b["gross"]), _outcome(b["outcome"], lang)
        )
    console.print(table)
    console.print(
        w["stress_totals"].format(
            ground_up=_money(doc["ground_up"]), gross=_money(doc["gross"]), net=_money(doc["net"])
        )
    )
    for tid, value in doc["ceded"].items():
        console.print(w["ceded_to"].format(treaty=tid, amount=_money(value)))


def _print_whatif(doc: dict[str, Any], lang: Lang) -> None:
    """Base and what-if side by side: each hit line's gross and outcome, then the totals."""
    from rich.table import Table

    from cyberins.cli.render import console

    w = texts("cli.portfolio", lang)
    whatif = doc["whatif"]
    title = w["whatif_title"].format(
        scenario=doc["scenario"], hours=f"{doc['hours']:g}", changes=", ".join(whatif["set"])
    )
    table = Table(title=title)
    for head in ("line", "gross_base", "outcome_base", "gross_whatif", "outcome_whatif"):
        table.add_column(w[head], justify="right" if head.startswith("gross") else "left", overflow="fold")
    for lid, b in whatif["by_line"].items():
        table.add_row(
            lid,
            _money(b["gross_base"]),
            _outcome(b["outcome_base"], lang),
            _money(b["gross"]),
            _outcome(b["outcome"], lang),
        )
    console.print(table)
    totals = Table(title=w["totals"].format(currency=doc["currency"]))
    totals.add_column("")
    for head in ("base", "whatif", "change"):
        totals.add_column(w[head], justify="right")
    for key in ("ground_up", "gross", "net"):
        totals.add_row(w[key], _money(doc[key]), _money(whatif[key]), _money(whatif[key] - doc[key]))
    for tid, value in doc["ceded"].items():
        totals.add_row(
            w["ceded_treaty"].format(treaty=tid),
            _money(value),
            _money(whatif["ceded"][tid]),
            _money(whatif["ceded"][tid] - value),
        )
    console.print(totals)

"""`cyberins claim adjust INCIDENT [--policy POLICY] [--prior-paid PRIOR] [--json] [--lang zh|en] [--html FILE]`.

Thin: read the files, call `cyberins.claims.adjust_claim`, render. Invalid input exits 2 naming the field
(`cli.errors.CyberinsGroup`), here as under the installed `cyberins` command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.options import lang_option
from cyberins.cli.options import prior_paid as parse_prior_paid
from cyberins.cli.render import console, label
from cyberins.model.errors import InvalidInput, Said, os_reason
from cyberins.model.ids import Lang
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model
from cyberins.model.messages import text as say
from cyberins.model.money import format_money
from cyberins.model.policy import Policy

if TYPE_CHECKING:
    from cyberins.claims import ClaimAdjustment

app = typer.Typer(
    cls=CyberinsGroup,
    help="Claims: coverage decision (定责), loss adjustment (定损) and settlement.",
    no_args_is_help=True,
)


@app.callback()
def claims() -> None:
    """Claims: coverage decision (定责), loss adjustment (定损) and settlement (理算)."""


#: Reasons every paying coverage carries; the table shows the others in full.
_ROUTINE = frozenset({"covered", "occurrence_in_period", "claim_made_in_period", "notice_in_time"})
_STATUS_STYLE = {"covered": "green", "partially_covered": "yellow", "excluded": "red", "not_triggered": "dim"}


@app.command()
def adjust(
    incident_file: Path = typer.Argument(..., dir_okay=False, help="Incident file (YAML or JSON)."),
    policy_file: Path | None = typer.Option(None, "--policy", help="Policy file; optional if the incident embeds it."),
    prior_paid: str | None = typer.Option(
        None, "--prior-paid", help='Already paid this policy year: JSON {"coverage": "amount"} or a file holding it.'
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the contract JSON document."),
    lang: Lang = lang_option("Language of the tables and the HTML statement: zh or en."),
    html: Path | None = typer.Option(None, "--html", help="Write the settlement statement page (HTML) here."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the settlement statement as PDF here."),
) -> None:
    """Decide cover, quantify the loss and settle one incident under its policy (rules 1-16)."""
    result = _adjust(incident_file, policy_file, prior_paid)
    if html is not None or pdf is not None:
        from cyberins.report import render_statement_html, to_pdf  # the report stack: only for a page

        page = render_statement_html(result, lang)
        if html is not None:
            _write(html, page.encode("utf-8"), "--html")
        if pdf is not None:
            _write(pdf, to_pdf(page), "--pdf")
    if as_json:
        print(json.dumps(result.to_json()))
        return
    print_adjustment(result, lang)
    for path in (html, pdf):
        if path is not None:
            console.print(f"statement written to {path}")


def _adjust(incident_file: Path, policy_file: Path | None, prior_paid: str | None) -> ClaimAdjustment:
    from cyberins.claims import adjust_claim  # the claims engine (NumPy) loads when a claim is adjusted

    incident = load_model(Incident, incident_file)
    policy = load_model(Policy, policy_file) if policy_file is not None else None
    prior = parse_prior_paid(prior_paid)
    try:
        return adjust_claim(incident, policy, prior)
    except InvalidInput as exc:
        raise InvalidInput(exc.problems, exc.source or str(incident_file)) from None


def _write(path: Path, data: bytes, option: str) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidInput.one(option, Said("input.cannot_write", {"reason": os_reason(exc)}), str(path)) from None


def print_adjustment(result: ClaimAdjustment, lang: Lang) -> None:
    from cyberins.claims.reasons import label as step_label

    zh = lang == "zh"
    head = f"{result.policy.policy_number or '—'} · " + ", ".join(
        f"{label(e.id, lang)} (GB/T 20986 {e.gbt20986_code})" for e in result.event_types
    )
    console.print(f"[bold]{say('cli.claims.claim_adjustment', lang)}[/] {head}", markup=True)
    decision = Table(title=say("cli.claims.coverage_decision", lang))
    for col in (
        say("cli.claims.coverage", lang),
        say("cli.claims.status", lang),
        say("cli.claims.why_with_the_clause", lang),
    ):
        decision.add_column(col, overflow="fold")
    quiet = []
    for cov, d in result.decision.items():
        if d.status.value == "not_triggered" and not result.claimed[cov]:
            quiet.append(label(cov, lang))
            continue
        notable = [r for r in d.reasons if r.code not in _ROUTINE] or list(d.reasons)
        decision.add_row(
            label(cov, lang),
            f"[{_STATUS_STYLE[d.status.value]}]{step_label('statuses', d.status.value).in_lang(lang)}[/]",
            "\n".join(f"{r.text_zh if zh else r.text_en}〔{r.cite_zh if zh else r.cite_en}〕" for r in notable),
        )
    console.print(decision)
    if quiet:
        console.print(say("cli.claims.not_triggered_no_loss", lang) + say("cli.common.list_sep", lang).join(quiet))

    statement = Table(title=f"{say('cli.claims.statement', lang)} ({result.currency})")
    keys = ("coverage", "step", "before", "deducted", "after", "clause")
    heads = [say(f"cli.claims.statement_heads.{k}", lang) for k in keys]
    for n, col in enumerate(heads):
        statement.add_column(col, justify="right" if n in (2, 3, 4) else "left", overflow="fold")
    for line in result.statement:
        statement.add_row(
            label(line.coverage, lang),
            step_label("steps", line.step).in_lang(lang),
            format_money(line.amount_before, result.currency, lang),
            format_money(line.deducted, result.currency, lang),
            format_money(line.amount_after, result.currency, lang),
            line.cite_zh if zh else line.cite_en,
        )
    console.print(statement)

    totals = Table(title=f"{say('cli.claims.totals', lang)} ({result.currency})")
    for n, col in enumerate(
        say(f"cli.claims.totals_heads.{k}", lang) for k in ("coverage", "claimed", "adjusted", "payable")
    ):
        totals.add_column(col, justify="left" if n == 0 else "right")
    for cov, payable in result.payable.items():
        if result.claimed[cov] or payable:
            totals.add_row(
                label(cov, lang),
                format_money(result.claimed[cov], result.currency, lang),
                format_money(result.adjusted_loss[cov], result.currency, lang),
                format_money(payable, result.currency, lang),
            )
    totals.add_row(
        f"[bold]{say('cli.claims.total', lang)}[/]",
        "",
        "",
        f"[bold]{format_money(result.total_payable, result.currency, lang)}[/]",
    )
    console.print(totals)
    if result.under_review:
        console.print(f"[yellow]{say('cli.claims.under_review', lang)}[/]")

"""`cyberins run`: the main job on example data — one insured through the whole lifecycle.

The engines quote the organisation as it stands (a decline shows what to fix first and the premium once
fixed) and the bilingual report is written; then `cyberins.services.main_job` takes the same organisation
through the platform on a fresh SQLite file in OUT: declined, fixed, quoted, bound, its claim settled and
paid, the audit chain verified. This module only parses, calls that service and renders.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from cyberins.cli.options import lang_option
from cyberins.cli.quote import print_quote, write_report
from cyberins.cli.render import console, label
from cyberins.model.errors import InvalidInput, Said, os_reason
from cyberins.model.ids import Lang
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model
from cyberins.model.messages import has, text
from cyberins.model.money import format_money
from cyberins.model.policy import Policy
from cyberins.quant.sizes import MAX_YEARS
from cyberins.settings import get_settings

if TYPE_CHECKING:
    from cyberins.services.main_job import MainJob

# The engines, the platform (SQLAlchemy) and the report stack load when the job runs, not for `run --help`.

#: The file the main job's platform lives in, inside OUT (recreated by every run).
DATABASE = "cyberins.db"


def run(
    profile_file: Path = typer.Option(Path("examples/orgs/sme-manufacturer.yaml"), "--profile"),
    policy_file: Path = typer.Option(Path("examples/policies/sme-standalone-cny.yaml"), "--policy"),
    incident_file: Path = typer.Option(Path("examples/incidents/sme-ransomware-erp.yaml"), "--incident"),
    out: Path = typer.Option(Path("out"), "--out", help="Folder for the report, the statement and the database."),
    years: int | None = typer.Option(
        None, "--years", min=1000, max=MAX_YEARS, help="Simulated years (default: enough for a 0.5% standard error)."
    ),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also print the report and the statement to PDF."),
    lang: Lang = lang_option("zh or en."),
) -> None:
    """Quote → decline → fix → quote → bind → claim → settle → pay → audit, for one example company."""
    from cyberins.assess import load_profile
    from cyberins.services.main_job import MainJobInputs, run_main_job
    from cyberins.underwriting import QuoteOptions

    policy = load_model(Policy, policy_file)
    options = QuoteOptions(years=years, seed=get_settings().seed)
    # A quote comes before cover. The example wordings' periods have begun (and their incidents happened) by
    # now, so a report dated today would quote after the claim it is followed by: such a period is quoted as on
    # the day whose quote stands until cover starts. A period still to come is quoted today.
    standing = timedelta(days=int(options.basis.quote_validity_days.value))
    today = datetime.now(policy.zone).date()
    options = dataclasses.replace(options, quoted_on=min(today, policy.period.start - standing))
    inputs = MainJobInputs(
        profile=load_profile(profile_file),
        policy=policy,
        incident=load_model(Incident, incident_file),
        options=options,
    )
    database = out / DATABASE
    job = run_main_job(database, inputs)
    print_quote(job.quote, lang)
    report = out / f"report-{lang}.html"
    write_report(job.quote, lang, report, report.with_suffix(".pdf") if pdf else None)
    console.rule(text("cli.run.title_platform", lang))
    print_platform(job, lang)
    print_claim(job, lang)
    statement = write_statement(job, lang, out / f"statement-{lang}.html", pdf)
    suffix = text("cli.run.and_pdf", lang) if pdf else ""
    console.print(text("cli.run.report", lang, path=f"{report}{suffix}"), markup=False)
    console.print(text("cli.run.statement", lang, path=f"{statement}{suffix}"), markup=False)
    console.print(text("cli.run.database", lang, path=database), markup=False)


def write_statement(job: MainJob, lang: Lang, html: Path, pdf: bool) -> Path:
    """The claim's settlement statement as HTML, and as PDF beside it when asked."""
    from cyberins.report import render_statement_html, to_pdf

    page = render_statement_html(job.statement, lang)
    try:
        html.write_text(page, encoding="utf-8")
        if pdf:
            html.with_suffix(".pdf").write_bytes(to_pdf(page))
    except OSError as exc:
        raise InvalidInput.one(
            "--out", Said("input.cannot_write_path", {"path": html, "reason": os_reason(exc)})
        ) from None
    return html


def _in(group: str, key: str, lang: Lang) -> str:
    """A party, step or state of the main job in `lang` (an id the catalogue lacks is shown as it is)."""
    id_ = f"cli.run.{group}.{key}"
    return text(id_, lang) if has(id_) else key


def print_platform(job: MainJob, lang: Lang) -> None:
    """The refusal, the bound policy and the table of steps (party, step, state, amount), 80 columns wide."""
    from cyberins.assess import Outcome

    zh, policy, currency = lang == "zh", job.policy, job.policy.currency
    if job.refusal is not None:
        refused = text("cli.run.refused", lang)
        console.print(refused if zh else f"{refused} {job.refusal}", markup=False)
        if zh:
            # a grid, so that the id and sentence (one unbroken run of text to Rich) fold beside the dash
            # instead of leaving it alone on its line
            reasons = Table.grid()
            reasons.add_column(no_wrap=True)
            reasons.add_column(overflow="fold")
            for reason in job.quote.eligibility.reasons:
                if reason.outcome is Outcome.DECLINE:
                    reasons.add_row("  - ", Text(f"{reason.rule_id}：{reason.zh}"))
            console.print(reasons)
    insured = job.quote.policy.insured
    name = (insured.name_zh or insured.name if zh else insured.name) if insured else "—"
    premium = format_money(policy.premium, currency, lang)
    line = text("cli.run.policy_line", lang, number=policy.policy_number, name=name, premium=premium, currency=currency)
    console.print(line, markup=False)
    table = Table(title=text("cli.run.lifecycle", lang, currency=currency))
    for n, head in enumerate(("party", "step", "state", "amount")):
        table.add_column(text(f"cli.run.{head}", lang), justify="right" if n == 3 else "left", no_wrap=n == 3)
    for step in job.steps:
        amount = format_money(step.amount, currency, lang) if step.amount is not None else ""
        table.add_row(_in("parties", step.party, lang), _in("steps", step.action, lang),
                      _in("states", step.state, lang), amount)  # fmt: skip
    console.print(table)
    state = _in("states", "intact" if job.chain.ok else "broken", lang)
    console.print(text("cli.run.chain", lang, state=state, n=job.chain.entries), markup=False)


def print_claim(job: MainJob, lang: Lang) -> None:
    """The claim by coverage: claimed, adjusted loss (before any term) and payable; the statement has the steps."""
    adj = job.statement
    money = partial(format_money, currency=adj.currency, lang=lang)
    table = Table(title=text("cli.run.claim", lang, number=job.policy.policy_number, currency=adj.currency))
    for n, head in enumerate(("coverage", "claimed", "adjusted", "payable")):
        table.add_column(text(f"cli.run.{head}", lang), justify="left" if n == 0 else "right", no_wrap=n > 0)
    for cov, payable in adj.payable.items():
        if adj.claimed[cov] or payable:
            table.add_row(label(cov, lang), money(adj.claimed[cov]), money(adj.adjusted_loss[cov]),
                          money(payable))  # fmt: skip
    table.add_row(text("cli.run.total", lang), "", "", money(adj.total_payable))
    console.print(table)

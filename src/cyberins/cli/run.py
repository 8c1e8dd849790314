"""`cyberins run`: the main job on example data — one insured through the whole lifecycle.

The engines quote the organisation as it stands (a decline shows what to fix first and the premium once
fixed) and the bilingual report is written; then `cyberins.services.main_job` takes the same organisation
through the platform on a fresh SQLite file in OUT: declined, fixed, quoted, bound, its claim settled and
paid, the audit chain verified. This module only parses, calls that service and renders.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

import typer
from rich.table import Table

from cyberins.assess import Outcome, load_profile
from cyberins.cli.options import lang_option
from cyberins.cli.quote import print_quote, write_report
from cyberins.cli.render import console, label
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Lang
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model
from cyberins.model.money import format_money
from cyberins.model.policy import Policy
from cyberins.report import render_statement_html, to_pdf
from cyberins.services.assessment import MAX_YEARS
from cyberins.services.main_job import MainJob, MainJobInputs, Party, run_main_job
from cyberins.settings import get_settings
from cyberins.underwriting import QuoteOptions

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
    policy = load_model(Policy, policy_file)
    inputs = MainJobInputs(
        profile=load_profile(profile_file),
        policy=policy,
        incident=load_model(Incident, incident_file),
        options=QuoteOptions(years=years, seed=get_settings().seed, quoted_on=datetime.now(policy.zone).date()),
    )
    database = out / DATABASE
    job = run_main_job(database, inputs)
    zh = lang == "zh"
    print_quote(job.quote, lang)
    report = out / f"report-{lang}.html"
    write_report(job.quote, lang, report, report.with_suffix(".pdf") if pdf else None)
    console.rule("平台：一家被保险人走完全流程" if zh else "Platform: one insured through the lifecycle")
    print_platform(job, lang)
    print_claim(job, lang)
    statement = write_statement(job, lang, out / f"statement-{lang}.html", pdf)
    suffix = ", .pdf" if pdf else ""
    console.print(f"{'报告' if zh else 'report'}: {report}{suffix}", markup=False)
    console.print(f"{'理算书' if zh else 'statement'}: {statement}{suffix}", markup=False)
    console.print(f"{'数据库' if zh else 'database'}: {database}", markup=False)


def write_statement(job: MainJob, lang: Lang, html: Path, pdf: bool) -> Path:
    """The claim's settlement statement as HTML, and as PDF beside it when asked."""
    page = render_statement_html(job.statement, lang)
    try:
        html.write_text(page, encoding="utf-8")
        if pdf:
            html.with_suffix(".pdf").write_bytes(to_pdf(page))
    except OSError as exc:
        raise InvalidInput.one("--out", f"cannot write {html}: {exc.strerror}") from None
    return html


#: What each party is called (zh, en).
PARTIES = {
    Party.INSURER: ("保险人", "insurer"),
    Party.BROKER: ("经纪人", "broker"),
    Party.INSURED: ("被保险人", "insured"),
    Party.RESPONDER: ("应急响应方", "responder"),
}
#: The steps of `services.main_job` (zh, en).
STEPS = {
    "submit": ("提交投保申请", "submits the profile"),
    "assess": ("风险评估", "assesses"),
    "quote_refused": ("报价被拒（409）", "quote refused (409)"),
    "decline": ("拒保", "declines"),
    "remediate": ("整改：保前加固", "carries out the remedies"),
    "quote": ("报价", "quotes"),
    "bind": ("出单", "binds"),
    "report": ("报案", "reports the incident"),
    "assign_responder": ("指派应急响应方", "assigns a responder"),
    "submit_forensics": ("提交取证结果", "files forensics"),
    "decide_coverage": ("定责", "decides cover"),
    "adjust_loss": ("定损", "adjusts the loss"),
    "settle": ("理算", "settles"),
    "pay": ("赔付", "pays"),
    "pay_retried": ("重复赔付请求（幂等）", "payment retried (idempotent)"),
    "close": ("结案", "closes the claim"),
    "verify_audit": ("审计链校验", "verifies the audit chain"),
}
#: The states a step leaves (zh, en): submission, policy and claim states, eligibility outcomes, the chain.
STATES = {
    "submitted": ("已提交", "submitted"),
    "assessed": ("已评估", "assessed"),
    "quoted": ("已报价", "quoted"),
    "declined": ("已拒保", "declined"),
    "bound": ("已出单", "bound"),
    "accept": ("准入：接受", "eligible: accept"),
    "refer": ("准入：转核保人", "eligible: refer"),
    "reported": ("已报案", "reported"),
    "responder_assigned": ("已指派", "responder assigned"),
    "forensics_submitted": ("已取证", "forensics filed"),
    "coverage_decided": ("已定责", "cover decided"),
    "loss_adjusted": ("已定损", "loss adjusted"),
    "settled": ("已理算", "settled"),
    "denied": ("拒赔", "denied"),
    "paid": ("已赔付", "paid"),
    "closed": ("已结案", "closed"),
    "intact": ("完整", "intact"),
    "broken": ("被篡改", "broken"),
}


def _in(table: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    return table.get(key, (key, key))[0 if lang == "zh" else 1]


def print_platform(job: MainJob, lang: Lang) -> None:
    """The refusal, the bound policy and the table of steps (party, step, state, amount), 80 columns wide."""
    zh, policy, currency = lang == "zh", job.policy, job.policy.currency
    if job.refusal is not None:
        refused = "按现状报价被拒（HTTP 409）：" if zh else f"Quote refused as it stands (HTTP 409): {job.refusal}"
        console.print(refused, markup=False)
        if zh:
            for reason in job.quote.eligibility.reasons:
                if reason.outcome is Outcome.DECLINE:
                    console.print(f"  - {reason.rule_id}: {reason.zh}", markup=False)
    insured = job.quote.policy.insured
    name = (insured.name_zh or insured.name if zh else insured.name) if insured else "—"
    console.print(
        f"{'保单' if zh else 'policy'} {policy.policy_number} · {'被保险人' if zh else 'insured'} {name} · "
        f"{'保费' if zh else 'premium'} {format_money(policy.premium, currency, lang)} {currency}",
        markup=False,
    )
    table = Table(title=f"{'全流程' if zh else 'The lifecycle'} ({currency})")
    for n, head in enumerate(("参与方", "步骤", "状态", "金额") if zh else ("party", "step", "state", "amount")):
        table.add_column(head, justify="right" if n == 3 else "left", no_wrap=n == 3)
    for step in job.steps:
        amount = format_money(step.amount, currency, lang) if step.amount is not None else ""
        table.add_row(PARTIES[step.party][0 if zh else 1], _in(STEPS, step.action, lang),
                      _in(STATES, step.state, lang), amount)  # fmt: skip
    console.print(table)
    chain = job.chain
    console.print(
        f"{'审计链' if zh else 'audit chain'}: {_in(STATES, 'intact' if chain.ok else 'broken', lang)}, "
        f"{chain.entries} {'条记录' if zh else 'entries'}",
        markup=False,
    )


def print_claim(job: MainJob, lang: Lang) -> None:
    """The claim by coverage: claimed, adjusted loss (before any term) and payable; the statement has the steps."""
    zh, adj = lang == "zh", job.statement
    money = partial(format_money, currency=adj.currency, lang=lang)
    table = Table(title=f"{'理赔' if zh else 'Claim'} {job.policy.policy_number} ({adj.currency})")
    heads = ("保障", "索赔", "定损", "赔付") if zh else ("coverage", "claimed", "adjusted", "payable")
    for n, head in enumerate(heads):
        table.add_column(head, justify="left" if n == 0 else "right", no_wrap=n > 0)
    for cov, payable in adj.payable.items():
        if adj.claimed[cov] or payable:
            table.add_row(label(cov, lang), money(adj.claimed[cov]), money(adj.adjusted_loss[cov]),
                          money(payable))  # fmt: skip
    table.add_row("合计" if zh else "total", "", "", money(adj.total_payable))
    console.print(table)

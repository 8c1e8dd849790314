"""`cyberins run`: the main job on example data — the lifecycle of one insured, from assessment to settlement.

1. assess the organisation and price its wording: eligibility, the quantified model, the premium, the
   limit/retention grid, the cover its risk tolerance needs, the security controls worth buying;
2. write the bilingual report (HTML and PDF) with its charts;
3. settle a claim under the same wording with the same terms engine: decision, loss, statement.
"""

from __future__ import annotations

from pathlib import Path

import typer

from cyberins.assess import load_profile
from cyberins.claims import adjust_claim
from cyberins.cli.claims import print_adjustment
from cyberins.cli.quote import print_quote, write_report
from cyberins.cli.render import Lang, console
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.report import render_statement_html
from cyberins.settings import get_settings
from cyberins.underwriting import QuoteOptions, underwrite


def run(
    profile_file: Path = typer.Option(Path("examples/orgs/sme-manufacturer.yaml"), "--profile"),
    policy_file: Path = typer.Option(Path("examples/policies/sme-standalone-cny.yaml"), "--policy"),
    incident_file: Path = typer.Option(Path("examples/incidents/sme-ransomware-erp.yaml"), "--incident"),
    out: Path = typer.Option(Path("out"), "--out", help="Folder for the report and the statement."),
    years: int = typer.Option(20_000, "--years", min=1000, help="Simulated years per option."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also print the report to PDF."),
    lang: Lang = typer.Option("zh", help="zh or en."),
) -> None:
    """Assess → quote → recommend → report → settle, on an example company (defaults: examples/)."""
    profile = load_profile(profile_file)
    policy = load_model(Policy, policy_file)
    result = underwrite(profile, policy, QuoteOptions(years=years, seed=get_settings().seed))
    print_quote(result, lang)
    report = out / f"report-{lang}.html"
    write_report(result, lang, report, out / f"report-{lang}.pdf" if pdf else None)
    console.print(f"report: {report}" + (f", {out / f'report-{lang}.pdf'}" if pdf else ""))

    console.rule(f"{'理赔' if lang == 'zh' else 'Claim'}: {incident_file}")
    adjustment = adjust_claim(load_model(Incident, incident_file), policy)
    print_adjustment(adjustment, lang)
    statement = out / f"statement-{lang}.html"
    statement.write_text(render_statement_html(adjustment, lang), encoding="utf-8")
    console.print(f"statement: {statement}")

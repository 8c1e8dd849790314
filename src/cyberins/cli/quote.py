"""`cyberins quote PROFILE --policy POLICY` and `cyberins whatif PROFILE --add-control ID` (issue 4 §4, issue 12 §3)."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from cyberins.cli.options import SEED_MAX, iso_date, lang_option
from cyberins.cli.render import console
from cyberins.model.errors import InvalidInput, Said, os_reason
from cyberins.model.ids import Lang
from cyberins.model.loading import load_model
from cyberins.model.messages import text as say
from cyberins.model.money import format_money
from cyberins.model.policy import Policy
from cyberins.quant.sizes import YEARS_LIMIT
from cyberins.settings import get_settings

if TYPE_CHECKING:
    from cyberins.underwriting import UnderwritingResult

# The risk model (SciPy), pricing, the underwriting job and the report stack (matplotlib, WeasyPrint) are
# imported inside the commands that run them, so `cyberins quote --help` does not pay for them.


def _amounts(values: list[str], option: str) -> tuple[Decimal, ...]:
    try:
        out = tuple(Decimal(v.replace("_", "").replace(",", "")) for v in values)
    except InvalidOperation:
        raise InvalidInput.one(option, Said("input.not_amounts", {"values": ", ".join(values)})) from None
    if any(v <= 0 for v in out):
        raise InvalidInput.one(option, Said("input.not_positive"))
    return out


def quote(
    profile_file: Path = typer.Argument(..., help="Organisation profile (YAML/JSON)."),
    policy_file: Path = typer.Option(..., "--policy", help="Policy wording to price."),
    years: int | None = typer.Option(
        None,
        "--years",
        min=1000,
        max=YEARS_LIMIT,
        help="Simulated years per option (default: enough for a 0.5% standard error).",
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, max=SEED_MAX, help="Random seed (default: settings.seed)."),
    limit: list[str] = typer.Option([], "--limit", help="Aggregate-limit options of the grid (repeat)."),
    retention: list[str] = typer.Option([], "--retention", help="Retention options of the grid (repeat)."),
    tolerance: list[str] = typer.Option([], "--tolerance", help="LOSS@YEARS, twice (default: the profile's)."),
    subsidy: Path | None = typer.Option(None, "--subsidy", help="A premium-subsidy scheme file."),
    basis: Path | None = typer.Option(None, "--basis", help="A pricing basis overriding the default."),
    controls: bool = typer.Option(True, "--controls/--no-controls", help="Rank candidate security controls."),
    as_json: bool = typer.Option(False, "--json", help="Print the quote as JSON."),
    html: Path | None = typer.Option(None, "--html", help="Write the report page here."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the report as PDF here."),
    quoted_on: str | None = typer.Option(
        None, "--quoted-on", help="The day of the quote (ISO date; default: today in the policy's time zone)."
    ),
    lang: Lang = lang_option("zh or en."),
) -> None:
    """Assess, price, offer limit/retention options, recommend the cover needed and the controls that pay."""
    if tolerance and len(tolerance) != 2:
        raise InvalidInput.one("--tolerance", Said("input.two_points", {"n": len(tolerance)}))
    from cyberins.assess import load_profile
    from cyberins.pricing import load_basis, load_scheme, parse_tolerance_point
    from cyberins.underwriting import QuoteOptions, underwrite
    from cyberins.underwriting.document import quote_document

    points = tuple(parse_tolerance_point(t, "--tolerance") for t in tolerance)
    policy = load_model(Policy, policy_file)
    options = QuoteOptions(
        years=years,
        seed=get_settings().seed if seed is None else seed,
        quoted_on=iso_date("--quoted-on", quoted_on) or datetime.now(policy.zone).date(),
        limits=_amounts(limit, "--limit"),
        retentions=_amounts(retention, "--retention"),
        tolerance=(points[0], points[1]) if points else None,
        subsidy=load_scheme(subsidy) if subsidy else None,
        basis=load_basis(basis),
        recommend_controls=controls,
    )
    result = underwrite(load_profile(profile_file), policy, options)
    write_report(result, lang, html, pdf)
    if as_json:
        print(json.dumps(quote_document(result), ensure_ascii=False))
        return
    print_quote(result, lang)


def write_report(result: UnderwritingResult, lang: Lang, html: Path | None, pdf: Path | None) -> None:
    if html is None and pdf is None:
        return
    logging.getLogger("cyberins.report").info("report", extra={"stage": "report"})
    from cyberins.report import render_quote_html, to_pdf

    page = render_quote_html(result, lang)
    for path, data in ((html, page.encode("utf-8")), (pdf, None)):
        if path is None:
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data if data is not None else to_pdf(page))
        except OSError as exc:
            said = Said("input.cannot_write_path", {"path": path, "reason": os_reason(exc)})
            raise InvalidInput.one("--html" if data else "--pdf", said) from None


def print_quote(r: UnderwritingResult, lang: Lang) -> None:
    from cyberins.assess import load_questionnaire, outcome_label

    zh, cur = lang == "zh", r.policy.currency
    money = partial(format_money, currency=cur, lang=lang)
    name = r.profile.name_zh if zh and r.profile.name_zh else r.profile.name
    colon = say("cli.common.colon", lang)
    console.rule(f"{say('cli.quote.assessment_and_quote', lang)}{colon}{name}")
    console.print(f"{say('cli.quote.eligibility', lang)}{colon}[bold]{outcome_label(r.eligibility.outcome, lang)}[/]")
    for reason in r.eligibility.reasons:
        text = reason.zh if zh else reason.en
        console.print(f"  - {outcome_label(reason.outcome, lang)}{colon}{text}", markup=False)
    g, i = r.simulation.gross(), r.simulation.insured()
    console.print(
        say("cli.quote.losses", lang, gross=money(g.aal), gross_se=money(g.aal_se), insured=money(i.aal),
            insured_se=money(i.aal_se), years=r.simulation.years)
    )  # fmt: skip
    if r.bindable:
        console.print(
            f"{say('cli.quote.technical_premium', lang)} [bold]{money(r.premium.premium)}[/] {r.policy.currency}"
        )
    else:
        print_subject_to(r, lang)
    grid = Table(title=say("cli.quote.limit_retention_options", lang))
    heads = tuple(
        say(f"cli.quote.grid_heads.{k}", lang) for k in ("limit", "retention", "premium", "insured_el", "retained_el")
    )
    for col in heads:
        grid.add_column(col, justify="right")
    recommended = r.adequacy.recommended if r.adequacy else None
    for row in r.grid.rows:
        mark = " ★" if row is recommended else ""
        grid.add_row(money(row.aggregate_limit) + mark, money(row.retention), money(row.premium),
                     money(row.expected_insured_loss), money(row.expected_retained_loss))  # fmt: skip
    console.print(grid)
    if r.adequacy is not None:
        why = r.adequacy.reason_zh if zh else r.adequacy.reason
        console.print(f"{say('cli.quote.limit_adequacy', lang)}{colon}{why}", markup=False)
    if r.controls is not None:
        table = Table(title=say("cli.quote.return_on_security_controls_per", lang))
        heads = tuple(
            say(f"cli.quote.roi_heads.{k}", lang) for k in ("control", "annual_cost", "saving", "net_benefit", "se")
        )
        for n, col in enumerate(heads):
            table.add_column(col, justify="left" if n == 0 else "right")
        questions = load_questionnaire()
        for c in r.controls.ranked:
            names = [questions.question(i).name.in_lang(lang) for i in sorted(c.controls)]
            saving = c.retained_loss_drop + c.premium_drop
            se = money(c.net_benefit_se) if c.net_benefit_se is not None else "—"
            table.add_row(say("cli.common.list_sep", lang).join(names), money(c.annual_cost),
                          money(saving), money(c.net_benefit), se)  # fmt: skip
        console.print(table)
    if r.subsidy is not None:
        console.print(
            say("cli.quote.subsidy", lang, subsidy=money(r.subsidy.subsidy), payable=money(r.subsidy.payable))
        )


def print_subject_to(r: UnderwritingResult, lang: Lang) -> None:
    """A declined risk: its indicative premium, what must be fixed first, and the premium once fixed."""
    from cyberins.assess import outcome_label

    zh, plan = lang == "zh", r.remediation
    currency = r.policy.currency
    console.print(
        f"[bold red]{say('cli.quote.declined_as_it_stands_not', lang)}[/]{say('cli.common.clause_sep', lang)}"
        f"{say('cli.quote.indicative_premium', lang)} {format_money(r.premium.premium, currency, lang)} {currency}"
    )
    if plan is None:
        return
    console.print(say("cli.quote.subject_to_fix_before_cover", lang))
    for n, step in enumerate(plan.steps, 1):
        cost = (
            format_money(step.annual_cost, currency, lang)
            if step.annual_cost is not None
            else (say("cli.quote.not_estimated", lang))
        )
        text = step.remedy_zh if zh else step.remedy_en
        console.print(f"  {n}. " + say("cli.quote.remedy", lang, remedy=text, cost=cost), markup=False)
    if r.remediated is None:
        console.print(say("cli.quote.these_remedies_do_not_lift", lang))
        return
    outcome = outcome_label(plan.eligibility.outcome, lang)
    premium = format_money(r.remediated.premium.premium, currency, lang)
    console.print(say("cli.quote.once_fixed", lang, premium=f"[bold]{premium}[/]", currency=currency, outcome=outcome))


def whatif_command(
    profile_file: Path = typer.Argument(..., help="Organisation profile (YAML/JSON)."),
    add_control: list[str] = typer.Option(..., "--add-control", help="A candidate control to put in place (repeat)."),
    policy_file: Path = typer.Option(..., "--policy", help="The wording whose premium and retained loss change."),
    years: int | None = typer.Option(
        None, "--years", min=1000, max=YEARS_LIMIT, help="Default: enough for a 0.5% standard error."
    ),
    seed: int | None = typer.Option(None, "--seed", min=0, max=SEED_MAX),
    as_json: bool = typer.Option(False, "--json"),
    lang: Lang = lang_option("zh or en."),
) -> None:
    """What adding security controls does to expected loss, retained loss and premium, against their cost."""
    from cyberins.assess import candidate_controls, load_profile, load_questionnaire, model_with
    from cyberins.pricing import Candidate, load_basis, whatif

    profile = load_profile(profile_file)
    costs = {c.control_id: c for c in candidate_controls(profile)}
    unknown = [c for c in add_control if c not in costs]
    if unknown:
        import difflib

        near = difflib.get_close_matches(unknown[0], sorted(costs), n=1, cutoff=0.6) if len(unknown) == 1 else []
        known = ", ".join(sorted(costs)) or Said("input.no_candidate")
        said = (
            Said("api.problem.enum_near", {"input": repr(unknown[0]), "near": repr(near[0])})
            if near  # a misspelt id: the nearest candidate, as a validator says it
            else Said("input.not_a_candidate", {"ids": ", ".join(unknown), "known": known})
        )
        raise InvalidInput.one("--add-control", said)
    added = [Candidate(c, costs[c].annual_cost, costs[c].name) for c in add_control]
    policy = load_model(Policy, policy_file)
    from cyberins.underwriting.job import stage_progress

    base, change = whatif(
        model_with(profile), [], added, policy, load_basis(None),
        years=years, seed=get_settings().seed if seed is None else seed, progress=stage_progress("controls", 2),
    )  # fmt: skip
    doc: dict[str, Any] = {
        "controls": sorted(change.controls),
        "annual_cost": str(change.annual_cost),
        "expected_gross_loss": {
            "before": str(base.expected_gross_loss),
            "after": str(change.after.expected_gross_loss),
        },
        "expected_retained_loss": {
            "before": str(base.expected_retained_loss),
            "after": str(change.after.expected_retained_loss),
        },
        "technical_premium": {"before": str(base.premium), "after": str(change.after.premium)},
        "net_benefit": str(change.net_benefit),
        "net_benefit_se": None if change.net_benefit_se is None else str(change.net_benefit_se),
        "pays_for_itself": change.net_benefit > 0,
    }
    if as_json:
        print(json.dumps(doc))
        return
    money = partial(format_money, currency=policy.currency, lang=lang)
    questions = load_questionnaire()
    names = [questions.question(c).name.in_lang(lang) for c in doc["controls"]]
    table = Table(title=say("cli.common.list_sep", lang).join(names))
    for col in ("", say("cli.quote.before", lang), say("cli.quote.after", lang)):
        table.add_column(col, justify="right")
    for key in ("expected_gross_loss", "expected_retained_loss", "technical_premium"):
        table.add_row(
            say(f"cli.quote.whatif_rows.{key}", lang),
            money(Decimal(doc[key]["before"])),
            money(Decimal(doc[key]["after"])),
        )
    console.print(table)
    se = f" ± {money(change.net_benefit_se)}" if change.net_benefit_se is not None else ""
    cost, net = money(change.annual_cost), money(change.net_benefit) + se
    console.print(say("cli.quote.whatif_net", lang, cost=cost, net=net))

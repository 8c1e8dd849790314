"""`cyberins policy check|show|apply`: validate a wording, read it, test it against a loss."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.options import lang_option
from cyberins.cli.options import prior_paid as parse_prior_paid
from cyberins.cli.render import console, label, print_fitted
from cyberins.model.ids import Lang
from cyberins.model.loading import load_model
from cyberins.model.messages import text
from cyberins.model.money import format_money
from cyberins.model.policy import Policy, RetentionBasis
from cyberins.model.scenario import LossScenario

if TYPE_CHECKING:
    from cyberins.terms import ScenarioSettlement

app = typer.Typer(
    cls=CyberinsGroup, help="Policy wordings as data: check, show, and apply to a loss.", no_args_is_help=True
)

FileArg = typer.Argument(..., exists=False, dir_okay=False, help="Policy file (YAML or JSON).")


@app.command()
def check(files: list[Path] = typer.Argument(..., help="Policy files (YAML or JSON).")) -> None:
    """Validate policy files; exit 2 naming the field of the first invalid one."""
    for path in files:
        policy = load_model(Policy, path)
        console.print(
            f"[green]OK[/] {path}: {policy.form.value}, {len(policy.coverages)} coverages, "
            f"aggregate {format_money(policy.aggregate_limit, policy.currency)} {policy.currency}"
        )


@app.command()
def show(file: Path = FileArg, lang: Lang = lang_option("Language of the summary: zh or en.")) -> None:
    """A readable summary of a policy in one language; at any width money is printed whole."""
    from cyberins.claims.reasons import label as term

    p = load_model(Policy, file)

    def say(key: str, **values: object) -> str:
        return text(f"cli.policy.show.{key}", lang, **values)

    head = Table.grid(padding=(0, 2))
    head.add_column(style="dim", no_wrap=True)
    head.add_row(say("policy"), p.policy_number or "—")
    if p.insured:
        head.add_row(say("insured"), (p.insured.name_zh or p.insured.name) if lang == "zh" else p.insured.name)
    head.add_row(say("period"), say("period_text", start=p.period.start, end=p.period.end, zone=p.zone.key))
    head.add_row(say("form"), label(p.form, lang))
    trigger = label(p.trigger.kind, lang)
    if p.trigger.retroactive_date:
        trigger += say("retroactive", day=p.trigger.retroactive_date)
    if p.trigger.reporting_deadline:
        rd = p.trigger.reporting_deadline
        trigger += say("notice", after=term("moments", rd.after).in_lang(lang), days=rd.days)
    head.add_row(say("trigger"), trigger)
    head.add_row(say("jurisdiction"), label(p.jurisdiction, lang))
    head.add_row(say("aggregate"), f"{format_money(p.aggregate_limit, p.currency, lang)} {p.currency}")
    head.add_row(say("defence"), say("defence_erodes" if p.claims_expenses_erode_limit else "defence_outside"))
    per_incident = p.retention_basis is RetentionBasis.PER_INCIDENT
    head.add_row(say("retentions"), say("per_incident" if per_incident else "per_coverage"))
    console.print(head)
    _coverages(p, lang)
    sep = text("cli.common.clause_sep", lang)
    if p.exclusions:
        console.print(say("exclusions") + sep.join(label(e, lang) for e in p.exclusions))
    conditions = [name for name, value in p.conditions if value]
    if conditions:
        console.print(say("conditions") + sep.join(label(c, lang) for c in conditions))


def _coverages(p: Policy, lang: Lang) -> None:
    """The coverages as a table with only the columns some coverage uses; stacked, one block per coverage,
    when even that does not fit the terminal (money is never cut)."""
    from cyberins.claims.reasons import label as term

    columns: dict[str, list[str]] = {}
    for cov, t in p.coverages.items():
        waiting = "—"
        if t.waiting_period_hours is not None:
            hours = f"{t.waiting_period_hours.normalize():f}"
            mode = term("waiting_modes", t.waiting_period_mode.value).in_lang(lang)
            waiting = text("cli.policy.show.waiting", lang, hours=hours, mode=mode)
        days = None if t.indemnity_period_days is None else f"{t.indemnity_period_days.normalize():f}"
        cells = {
            "coverage": label(cov, lang),
            "sublimit": format_money(t.sublimit, p.currency, lang),
            "retention": format_money(t.retention, p.currency, lang),
            "each_claim": format_money(t.each_claim_limit, p.currency, lang),
            "coinsurance": f"{t.coinsurance:.0%}" if t.coinsurance else "—",
            "waiting": waiting,
            "indemnity": "—" if days is None else text("cli.common.days", lang, n=days),
            "event_types": text("cli.common.list_sep", lang).join(label(e, lang) for e in t.event_types)
            if t.event_types
            else (text("cli.policy.all", lang)),
        }
        for key, value in cells.items():
            columns.setdefault(key, []).append(value)
    always = {"coverage", "sublimit", "retention"}
    unused = {"—", text("cli.policy.all", lang)}
    shown = [k for k, values in columns.items() if k in always or any(v not in unused for v in values)]
    keys = list(shown)
    folding = tuple(n for n, k in enumerate(keys) if k in ("coverage", "event_types"))
    print_fitted(
        text("cli.policy.coverages", lang),
        [text(f"cli.policy.show.heads.{k}", lang) for k in keys],
        [[columns[k][n] for k in keys] for n in range(len(columns["coverage"]))],
        folding=folding,
        empty=tuple(unused),
    )


@app.command()
def apply(
    policy_file: Path = FileArg,
    scenario_file: Path = typer.Argument(..., help="Ground-up loss scenario (YAML or JSON)."),
    prior_paid: str | None = typer.Option(None, "--prior-paid", help='Already paid this year: {"coverage": "amount"}'),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    lang: Lang = lang_option("Language of the labels: zh or en."),
) -> None:
    """What the policy pays for one ground-up loss, step by step (rule 1)."""
    policy = load_model(Policy, policy_file)
    from cyberins.terms import settle_scenario  # NumPy: loaded when a loss is settled, not for --help

    scenario = load_model(LossScenario, scenario_file)
    result = settle_scenario(policy, scenario, parse_prior_paid(prior_paid))
    if as_json:
        console.print_json(json.dumps(settlement_json(result)))
        return
    print_settlement(result, lang)


def settlement_json(result: ScenarioSettlement) -> dict[str, object]:
    return {
        "currency": result.currency,
        "lines": {
            line.coverage.value: {step.value: str(amount) for step, amount in line.steps.items()}
            for line in result.lines
        },
        "payable": {line.coverage.value: str(line.payable) for line in result.lines},
        "total_payable": str(result.total_payable),
        "not_purchased": [c.value for c in result.not_purchased],
        "money_only_time_element": [c.value for c in result.money_only_time_element],
    }


def print_settlement(result: ScenarioSettlement, lang: Lang) -> None:
    """One row per coverage: ground-up loss, each term that took something (rule 1 order), payable."""
    from cyberins.claims.reasons import label as step_label
    from cyberins.terms import Step

    money = partial(format_money, currency=result.currency, lang=lang)
    table = Table(title=text("cli.policy.settlement", lang, currency=result.currency))
    for n, head in enumerate(("coverage", "ground_up", "terms_applied", "payable")):
        table.add_column(text(f"cli.policy.{head}", lang), justify="right" if n in (1, 3) else "left")
    steps = list(Step)
    for line in result.lines:
        cuts = [
            f"{step_label('steps', step.value).in_lang(lang)} −{money(line.steps[prev] - line.steps[step])}"
            for prev, step in zip(steps, steps[1:], strict=False)
            if line.steps[prev] != line.steps[step]
        ]
        if line.payable != line.steps[Step.AGGREGATE]:  # rounded in the policy's order with the other lines
            cuts.append(
                f"{step_label('steps', 'rounding').in_lang(lang)} −{money(line.steps[Step.AGGREGATE] - line.payable)}"
            )
        table.add_row(
            label(line.coverage, lang),
            money(line.ground_up),
            "\n".join(cuts) or "—",
            money(line.payable),
        )
    console.print(table)
    total = money(result.total_payable)
    console.print(text("cli.policy.total_payable", lang, amount=total, currency=result.currency))
    for cov in result.not_purchased:
        console.print(text("cli.policy.not_purchased", lang, coverage=label(cov, lang)))
    for cov in result.money_only_time_element:
        console.print(text("cli.policy.money_only", lang, coverage=label(cov, lang)))

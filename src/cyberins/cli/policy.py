"""`cyberins policy check|show|apply`: validate a wording, read it, test it against a loss."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import typer
from rich.table import Table

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.options import prior_paid as parse_prior_paid
from cyberins.cli.render import bilingual, console, label
from cyberins.model.ids import Lang
from cyberins.model.loading import load_model
from cyberins.model.money import format_money
from cyberins.model.policy import Policy, RetentionBasis
from cyberins.model.scenario import LossScenario
from cyberins.terms import ScenarioSettlement, Step, settle_scenario

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
def show(file: Path = FileArg, lang: Lang = typer.Option("zh", help="Language of the headings: zh or en.")) -> None:
    """A readable bilingual summary of a policy."""
    p = load_model(Policy, file)
    zh = lang == "zh"
    head = Table.grid(padding=(0, 2))
    head.add_row("保单号 Policy" if zh else "Policy", p.policy_number or "—")
    if p.insured:
        head.add_row("被保险人 Insured", p.insured.name_zh or p.insured.name if zh else p.insured.name)
    head.add_row("期间 Period", f"{p.period.start} – {p.period.end} ({p.zone.key})")
    head.add_row("形式 Form", bilingual(p.form))
    trigger = bilingual(p.trigger.kind) + (
        f", retro {p.trigger.retroactive_date}" if p.trigger.retroactive_date else ""
    )
    if p.trigger.reporting_deadline:
        rd = p.trigger.reporting_deadline
        trigger += f", notice within {rd.days} days of {rd.after}"
    head.add_row("触发 Trigger", trigger)
    head.add_row("司法辖区 Jurisdiction", bilingual(p.jurisdiction))
    head.add_row("累计限额 Aggregate", f"{format_money(p.aggregate_limit, p.currency, lang)} {p.currency}")
    head.add_row("抗辩费用 Defence costs", "erode the limits" if p.claims_expenses_erode_limit else "in addition")
    per_incident = p.retention_basis is RetentionBasis.PER_INCIDENT
    head.add_row(
        "免赔额 Retentions",
        "每次事故一项（取最高）one per incident, the highest" if per_incident else "每项保障各一项 one per coverage",
    )
    console.print(head)

    table = Table(title="保障 Coverages" if zh else "Coverages")
    for col in ("coverage", "sublimit", "each claim", "retention", "coins.", "waiting", "indemnity", "event types"):
        table.add_column(col, justify="left" if col == "coverage" else "right")
    for cov, t in p.coverages.items():
        waiting = f"{t.waiting_period_hours}h {t.waiting_period_mode.value}" if t.waiting_period_hours else "—"
        table.add_row(
            bilingual(cov),
            format_money(t.sublimit, p.currency, lang),
            format_money(t.each_claim_limit, p.currency, lang),
            format_money(t.retention, p.currency, lang),
            f"{t.coinsurance:.0%}",
            waiting,
            f"{t.indemnity_period_days}d" if t.indemnity_period_days else "—",
            "all" if t.event_types is None else ", ".join(label(e, lang) for e in t.event_types),
        )
    console.print(table)
    if p.exclusions:
        console.print("除外 Exclusions: " + "; ".join(bilingual(e) for e in p.exclusions))
    conditions = [name for name, value in p.conditions if value]
    if conditions:
        console.print("条件 Conditions: " + "; ".join(bilingual(c) for c in conditions))


@app.command()
def apply(
    policy_file: Path = FileArg,
    scenario_file: Path = typer.Argument(..., help="Ground-up loss scenario (YAML or JSON)."),
    prior_paid: str | None = typer.Option(None, "--prior-paid", help='Already paid this year: {"coverage": "amount"}'),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    lang: Lang = typer.Option("zh", help="Language of the labels: zh or en."),
) -> None:
    """What the policy pays for one ground-up loss, step by step (rule 1)."""
    policy = load_model(Policy, policy_file)
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
    zh = lang == "zh"
    money = partial(format_money, currency=result.currency, lang=lang)
    table = Table(title=f"{'赔付计算' if zh else 'Settlement'} ({result.currency})")
    table.add_column("保障" if zh else "coverage")
    table.add_column("损失" if zh else "ground up", justify="right")
    table.add_column("扣减" if zh else "terms applied")
    table.add_column("赔付" if zh else "payable", justify="right")
    steps = list(Step)
    for line in result.lines:
        cuts = [
            f"{step.value.replace('_', ' ')} −{money(line.steps[prev] - line.steps[step])}"
            for prev, step in zip(steps, steps[1:], strict=False)
            if line.steps[prev] != line.steps[step]
        ]
        if line.payable != line.steps[Step.AGGREGATE]:  # rounded in the policy's order with the other lines
            cuts.append(f"rounding −{money(line.steps[Step.AGGREGATE] - line.payable)}")
        table.add_row(
            label(line.coverage, lang),
            money(line.ground_up),
            "\n".join(cuts) or "—",
            money(line.payable),
        )
    console.print(table)
    console.print(f"{'赔付合计' if zh else 'Total payable'}: {money(result.total_payable)} {result.currency}")
    for cov in result.not_purchased:
        console.print(f"not purchased, pays nothing: {label(cov, lang)}")
    for cov in result.money_only_time_element:
        console.print(f"{label(cov, lang)}: loss given as money only, waiting/indemnity periods not applied")

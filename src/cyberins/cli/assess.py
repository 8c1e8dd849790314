"""`cyberins explain PROFILE`: why the risk model of an organisation is what it is.

Prints the eligibility baseline's decision with its reasons, expected events and losses per event type,
and every factor (control, exposure signal, size, industry...) with its multipliers and its effect on the
expected annual loss. An explicit model (`kind: explicit`) has no factors; its event types still print.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from cyberins.cli.options import lang_option
from cyberins.cli.render import console, label
from cyberins.model.ids import Lang
from cyberins.model.loading import read_document
from cyberins.model.messages import text as say
from cyberins.model.money import format_money, money_text


def explain(
    profile: Path = typer.Argument(..., dir_okay=False, help="Organisation profile or explicit model (YAML/JSON)."),
    lang: Lang = lang_option("Language of the labels: zh or en."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """List each factor of the risk model and its effect on frequency and expected annual loss."""
    # the risk model (SciPy) is imported when the command runs, so `explain --help` does not pay for it
    from cyberins.assess import check_eligibility, factor_label, outcome_label, summary
    from cyberins.assess import explain as explain_rows
    from cyberins.assess.explain import cite_sources
    from cyberins.assess.loader import load_profile, load_risk_model
    from cyberins.assess.uninsured import uninsured

    data = read_document(profile)
    is_profile = not (isinstance(data, dict) and data.get("kind") == "explicit")
    model = load_risk_model(profile)
    org = load_profile(profile) if is_profile else None
    eligibility = check_eligibility(org) if org is not None else None
    outside = uninsured(org, model) if org is not None else None
    rows = explain_rows(model)
    if as_json:
        out: dict[str, object] = {
            "name": model.name,
            "currency": model.currency,
            "expected_annual_loss": money_text(model.expected_loss(), model.currency),
            "event_types": [s.to_json(model.currency) for s in summary(model)],
            "factors": [r.to_json(model.currency) for r in rows],
        }
        if eligibility is not None:
            out["eligibility"] = eligibility.to_json()
        if outside is not None:
            out["uninsured"] = {
                "fines": money_text(outside.fines, model.currency),
                "ransom": money_text(outside.ransom, model.currency),
            }
        console.print_json(json.dumps(out, ensure_ascii=False))
        return
    zh = lang == "zh"

    def show(amount: float) -> str:
        return format_money(amount, model.currency, lang)

    name = org.name_zh if zh and org is not None and org.name_zh else model.name
    console.rule(say("cli.common.with_unit", lang, name=name, unit=model.currency))
    if eligibility is not None:
        colon = say("cli.common.colon", lang)
        console.print(
            f"{say('cli.assess.eligibility', lang)}{colon}[bold]{outcome_label(eligibility.outcome, lang)}[/]"
        )
        for reason in eligibility.reasons:
            text = reason.zh if zh else reason.en
            console.print(f"  - {outcome_label(reason.outcome, lang)}{colon}{text}", markup=False)
    events = Table(title=say("cli.assess.event_types", lang))
    heads = tuple(
        say(f"cli.assess.events_heads.{k}", lang) for k in ("event_type", "per_year", "mean_loss", "expected_loss")
    )
    for n, col in enumerate(heads):
        events.add_column(col, justify="left" if n == 0 else "right")
    for s in summary(model):
        events.add_row(
            label(s.event_type, lang),
            f"{s.frequency:.4f}",
            show(s.severity),
            show(s.expected_loss),
        )
    events.add_row(f"[bold]{say('cli.assess.total', lang)}[/]", "", "", f"[bold]{show(model.expected_loss())}[/]")
    console.print(events)
    factors = Table(title=say("cli.assess.factors", lang))
    factor_heads = tuple(
        say(f"cli.assess.factors_heads.{k}", lang)
        for k in ("factor", "event_type", "frequency", "severity", "effect", "source")
    )
    for n, col in enumerate(factor_heads):
        factors.add_column(col, justify="right" if 2 <= n <= 4 else "left", overflow="fold")
    cited, references = cite_sources([r.source for r in rows])
    for r, refs in zip(rows, cited, strict=True):
        source = "".join(f"[{n}]" for n in refs) or (say("cli.assess.assumption", lang))
        factors.add_row(
            factor_label(r.factor, lang), label(r.event_type, lang),
            f"{r.frequency:.3f}", f"{r.severity:.3f}", show(r.effect), source, end_section=False,
        )  # fmt: skip
    console.print(factors)
    console.print(say("cli.assess.sources", lang))
    for n, text in references:
        console.print(f"  [{n}] {text}", markup=False, highlight=False)
    if outside is not None:
        head = say("cli.assess.expected_annual_losses_outside_every", lang)
        console.print(
            say("cli.assess.outside", lang, head=head, fines=show(outside.fines), ransom=show(outside.ransom))
        )

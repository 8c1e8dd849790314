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

from cyberins.assess import ExplainRow, check_eligibility, factor_label, summary
from cyberins.assess import explain as explain_rows
from cyberins.assess.loader import load_profile, load_risk_model
from cyberins.assess.uninsured import uninsured
from cyberins.cli.render import console, label
from cyberins.model.ids import Lang
from cyberins.model.loading import read_document
from cyberins.model.money import format_money


def explain(
    profile: Path = typer.Argument(..., dir_okay=False, help="Organisation profile or explicit model (YAML/JSON)."),
    lang: Lang = typer.Option("zh", help="Language of the labels: zh or en."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """List each factor of the risk model and its effect on frequency and expected annual loss."""
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
            "expected_annual_loss": model.expected_loss(),
            "event_types": [
                {"event_type": s.event_type.value, "frequency": s.frequency, "severity": s.severity,
                 "expected_loss": s.expected_loss}
                for s in summary(model)
            ],
            "factors": [_row_json(r) for r in rows],
        }  # fmt: skip
        if eligibility is not None:
            out["eligibility"] = {
                "outcome": eligibility.outcome.value,
                "reasons": [
                    {"rule": r.rule_id, "outcome": r.outcome.value, "zh": r.zh, "en": r.en} for r in eligibility.reasons
                ],
            }
        if outside is not None:
            out["uninsured"] = {"fines": outside.fines, "ransom": outside.ransom}
        console.print_json(json.dumps(out, ensure_ascii=False))
        return
    zh = lang == "zh"
    console.rule(f"{model.name} ({model.currency})")
    if eligibility is not None:
        console.print(f"{'准入结论' if zh else 'Eligibility'}: [bold]{eligibility.outcome.value}[/]")
        for reason in eligibility.reasons:
            text = reason.zh if zh else reason.en
            console.print(f"  - [{reason.rule_id}] {reason.outcome.value}: {text}", markup=False)
    events = Table(title="事件类型 Event types" if zh else "Event types")
    for col in ("event type", "events / year", "mean loss / event", "expected annual loss"):
        events.add_column(col, justify="left" if col == "event type" else "right")
    for s in summary(model):
        events.add_row(
            label(s.event_type, lang),
            f"{s.frequency:.4f}",
            format_money(s.severity, model.currency, lang),
            format_money(s.expected_loss, model.currency, lang),
        )
    events.add_row("[bold]total[/]", "", "", f"[bold]{format_money(model.expected_loss(), model.currency, lang)}[/]")
    console.print(events)
    factors = Table(title="因子 Factors" if zh else "Factors")
    for col in ("factor", "event type", "frequency ×", "severity ×", "effect on expected loss", "source"):
        factors.add_column(col, justify="right" if "×" in col or "effect" in col else "left")
    for r in rows:
        factors.add_row(
            factor_label(r.factor, lang), label(r.event_type, lang),
            f"{r.frequency:.3f}", f"{r.severity:.3f}", format_money(r.effect, model.currency, lang), r.source,
        )  # fmt: skip
    console.print(factors)
    if outside is not None:
        head = "不在任何保障内的预期年损失" if zh else "Expected annual losses outside every coverage"
        console.print(
            f"{head}: {'行政罚款' if zh else 'fines'} {format_money(outside.fines, model.currency, lang)}; "
            f"{'不可赔付的赎金' if zh else 'uninsurable ransom'} {format_money(outside.ransom, model.currency, lang)}"
        )


def _row_json(r: ExplainRow) -> dict[str, object]:
    return {
        "factor": r.factor,
        "label": {"zh": factor_label(r.factor, "zh"), "en": factor_label(r.factor, "en")},
        "event_type": r.event_type.value,
        "frequency": r.frequency,
        "severity": r.severity,
        "effect": r.effect,
        "source": r.source,
        "reason": r.reason,
    }

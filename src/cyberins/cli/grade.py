"""`cyberins grade PROFILE... [--years N] [--seed S] [--json]` (contracts/standards.md (g)).

Each profile is assessed and simulated exactly as `cyberins simulate PROFILE --years N --seed S` does (the same
`assess` and `simulate` calls, the same defaults), so `expected_loss` is that command's `gross.aal`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cyberins.cli.options import DEFAULT_YEARS, SEED_MAX, lang_option
from cyberins.model.ids import Lang
from cyberins.model.messages import text as say
from cyberins.quant.sizes import YEARS_LIMIT

if TYPE_CHECKING:
    from cyberins.assess.grade import GradeScale


def grade_command(
    profiles: list[Path] = typer.Argument(..., dir_okay=False, help="Organisation profiles (YAML/JSON)."),
    years: int = typer.Option(DEFAULT_YEARS, "--years", min=1, max=YEARS_LIMIT, help="Simulated years."),
    seed: int | None = typer.Option(None, "--seed", min=0, max=SEED_MAX, help="Random seed (default: settings.seed)."),
    scale_file: Path | None = typer.Option(
        None, "--scale", dir_okay=False, help="Grade thresholds replacing the packaged ones (docs/grading.md)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the contract JSON list."),
    lang: Lang = lang_option("zh or en."),
) -> None:
    """Risk grade 1 (best) to 5 from expected loss and tail relative to revenue, and the eligibility findings."""
    from cyberins.assess import load_profile
    from cyberins.assess.grade import load_grade_scale
    from cyberins.model.money import money_text
    from cyberins.underwriting import assess_risk

    if seed is None:
        from cyberins.settings import get_settings

        seed = get_settings().seed
    scale = load_grade_scale(scale_file)
    loaded = [(path, load_profile(path)) for path in profiles]  # every file checked before any simulation
    docs: list[dict[str, Any]] = []
    for path, profile in loaded:
        grade = assess_risk(profile, seed=seed, years=years).grade(scale)
        docs.append(
            {
                "profile": str(path),
                "name": profile.name,
                "grade": grade.grade,
                "expected_loss": grade.expected_loss,
                "currency": profile.currency,
                "annual_revenue": money_text(profile.annual_revenue, profile.currency),
                "expected_loss_ratio": grade.expected_loss_ratio,
                "tail_ratio": grade.tail_ratio,
                "eligibility": grade.eligibility.value,
                "reasons": list(grade.reasons),
            }
        )
    if as_json:
        print(json.dumps(docs, ensure_ascii=False))
        return
    names_zh = [profile.name_zh or profile.name for _, profile in loaded]
    _print_grades(docs, names_zh, scale, lang)


def _print_grades(docs: list[dict[str, Any]], names_zh: list[str], scale: GradeScale, lang: Lang) -> None:
    """One block per profile (names are long, so a table would not fit 80 columns): figures, then reasons."""
    from rich.table import Table

    from cyberins.assess import outcome_label
    from cyberins.assess.eligibility import Outcome
    from cyberins.cli.render import console

    zh = lang == "zh"
    heads = [say(f"grade.cli.{k}", lang) for k in ("grade", "expected_loss_ratio", "tail_ratio", "eligibility")]
    console.print(f"[bold]{say('grade.cli.title', lang)}[/]")
    for d, name_zh in zip(docs, names_zh, strict=True):
        values = [
            f"{d['grade']} {scale.label(d['grade'], lang)}",
            f"{d['expected_loss_ratio'] * 100:.4f}%",
            f"{d['tail_ratio'] * 100:.2f}%",
            outcome_label(Outcome(d["eligibility"]), lang),
        ]
        block = Table.grid(padding=(0, 2))
        block.add_column(style="dim", no_wrap=True)
        block.add_column(overflow="fold")
        for head, value in zip(heads, values, strict=True):
            block.add_row("  " + head, value)
        console.print()
        console.print(name_zh if zh else d["name"], markup=False, style="bold")
        console.print(block)
        reasons = Table.grid(padding=(0, 1))
        reasons.add_column(no_wrap=True)
        reasons.add_column(overflow="fold")
        for reason in d["reasons"]:
            reasons.add_row("  -", reason["text_zh"] if zh else reason["text_en"])
        console.print(reasons)

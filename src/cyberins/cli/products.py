"""`cyberins product price PRODUCT --years N --seed S [--json]` (issue 12 contract).

Thin: load the product file, price it, print the contract JSON document or a table in the reader's language.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.options import SEED_MAX, lang_option
from cyberins.cli.render import console, label, print_fitted
from cyberins.model.errors import Said
from cyberins.model.ids import Lang, PolicyForm
from cyberins.model.messages import text as say
from cyberins.model.money import format_money
from cyberins.quant.sizes import YEARS_LIMIT
from cyberins.settings import get_settings

app = typer.Typer(
    cls=CyberinsGroup,
    help="Products: service bundles, product warranties and group schemes (产品).",
    no_args_is_help=True,
)

#: Top-level figures shown under the lines and the extra line columns, by document key, in the order shown
#: (their labels: `cli.products.figures.*`, `cli.products.line_columns.*`).
FIGURES = ("expected_gross_loss", "expected_insured_loss", "technical_premium", "services_cost", "bundle_price",
           "premium_saving", "retained_loss_drop", "net_benefit", "pays_for_itself", "customers", "licences",
           "rate_per_customer", "rate_per_licence", "members", "exhaustion_probability")  # fmt: skip
LINE_COLUMNS = ("expected_retained_loss", "services_cost", "total_cost_of_risk", "customers", "licences",
                "rate_per_licence", "expected_insured_loss_before_scheme_aggregate",
                "certificate_aggregate_limit")  # fmt: skip


@app.command("price")
def price(
    product_file: Path = typer.Argument(..., dir_okay=False, help="Product file (YAML or JSON)."),
    years: int = typer.Option(20_000, "--years", min=1, max=YEARS_LIMIT, help="Simulated policy years."),
    seed: int | None = typer.Option(None, "--seed", min=0, max=SEED_MAX, help="Random seed (default: settings.seed)."),
    as_json: bool = typer.Option(False, "--json", help="Print the contract JSON document."),
    basis_file: Path | None = typer.Option(None, "--basis", help="Pricing basis overrides (YAML/JSON)."),
    lang: Lang = lang_option(),
) -> None:
    """Price a product: expected insured loss and technical premium, in total and by line."""
    from cyberins.pricing import load_basis  # pricing and the products (SciPy) load when a product is priced
    from cyberins.products import load_product, price_product, product_document
    from cyberins.underwriting.job import stage_progress

    product = load_product(product_file)
    basis = load_basis(basis_file)
    seed = get_settings().seed if seed is None else seed
    result = price_product(product, years, seed, basis, progress=stage_progress("product", 0))
    doc = product_document(result)
    if as_json:
        print(json.dumps(doc))
        return
    print_document(doc, lang, result.notes)


def _cell(value: Any, currency: str, lang: Lang) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return say("cli.common.answer_yes" if value else "cli.common.answer_no", lang)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return format_money(value, currency, lang)
    if isinstance(value, str):
        try:
            return format_money(Decimal(value), currency, lang)
        except ArithmeticError:
            return value
    return str(value)


def print_document(doc: dict[str, Any], lang: Lang, notes: tuple[Said, ...] = ()) -> None:
    """The lines, then the product's figures, in the reader's language; figures are never cut."""
    zh, currency = lang == "zh", doc["currency"]
    title = (doc.get("name_zh") if zh else doc.get("name")) or doc.get("name") or doc["product"]
    console.print(f"[bold]{title}[/]")
    form = label(PolicyForm(doc["form"]), lang)
    console.print(
        say("cli.products.run_line", lang, form=form, currency=currency, years=doc["years"], seed=doc["seed"])
    )
    extra = [k for k in LINE_COLUMNS if any(k in line for line in doc["lines"])]
    heads = [say(f"cli.products.line_heads.{k}", lang) for k in ("line", "gross_loss", "insured_loss", "premium")]
    rows = [
        [
            str((line.get("name_zh") if zh else line.get("name")) or line["id"]),
            _cell(line["expected_gross_loss"], currency, lang),
            _cell(line["expected_insured_loss"], currency, lang),
            _cell(line["technical_premium"], currency, lang),
            *(_cell(line.get(k), currency, lang) for k in extra),
        ]
        for line in doc["lines"]
    ]
    print_fitted(
        say("cli.products.lines", lang), heads + [say(f"cli.products.line_columns.{k}", lang) for k in extra], rows
    )
    figures = Table(title=say("cli.products.totals", lang), show_header=False)
    figures.add_column("figure")
    figures.add_column("value", justify="right", no_wrap=True)
    for key in FIGURES:
        if key in doc:
            value = doc[key]
            shown = f"{value:.2%}" if key == "exhaustion_probability" else _cell(value, currency, lang)
            figures.add_row(say(f"cli.products.figures.{key}", lang), shown)
    tail = doc.get("insured", {})
    if "expected_insured_loss_se" in doc:
        figures.add_row(
            say("cli.products.s_e_of_the_insured", lang),
            _cell(doc["expected_insured_loss_se"], currency, lang),
        )
    for level in ("0.99", "0.995"):
        if level in tail.get("var", {}):
            pct = f"{float(level) * 100:g}%"
            figures.add_row(say("cli.products.insured_var", lang, pct=pct), _cell(tail["var"][level], currency, lang))
            figures.add_row(say("cli.products.insured_tvar", lang, pct=pct), _cell(tail["tvar"][level], currency, lang))
    if "scheme" in doc:
        figures.add_row(
            say("cli.products.scheme_aggregate_limit", lang), _cell(doc["scheme"]["aggregate_limit"], currency, lang)
        )
    console.print(figures)
    for note in notes:
        console.print(
            f"{say('cli.products.note', lang)}{say('cli.common.colon', lang)}{note.in_lang(lang)}", markup=False
        )

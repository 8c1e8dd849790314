"""`cyberins reserve triangle TRANSACTIONS.csv …` and `cyberins reserve credibility …` (issue 5 §4).

Thin: read the files, call `cyberins.claims` (`claims_triangle`, `reserving_report`, `poisson_gamma`), render.
Invalid input exits 2 naming the field or column (`cli.errors.CyberinsGroup`), alone and under `cyberins`.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer
from rich.table import Table

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.options import iso_date, lang_option
from cyberins.cli.render import console, print_in_groups
from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.ids import Lang
from cyberins.model.loading import read_csv_rows
from cyberins.model.messages import text as say
from cyberins.model.money import check_amount, format_money

if TYPE_CHECKING:
    from cyberins.reserving import CredibilityEstimate, ReservingReport

app = typer.Typer(
    cls=CyberinsGroup,
    help="Reserves: claims triangles, chain-ladder and Bornhuetter-Ferguson IBNR, credibility.",
    no_args_is_help=True,
)


@app.callback()
def reserve() -> None:
    """Reserves: claims triangles, chain-ladder / BF IBNR with Mack diagnostics, credibility (docs/reserves.md)."""


def read_premium(path: Path) -> dict[str, Decimal]:
    """A CSV of `origin,premium` rows (origin labels as the triangle prints them: `2025Q3` or `2025`)."""
    rows = read_csv_rows(path, ("origin", "premium"), "--premium")
    out, problems = {}, []
    for i, row in enumerate(rows):
        text = (row.get("premium") or "").strip()
        try:
            amount = check_amount(Decimal(text))
            if amount < 0:
                raise ValueError
        except (ValueError, InvalidOperation):
            expected = Said("input.reserving.expected.case_reserve")  # a non-negative amount
            said = Said("input.reserving.cell", {"line": i + 2, "text": repr(text), "expected": expected})
            problems.append(Problem.of("premium", said))
            continue
        out[(row.get("origin") or "").strip()] = amount
    if problems:
        raise InvalidInput(problems, str(path))
    return out


@app.command()
def triangle(
    transactions: Path = typer.Argument(..., dir_okay=False, help="Claim transactions CSV (docs/reserves.md)."),
    basis: Literal["paid", "incurred"] = typer.Option("paid", help="Paid, or incurred (paid + case reserve)."),
    grain: Literal["quarter", "year"] = typer.Option("quarter", help="Origin and development period."),
    origin: Literal["accident", "report"] = typer.Option("accident", help="Origin by accident or report date."),
    as_of: str | None = typer.Option(None, "--as-of", help="Valuation date (ISO); default: the last transaction."),
    method: Literal["chainladder", "bf"] = typer.Option("chainladder", help="Chain-ladder or Bornhuetter-Ferguson."),
    apriori_loss_ratio: float | None = typer.Option(None, "--apriori-loss-ratio", help="BF a-priori loss ratio."),
    premium: Path | None = typer.Option(None, "--premium", dir_okay=False, help="BF: CSV of origin,premium."),
    currency: str | None = typer.Option(None, help="Currency, when the CSV has no currency column (default CNY)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    lang: Lang = lang_option(),
) -> None:
    """Triangle, development factors, ultimate, IBNR and Mack standard errors of a book of claims."""
    valuation = iso_date("--as-of", as_of)
    if method == "bf":
        problems = [
            Problem.of(name, Said("input.reserving.required_with", {"option": "--method bf"}))
            for name, v in (("--apriori-loss-ratio", apriori_loss_ratio), ("--premium", premium))
            if v is None
        ]
        if problems:
            raise InvalidInput(problems)
    from cyberins.reserving import claims_triangle, read_transactions, reserving_report  # NumPy, on use

    book = read_transactions(transactions, currency)
    tri = claims_triangle(book, basis, grain, origin, valuation)
    report = reserving_report(
        tri,
        book.currency,
        method,
        premium=read_premium(premium) if premium is not None else None,
        apriori_loss_ratio=apriori_loss_ratio,
    )
    if as_json:
        print(json.dumps({"basis": basis, "grain": grain, "origin": origin, **report.to_json()}))
        return
    print_report(report, basis, grain, origin, lang)


def print_report(report: ReservingReport, basis: str, grain: str, origin: str, lang: Lang) -> None:
    cur = report.currency
    money = partial(format_money, currency=cur, lang=lang)
    quarters = any(o.endswith(("Q1", "Q2", "Q3", "Q4")) for o in report.triangle)
    unit = say("cli.reserves.unit_quarter" if quarters else "cli.reserves.unit_year", lang)
    step = report.ages_months[0] if report.ages_months else 12

    def age(n: int) -> str:
        return say("cli.reserves.age", lang, n=n, unit=unit)

    def word(key: str) -> str:
        return say(f"cli.reserves.words.{key}", lang)

    title = say("cli.reserves.triangle_title", lang, basis=word(basis), origin=word(origin), grain=word(grain),
                currency=cur, valuation=report.valuation)  # fmt: skip
    heads = [say("cli.reserves.origin", lang), *(age(a // step) for a in report.ages_months)]
    rows = [[o, *("" if v is None else money(v) for v in values)] for o, values in report.triangle.items()]
    print_in_groups(title, heads, rows)

    factors = Table(title=say("cli.reserves.factors_title", lang))
    for n, key in enumerate(("development", "age_to_age", "sigma", "se")):
        factors.add_column(say(f"cli.reserves.factors_heads.{key}", lang), justify="left" if n == 0 else "right")
    for i, f in enumerate(report.age_to_age):
        sigma, se = report.sigma[i], report.factor_std_err[i]
        factors.add_row(
            f"{age(i + 1)}→{age(i + 2)}",
            f"{f:.4f}",
            "—" if sigma is None else f"{sigma:.4g}",
            "—" if se is None else f"{se:.4g}",
        )
    console.print(factors)

    bf = report.method == "bf"
    method = say("cli.reserves.bornhuetter_ferguson" if bf else "cli.reserves.chain_ladder", lang)
    result_title = say("cli.reserves.result_title", lang, method=method, currency=cur)
    keys = ["origin", "latest", "to_ultimate", "ultimate", "ibnr", "mack_se"]
    if bf:
        keys[2:2] = ["a_priori"]
    cols = [say(f"cli.reserves.result_heads.{k}", lang) for k in keys]
    rows = []
    for o in report.origins:
        cells = [o.origin, money(o.latest), f"{o.age_to_ultimate:.4f}", money(o.ultimate), money(o.ibnr),
                 money(o.mack_se)]  # fmt: skip
        if bf:
            cells[2:2] = [money(o.expected_loss)]
        rows.append(cells)
    total = [say("cli.reserves.total", lang), money(report.total("latest")), "", money(report.total("ultimate")),
             money(report.total("ibnr")), money(report.total_mack_se)]  # fmt: skip
    if bf:
        total[2:2] = [""]
    rows.append(total)
    print_in_groups(result_title, cols, rows)


@app.command()
def credibility(
    observed: float = typer.Option(..., "--observed", help="N: claims observed."),
    exposure: float = typer.Option(..., "--exposure", help="E: exposure-years they were observed in."),
    prior_frequency: float = typer.Option(..., "--prior-frequency", help="λ₀: the model's claims per exposure-year."),
    prior_weight: float = typer.Option(..., "--prior-weight", help="β: the prior's weight in exposure-years."),
    as_json: bool = typer.Option(False, "--json", help="Print the estimate as JSON."),
    lang: Lang = lang_option(),
) -> None:
    """Poisson–gamma credibility: posterior frequency = Z · N/E + (1 − Z) · λ₀, Z = E / (E + β)."""
    from cyberins.reserving import poisson_gamma

    estimate = poisson_gamma(observed, exposure, prior_frequency, prior_weight)
    if as_json:
        print(json.dumps(estimate.to_json()))
        return
    print_estimate(estimate, lang)


def print_estimate(e: CredibilityEstimate, lang: Lang) -> None:
    table = Table(title=say("cli.reserves.credibility_poisson_gamma", lang))
    table.add_column(say("cli.reserves.quantity", lang))
    table.add_column(say("cli.reserves.value", lang), justify="right")
    observed = e.observed_frequency
    for key, value in (
        ("observed", f"{e.observed_claims:g}"),
        ("exposure", f"{e.exposure_years:g}"),
        ("observed_frequency", "—" if observed is None else f"{observed:.6g}"),
        ("prior_frequency", f"{e.prior_frequency:.6g}"),
        ("prior_weight", f"{e.k:g}"),
        ("credibility", f"{e.credibility:.4f}"),
        ("posterior", f"{e.posterior_frequency:.6g}"),
        ("multiplier", f"× {e.multiplier:.4f}"),
    ):
        table.add_row(say(f"cli.reserves.credibility_rows.{key}", lang), value)
    console.print(table)

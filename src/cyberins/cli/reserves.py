"""`cyberins reserve triangle TRANSACTIONS.csv …` and `cyberins reserve credibility …` (issue 5 §4).

Thin: read the files, call `cyberins.claims` (`claims_triangle`, `reserving_report`, `poisson_gamma`), render.
Invalid input exits 2 naming the field or column (`cli.errors.CyberinsGroup`), alone and under `cyberins`.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

import typer
from rich.table import Table

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.render import console
from cyberins.model.errors import InvalidInput, Problem
from cyberins.model.loading import read_csv_rows
from cyberins.model.money import check_amount, format_money
from cyberins.reserving import (
    CredibilityEstimate,
    ReservingReport,
    claims_triangle,
    poisson_gamma,
    read_transactions,
    reserving_report,
)

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
            problems.append(Problem("premium", f"row {i + 2}: {text!r} is not a non-negative amount"))
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
) -> None:
    """Triangle, development factors, ultimate, IBNR and Mack standard errors of a book of claims."""
    valuation = _date("--as-of", as_of)
    if method == "bf":
        problems = [
            Problem(name, "required with --method bf")
            for name, v in (("--apriori-loss-ratio", apriori_loss_ratio), ("--premium", premium))
            if v is None
        ]
        if problems:
            raise InvalidInput(problems)
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
    print_report(report, f"{basis}, {origin} {grain} × development {grain}")


def _date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.one(option, f"{text!r} is not an ISO date (e.g. 2025-12-31)") from None


def print_report(report: ReservingReport, title: str) -> None:
    unit = "Q" if any(o.endswith(("Q1", "Q2", "Q3", "Q4")) for o in report.triangle) else "Y"
    step = report.ages_months[0] if report.ages_months else 12
    tri = Table(title=f"Cumulative triangle ({title}; {report.currency}, valued {report.valuation})")
    tri.add_column("origin")
    for age in report.ages_months:
        tri.add_column(f"{unit}{age // step}", justify="right")
    for origin, values in report.triangle.items():
        tri.add_row(origin, *("" if v is None else format_money(v, report.currency) for v in values))
    console.print(tri)

    factors = Table(title="Development factors (volume-weighted), σ and s.e. (Mack 1993)")
    for col in ("development", "age-to-age", "σ", "s.e."):
        factors.add_column(col, justify="left" if col == "development" else "right")
    for i, f in enumerate(report.age_to_age):
        sigma, se = report.sigma[i], report.factor_std_err[i]
        factors.add_row(
            f"{unit}{i + 1}→{unit}{i + 2}",
            f"{f:.4f}",
            "—" if sigma is None else f"{sigma:.4g}",
            "—" if se is None else f"{se:.4g}",
        )
    console.print(factors)

    name = "Bornhuetter-Ferguson" if report.method == "bf" else "Chain-ladder"
    result = Table(title=f"{name} ultimate and IBNR ({report.currency})")
    cols = ["origin", "latest", "to ultimate", "ultimate", "IBNR", "Mack s.e. (CL)"]
    if report.method == "bf":
        cols[2:2] = ["a-priori"]
    for col in cols:
        result.add_column(col, justify="left" if col == "origin" else "right")
    for o in report.origins:
        cells = [
            o.origin,
            format_money(o.latest, report.currency),
            f"{o.age_to_ultimate:.4f}",
            format_money(o.ultimate, report.currency),
            format_money(o.ibnr, report.currency),
            format_money(o.mack_se, report.currency),
        ]
        if report.method == "bf":
            cells[2:2] = [format_money(o.expected_loss, report.currency)]
        result.add_row(*cells)
    total = [
        "[bold]total[/]",
        format_money(report.total("latest"), report.currency),
        "",
        format_money(report.total("ultimate"), report.currency),
    ]
    total += [
        f"[bold]{format_money(report.total('ibnr'), report.currency)}[/]",
        format_money(report.total_mack_se, report.currency),
    ]
    if report.method == "bf":
        total[2:2] = [""]
    result.add_row(*total)
    console.print(result)


@app.command()
def credibility(
    observed: float = typer.Option(..., "--observed", help="N: claims observed."),
    exposure: float = typer.Option(..., "--exposure", help="E: exposure-years they were observed in."),
    prior_frequency: float = typer.Option(..., "--prior-frequency", help="λ₀: the model's claims per exposure-year."),
    prior_weight: float = typer.Option(..., "--prior-weight", help="β: the prior's weight in exposure-years."),
    as_json: bool = typer.Option(False, "--json", help="Print the estimate as JSON."),
) -> None:
    """Poisson–gamma credibility: posterior frequency = Z · N/E + (1 − Z) · λ₀, Z = E / (E + β)."""
    estimate = poisson_gamma(observed, exposure, prior_frequency, prior_weight)
    if as_json:
        print(json.dumps(estimate.to_json()))
        return
    print_estimate(estimate)


def print_estimate(e: CredibilityEstimate) -> None:
    table = Table(title="Credibility (Poisson–gamma)")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    observed = e.observed_frequency
    for name, value in (
        ("claims observed N", f"{e.observed_claims:g}"),
        ("exposure-years E", f"{e.exposure_years:g}"),
        ("observed frequency N/E", "—" if observed is None else f"{observed:.6g}"),
        ("prior frequency λ₀", f"{e.prior_frequency:.6g}"),
        ("prior weight β (= k)", f"{e.k:g}"),
        ("credibility Z = E/(E+β)", f"{e.credibility:.4f}"),
        ("posterior frequency", f"{e.posterior_frequency:.6g}"),
        ("experience factor", f"× {e.multiplier:.4f}"),
    ):
        table.add_row(name, value)
    console.print(table)

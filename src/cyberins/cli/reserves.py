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
from cyberins.model.errors import InvalidInput, Problem
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
    lang: Lang = lang_option(),
) -> None:
    """Triangle, development factors, ultimate, IBNR and Mack standard errors of a book of claims."""
    valuation = iso_date("--as-of", as_of)
    if method == "bf":
        problems = [
            Problem(name, "required with --method bf")
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
    zh, cur = lang == "zh", report.currency
    money = partial(format_money, currency=cur, lang=lang)
    quarters = any(o.endswith(("Q1", "Q2", "Q3", "Q4")) for o in report.triangle)
    unit = ("季度" if quarters else "年") if zh else ("Q" if quarters else "Y")
    step = report.ages_months[0] if report.ages_months else 12

    def age(n: int) -> str:
        return f"第{n}{unit}" if zh else f"{unit}{n}"

    if zh:
        words = {
            "paid": "已付",
            "incurred": "已发生",
            "accident": "事故",
            "report": "报案",
            "quarter": "季度",
            "year": "年",
        }
        title = (
            f"累计赔款三角形（{words[basis]}；{words[origin]}{words[grain]} × 进展{words[grain]}；"
            f"{cur}，评估日 {report.valuation}）"
        )
    else:
        title = (
            f"Cumulative triangle ({basis}, {origin} {grain} × development {grain}; {cur}, valued {report.valuation})"
        )
    heads = [say("cli.reserves.origin", lang), *(age(a // step) for a in report.ages_months)]
    rows = [[o, *("" if v is None else money(v) for v in values)] for o, values in report.triangle.items()]
    print_in_groups(title, heads, rows)

    factors = Table(
        title="进展因子（加权平均）、σ 与标准误（Mack 1993）"
        if zh
        else "Development factors (volume-weighted), σ and s.e. (Mack 1993)"
    )
    for n, col in enumerate(("进展", "进展因子", "σ", "标准误") if zh else ("development", "age-to-age", "σ", "s.e.")):
        factors.add_column(col, justify="left" if n == 0 else "right")
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
    if zh:
        name = "BF 法（Bornhuetter-Ferguson）" if bf else "链梯法"
        result_title = f"{name}最终赔款与 IBNR（{cur}）"
        cols = ["起始期", "最新累计", "至最终因子", "最终赔款", "IBNR", "Mack 标准误（链梯法）"]
        if bf:
            cols[2:2] = ["先验赔款"]
    else:
        name = "Bornhuetter-Ferguson" if bf else "Chain-ladder"
        result_title = f"{name} ultimate and IBNR ({cur})"
        cols = ["origin", "latest", "to ultimate", "ultimate", "IBNR", "Mack s.e. (CL)"]
        if bf:
            cols[2:2] = ["a-priori"]
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
    zh = lang == "zh"
    table = Table(title=say("cli.reserves.credibility_poisson_gamma", lang))
    table.add_column(say("cli.reserves.quantity", lang))
    table.add_column(say("cli.reserves.value", lang), justify="right")
    observed = e.observed_frequency
    for (name_zh, name_en), value in (
        (("观察到的赔案数 N", "claims observed N"), f"{e.observed_claims:g}"),
        (("暴露年数 E", "exposure-years E"), f"{e.exposure_years:g}"),
        (("观察频率 N/E", "observed frequency N/E"), "—" if observed is None else f"{observed:.6g}"),
        (("先验频率 λ₀", "prior frequency λ₀"), f"{e.prior_frequency:.6g}"),
        (("先验权重 β（= k）", "prior weight β (= k)"), f"{e.k:g}"),
        (("信度 Z = E/(E+β)", "credibility Z = E/(E+β)"), f"{e.credibility:.4f}"),
        (("后验频率", "posterior frequency"), f"{e.posterior_frequency:.6g}"),
        (("经验因子", "experience factor"), f"× {e.multiplier:.4f}"),
    ):
        table.add_row(name_zh if zh else name_en, value)
    console.print(table)

"""A quote grid: the same risk priced over aggregate-limit × retention options (DESIGN.md "Pricing").

Option rule (docs/pricing.md, "The grid"):

- a **limit option** L replaces the aggregate limit; every sublimit (and each-claim limit) scales by
  L / the base aggregate limit, capped at L (an each-claim limit also at its new sublimit), and is rounded to
  the currency's minor unit; other terms (coinsurance, waiting and indemnity periods) stay as written;
- a **retention option** R replaces every coverage's monetary retention. A cell where R reaches a
  (scaled) sublimit or each-claim limit is not a valid policy (rule 14): it is skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from pydantic import ValidationError

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.loading import problems_from
from cyberins.model.money import from_float, to_minor
from cyberins.model.policy import Policy
from cyberins.pricing.basis import PricingBasis
from cyberins.pricing.premium import TechnicalPremium, require_currency, technical_premium
from cyberins.quant.metrics import exceedance
from cyberins.quant.model import RiskModel
from cyberins.quant.simulate import SimulationResult, simulate

#: A loss-exceedance curve: (return period in years, annual loss in currency units) pairs (rule 13).
Curve = tuple[tuple[float, float], ...]
#: `(done, total)` after each simulation of a loop: the caller shows or logs it (an engine never logs).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class GridRow:
    """One priced cell; money in the policy currency per policy year."""

    aggregate_limit: Decimal
    retention: Decimal
    policy: Policy
    quote: TechnicalPremium
    expected_gross_loss: Decimal
    expected_insured_loss: Decimal
    #: Gross − insured: what the insured keeps (retentions, coinsurance, losses above the limits).
    expected_retained_loss: Decimal
    premium: Decimal
    rate_on_line: Decimal
    insured_var_99: Decimal
    insured_tvar_995: Decimal
    #: AEP curves of the annual gross and retained (gross − insured) loss at the rule-13 return periods.
    gross_aep: Curve
    retained_aep: Curve


@dataclass(frozen=True)
class SkippedCell:
    aggregate_limit: Decimal
    retention: Decimal
    #: Why the wording is not valid at this limit and retention, in English; `reason_zh` in Chinese (a report).
    reason: str
    reason_zh: str = ""


@dataclass(frozen=True)
class QuoteGrid:
    """Rows in limit-major order (each limit with every retention), and the cells that were not valid."""

    currency: str
    basis: str
    years: int
    seed: int
    limits: tuple[Decimal, ...]
    retentions: tuple[Decimal, ...]
    rows: tuple[GridRow, ...]
    skipped: tuple[SkippedCell, ...]

    def cell(self, aggregate_limit: Decimal, retention: Decimal) -> GridRow | None:
        """The row for one option pair, or None when it was skipped or not asked for."""
        for row in self.rows:
            if row.aggregate_limit == aggregate_limit and row.retention == retention:
                return row
        return None


def variant_policy(policy: Policy, aggregate_limit: Decimal, retention: Decimal) -> Policy:
    """`policy` with the limit and retention options applied by the grid rule (module docstring).

    Raises `InvalidInput` naming the field when the variant is not a valid policy (e.g. the retention
    reaches a sublimit, rule 14).
    """
    currency = policy.currency
    base = policy.aggregate_limit
    factor = aggregate_limit / base if base > 0 else Decimal(0)
    coverages: dict[str, Any] = {}
    for cov, terms in policy.coverages.items():
        sublimit = min(to_minor(terms.sublimit * factor, currency), aggregate_limit)
        each = terms.each_claim_limit
        update: dict[str, Any] = {"sublimit": sublimit, "retention": retention}
        if each is not None:
            update["each_claim_limit"] = min(to_minor(each * factor, currency), sublimit)
        data = terms.model_dump(exclude_unset=True)
        coverages[cov.value] = {**data, **update}
    data = policy.model_dump(exclude_unset=True)
    data.update(aggregate_limit=aggregate_limit, coverages=coverages)
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc), f"limit {aggregate_limit} / retention {retention}") from None


def quote_grid(
    model: RiskModel,
    policy: Policy,
    limits: Sequence[Decimal],
    retentions: Sequence[Decimal],
    basis: PricingBasis,
    *,
    years: int,
    seed: int,
    progress: Progress | None = None,
) -> QuoteGrid:
    """Simulate and price every (aggregate limit, retention) option of `policy`.

    Every cell is simulated with the same `seed`: the simulator draws the ground-up events from the model and
    the seed alone, before any term applies, so all cells see the very same simulated years (common random
    numbers). A difference between two cells is then the effect of the terms only, not sampling noise: the
    premium cannot fall as the limit rises, or rise as the retention rises, merely because another sample
    was drawn, and a few thousand years already order the cells correctly.

    Parameters
    ----------
    model
        The risk model (currency units), e.g. from an assessment or an explicit model.
    policy
        The base policy; its terms other than limits and retentions are kept.
    limits, retentions
        Options in the policy currency; the grid is their cross product.
    basis
        The pricing basis.
    years, seed
        Simulated policy years per cell and the random seed shared by all cells.
    progress
        Called with (cells done, cells in all) after each cell, a skipped one included, for the caller to show or log.
    """
    require_currency(model.currency, policy, Said("input.pricing.the.model"))
    rows: list[GridRow] = []
    skipped: list[SkippedCell] = []
    cells = [(limit, retention) for limit in limits for retention in retentions]
    for n, (limit, retention) in enumerate(cells, 1):
        try:
            variant = variant_policy(policy, limit, retention)
        except InvalidInput as exc:
            reason = "; ".join(str(p) for p in exc.problems)
            reason_zh = "；".join(f"{p.field}：{p.in_lang('zh')}" if p.field else p.in_lang("zh") for p in exc.problems)
            skipped.append(SkippedCell(limit, retention, reason, reason_zh))
        else:
            result = simulate(model, variant, years, seed)
            rows.append(grid_row(result, variant, retention, basis))
        if progress is not None:
            progress(n, len(cells))
    return QuoteGrid(
        currency=policy.currency,
        basis=basis.name,
        years=years,
        seed=seed,
        limits=tuple(limits),
        retentions=tuple(retentions),
        rows=tuple(rows),
        skipped=tuple(skipped),
    )


def grid_row(result: SimulationResult, policy: Policy, retention: Decimal, basis: PricingBasis) -> GridRow:
    """Price one simulated variant and summarise its gross, insured and retained losses."""
    currency = policy.currency
    quote = technical_premium(result, policy, basis)
    retained = np.maximum(result.ylt.gross - result.ylt.insured, 0.0)
    insured = result.insured()
    gross_el = from_float(result.ylt.gross.mean(), currency)
    return GridRow(
        aggregate_limit=policy.aggregate_limit,
        retention=retention,
        policy=policy,
        quote=quote,
        expected_gross_loss=gross_el,
        expected_insured_loss=quote.expected_loss,
        expected_retained_loss=gross_el - quote.expected_loss,
        premium=quote.premium,
        rate_on_line=quote.rate_on_line,
        insured_var_99=from_float(insured.var["0.99"], currency),
        insured_tvar_995=from_float(insured.tvar["0.995"], currency),
        gross_aep=_curve(exceedance(result.ylt.gross)),
        retained_aep=_curve(exceedance(retained)),
    )


def _curve(points: list[list[float]]) -> Curve:
    return tuple((t, loss) for t, loss in points)

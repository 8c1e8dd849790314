"""The engines' results as the JSON documents the platform stores: a risk-model summary and a quote.

Money is a decimal string at the currency's minor unit (the API's convention); ratios and frequencies are
numbers. Nothing here decides anything: it renders what `cyberins.assess`, `cyberins.quant` and
`cyberins.pricing` computed.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from cyberins.assess import Eligibility, OrganizationProfile, check_eligibility, explain, summary
from cyberins.catalog import get_catalog
from cyberins.model.money import to_minor
from cyberins.pricing import QuoteGrid, TechnicalPremium
from cyberins.quant.model import RiskModel
from cyberins.quant.simulate import SimulationResult


def money_text(value: float, currency: str) -> str | None:
    """A simulated amount (float) as a decimal string in minor units; None for a non-finite value."""
    if not math.isfinite(value):
        return None
    return format(to_minor(Decimal(repr(value)), currency), "f")


def eligibility_document(eligibility: Eligibility) -> dict[str, Any]:
    return {
        "outcome": eligibility.outcome.value,
        "reasons": [
            {"rule_id": r.rule_id, "outcome": r.outcome.value, "zh": r.zh, "en": r.en} for r in eligibility.reasons
        ],
    }


def model_summary(
    profile: OrganizationProfile, model: RiskModel, result: SimulationResult, *, years: int, seed: int
) -> dict[str, Any]:
    """What an underwriter reads of an assessment, and what reproduces it (catalog version, seed, years)."""
    currency = model.currency
    gross = result.gross()
    return {
        "catalog_version": get_catalog().version,
        "currency": currency,
        "years": years,
        "seed": seed,
        "eligibility": eligibility_document(check_eligibility(profile)),
        "gross": {
            "aal": money_text(gross.aal, currency),
            "var": {level: money_text(v, currency) for level, v in gross.var.items()},
            "tvar": {level: money_text(v, currency) for level, v in gross.tvar.items()},
        },
        "expected_loss_by_event_type": [
            {
                "event_type": row.event_type.value,
                "frequency": row.frequency,
                "severity": money_text(row.severity, currency),
                "expected_loss": money_text(row.expected_loss, currency),
            }
            for row in summary(model)
        ],
        "explain": [
            {
                "factor": row.factor,
                "event_type": row.event_type.value,
                "frequency": row.frequency,
                "severity": row.severity,
                "effect": money_text(row.effect, currency),
                "source": row.source,
                "reason": row.reason,
            }
            for row in explain(model)
        ],
    }


def premium_document(quote: TechnicalPremium) -> dict[str, Any]:
    """A technical premium and how it is built (all money in the policy currency)."""
    return {
        "premium": format(quote.premium, "f"),
        "expected_insured_loss": format(quote.expected_loss, "f"),
        "risk_capital": format(quote.risk_capital, "f"),
        "risk_load": format(quote.risk_load, "f"),
        "expenses": format(quote.expenses, "f"),
        "profit": format(quote.profit, "f"),
        "minimum_applied": quote.minimum_applied,
        "rate_on_line": format(quote.rate_on_line, "f"),
        "method": quote.method.value,
        "basis": quote.basis,
        "by_coverage": {
            line.coverage.value: {
                "expected_insured_loss": format(line.expected_loss, "f"),
                "premium": format(line.premium, "f"),
            }
            for line in quote.by_coverage
        },
    }


def grid_document(grid: QuoteGrid) -> dict[str, Any]:
    """The limit × retention options priced on the same simulated years, and the cells that are not valid."""
    return {
        "years": grid.years,
        "seed": grid.seed,
        "rows": [
            {
                "aggregate_limit": format(row.aggregate_limit, "f"),
                "retention": format(row.retention, "f"),
                "premium": format(row.premium, "f"),
                "expected_insured_loss": format(row.expected_insured_loss, "f"),
                "expected_retained_loss": format(row.expected_retained_loss, "f"),
                "rate_on_line": format(row.rate_on_line, "f"),
                "insured_tvar_995": format(row.insured_tvar_995, "f"),
            }
            for row in grid.rows
        ],
        "skipped": [
            {
                "aggregate_limit": format(cell.aggregate_limit, "f"),
                "retention": format(cell.retention, "f"),
                "reason": cell.reason,
            }
            for cell in grid.skipped
        ],
    }

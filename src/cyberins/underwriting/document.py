"""The underwriting results as JSON documents: the quote (`cyberins quote --json`, the report's data, the API's
stored quote) and the assessment (the API's stored assessment).

Money is a decimal string (model and premium amounts at the currency's minor unit); multipliers, frequencies
and the simulation's measures (`quant.summary.simulation_document`, the `simulate --json` contract) are numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cyberins.assess import Remediation, explain, summary
from cyberins.assess.grade import RiskGrade
from cyberins.catalog import get_catalog
from cyberins.model.money import money_text
from cyberins.pricing import GridRow, TechnicalPremium
from cyberins.quant.summary import simulation_document
from cyberins.underwriting.job import AssessmentResult, UnderwritingResult


def _money(x: Decimal) -> str:
    return format(x, "f")


def premium_document(q: TechnicalPremium) -> dict[str, Any]:
    return {
        "technical_premium": _money(q.premium),
        "expected_insured_loss": _money(q.expected_loss),
        "risk_load": _money(q.risk_load),
        "expenses": _money(q.expenses),
        "profit": _money(q.profit),
        "minimum_applied": q.minimum_applied,
        "rate_on_line": str(q.rate_on_line),
        "by_coverage": {
            line.coverage.value: {"expected_insured_loss": _money(line.expected_loss), "premium": _money(line.premium)}
            for line in q.by_coverage
        },
    }


def _cell(row: GridRow) -> dict[str, Any]:
    return {
        "aggregate_limit": _money(row.aggregate_limit),
        "retention": _money(row.retention),
        "technical_premium": _money(row.premium),
        "expected_insured_loss": _money(row.expected_insured_loss),
        "expected_retained_loss": _money(row.expected_retained_loss),
        "rate_on_line": str(row.rate_on_line),
        "insured_tvar_995": _money(row.insured_tvar_995),
    }


def subject_to_document(plan: Remediation) -> list[dict[str, Any]]:
    """One entry per rule the plan answers: what clears it, what it costs a year (null: not estimated)."""
    return [
        {
            "rule": s.rule_id,
            "outcome": s.outcome.value,
            "controls": list(s.controls),
            "fixes": [f.value for f in s.fixes],
            "cost": None if s.annual_cost is None else _money(s.annual_cost),
            "text_zh": s.remedy_zh,
            "text_en": s.remedy_en,
            "reason_zh": s.reason_zh,
            "reason_en": s.reason_en,
        }
        for s in plan.steps
    ]


def remediation_document(plan: Remediation) -> dict[str, Any]:
    """The risk once every remedy of `plan` is in place: controls, what they cost a year and eligibility then."""
    return {
        "controls": list(plan.controls),
        "annual_cost": None if plan.annual_cost is None else _money(plan.annual_cost),
        "clears_decline": plan.clears,
        "eligibility_after": plan.eligibility.to_json(),
    }


def grade_document(g: RiskGrade) -> dict[str, Any]:
    """The risk grade beside the figures it comes from (docs/grading.md); ratios are numbers."""
    return {
        "grade": g.grade,
        "expected_loss_ratio": g.expected_loss_ratio,
        "tail_ratio": g.tail_ratio,
        "reasons": list(g.reasons),
    }


def assessment_document(a: AssessmentResult) -> dict[str, Any]:
    """What an underwriter reads of an assessment, and what reproduces it (catalog version, seed, years)."""
    currency, gross = a.model.currency, a.simulation.gross()
    return {
        "catalog_version": get_catalog().version,
        "currency": currency,
        "years": a.simulation.years,
        "seed": a.simulation.seed,
        "eligibility": a.eligibility.to_json(),
        "gross": {
            "aal": money_text(gross.aal, currency),
            "var": {level: money_text(v, currency) for level, v in gross.var.items()},
            "tvar": {level: money_text(v, currency) for level, v in gross.tvar.items()},
        },
        "grade": grade_document(a.grade()),
        "expected_loss_by_event_type": [row.to_json(currency) for row in summary(a.model)],
        "explain": [row.to_json(currency) for row in explain(a.model)],
    }


def quote_document(r: UnderwritingResult) -> dict[str, Any]:
    """Everything the quote decided, with money as decimal strings and simulation measures as numbers.

    A declined risk keeps its indicative premium but says so: `bindable` is false at the top level and in
    `premium`, `subject_to` names every declining rule with its remedy and cost, and
    `premium_after_remediation` prices the risk once they are all in place (trust.md item 5, shape B).
    """
    premium = premium_document(r.premium) | {"bindable": r.bindable}
    subject_to = subject_to_document(r.remediation) if r.remediation else []
    if subject_to:
        premium["subject_to"] = subject_to
    doc: dict[str, Any] = {
        "insured": {"name": r.profile.name, "name_zh": r.profile.name_zh, "industry": r.profile.industry},
        "currency": r.policy.currency,
        "policy_number": r.policy.policy_number,
        "quoted_on": None if r.options.quoted_on is None else r.options.quoted_on.isoformat(),
        "valid_until": None if r.valid_until is None else r.valid_until.isoformat(),
        "catalog_version": get_catalog().version,
        "years": r.simulation.years,
        "seed": r.options.seed,
        "eligibility": r.eligibility.to_json(),
        "bindable": r.bindable,
        "subject_to": subject_to,
        "remediation": remediation_document(r.remediation) if r.remediation else None,
        "premium_after_remediation": premium_document(r.remediated.premium) if r.remediated else None,
        "simulation": simulation_document(r.simulation, policy_number=r.policy.policy_number),
        "premium": premium,
        "factors": [f.to_json(r.policy.currency) for f in r.factors],
        "grid": [_cell(row) for row in r.grid.rows],
        "grid_skipped": [
            {
                "aggregate_limit": _money(s.aggregate_limit),
                "retention": _money(s.retention),
                "reason": s.reason,
                "reason_zh": s.reason_zh,
            }
            for s in r.grid.skipped
        ],
        "adequacy": None,
        "controls": None,
        "subsidy": None,
    }
    if r.adequacy is not None:
        a = r.adequacy
        doc["adequacy"] = {
            "tolerance": [[rp, loss] for rp, loss in a.tolerance.curve()],
            "gross_stays_under": a.gross_stays_under,
            "recommended": _cell(a.recommended) if a.recommended else None,
            "reason": a.reason,
            "reason_zh": a.reason_zh,
        }
    if r.controls is not None:
        doc["controls"] = [
            {
                "controls": sorted(c.controls),
                "annual_cost": _money(c.annual_cost),
                "gross_loss_drop": _money(c.gross_loss_drop),
                "retained_loss_drop": _money(c.retained_loss_drop),
                "premium_drop": _money(c.premium_drop),
                "net_benefit": _money(c.net_benefit),
                "standard_errors": {
                    key: None if se is None else _money(se)
                    for key, se in (
                        ("gross_loss_drop", c.gross_loss_drop_se),
                        ("retained_loss_drop", c.retained_loss_drop_se),
                        ("premium_drop", c.premium_drop_se),
                        ("net_benefit", c.net_benefit_se),
                    )
                },
                "return_on_cost": None if c.return_on_cost is None else str(c.return_on_cost),
            }
            for c in r.controls.ranked
        ]
    if r.subsidy is not None:
        s = r.subsidy
        doc["subsidy"] = {
            "premium": _money(s.premium),
            "subsidy": _money(s.subsidy),
            "payable_by_insured": _money(s.payable),
            "eligible": s.eligible,
            "reasons": list(s.reasons),
            "reasons_zh": list(s.reasons_zh),
        }
    return doc

"""The underwriting job: one organisation and one wording, from assessment to a recommended quote.

It composes the engines — `assess` (model, eligibility, explanation), `quant` (simulation), `pricing`
(premium, grid, limit adequacy, security-investment returns, subsidy) — into one result that the CLI prints,
the report renders and the platform stores. No engine logic lives here, only the order of the calls.
"""

from cyberins.underwriting.job import (
    AssessmentResult,
    QuoteOptions,
    UnderwritingResult,
    assess_risk,
    grade_risk,
    planned_simulations,
    underwrite,
)

__all__ = [
    "AssessmentResult",
    "QuoteOptions",
    "UnderwritingResult",
    "assess_risk",
    "grade_risk",
    "planned_simulations",
    "underwrite",
]

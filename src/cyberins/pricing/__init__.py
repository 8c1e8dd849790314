"""Pricing: technical premium, quote grid, security ROI, limit adequacy and subsidies (DESIGN.md "Pricing").

Pure computation on a `RiskModel` (or a function returning one for a set of controls), a `Policy` and a
`PricingBasis`; see docs/pricing.md for the formulas and their sources.
"""

from cyberins.pricing.adequacy import (
    AdequacyResult,
    Breach,
    CellAdequacy,
    ToleranceCurve,
    TolerancePoint,
    parse_tolerance_point,
    recommend_limit,
)
from cyberins.pricing.basis import (
    PricingBasis,
    RiskLoadMethod,
    Sourced,
    default_basis,
    load_basis,
)
from cyberins.pricing.grid import GridRow, QuoteGrid, SkippedCell, quote_grid, variant_policy
from cyberins.pricing.premium import (
    CoveragePremium,
    TechnicalPremium,
    premium_from_measures,
    premium_influence,
    technical_premium,
)
from cyberins.pricing.roi import Candidate, Change, ModelWith, Outcome, RoiAnalysis, security_roi, whatif
from cyberins.pricing.subsidy import InsuredFacts, SubsidyResult, SubsidyScheme, apply_subsidy, load_scheme

__all__ = [
    "AdequacyResult",
    "Breach",
    "Candidate",
    "CellAdequacy",
    "Change",
    "CoveragePremium",
    "GridRow",
    "InsuredFacts",
    "ModelWith",
    "Outcome",
    "PricingBasis",
    "QuoteGrid",
    "RiskLoadMethod",
    "RoiAnalysis",
    "SkippedCell",
    "Sourced",
    "SubsidyResult",
    "SubsidyScheme",
    "TechnicalPremium",
    "ToleranceCurve",
    "TolerancePoint",
    "apply_subsidy",
    "default_basis",
    "load_basis",
    "load_scheme",
    "parse_tolerance_point",
    "premium_from_measures",
    "quote_grid",
    "recommend_limit",
    "security_roi",
    "premium_influence",
    "technical_premium",
    "variant_policy",
    "whatif",
]

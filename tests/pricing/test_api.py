"""The public API of `cyberins.pricing` is curated: adding or removing a name is a decision."""

from __future__ import annotations

import cyberins.pricing as pricing


def test_public_names_are_pinned() -> None:
    assert sorted(pricing.__all__) == [
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
        "premium_influence",
        "quote_grid",
        "recommend_limit",
        "security_roi",
        "technical_premium",
        "variant_policy",
        "whatif",
    ]
    for name in pricing.__all__:
        assert getattr(pricing, name) is not None

"""The public API of `cyberins.reserving` is curated: this pins it."""

from __future__ import annotations

import cyberins.reserving as reserving


def test_public_api_is_pinned() -> None:
    assert reserving.__all__ == [
        "BuhlmannStraub",
        "CaseReserve",
        "ClaimStage",
        "CredibilityEstimate",
        "EstimateLine",
        "ReservingReport",
        "Transaction",
        "TransactionBook",
        "UnitCosts",
        "case_reserve",
        "claims_triangle",
        "load_unit_costs",
        "model_frequency",
        "poisson_gamma",
        "read_transactions",
        "reserving_report",
        "with_experience",
    ]
    assert all(hasattr(reserving, name) for name in reserving.__all__)

"""Reserving: case reserves, claims triangles (chain-ladder, Bornhuetter-Ferguson, Mack) and credibility.

>>> from cyberins.reserving import case_reserve, reserving_report
>>> # reserve = case_reserve(incident, policy, "forensics_submitted"); report = reserving_report(book, ...)

A case reserve estimates one open claim (through `cyberins.claims.adjust_claim` once invoices arrive); the
triangles and credibility work on a book of claims transactions. docs/reserves.md.
"""

from cyberins.reserving.credibility import (
    BuhlmannStraub,
    CredibilityEstimate,
    model_frequency,
    poisson_gamma,
    with_experience,
)
from cyberins.reserving.reserves import (
    CaseReserve,
    ClaimStage,
    EstimateLine,
    UnitCosts,
    case_reserve,
    load_unit_costs,
)
from cyberins.reserving.transactions import Transaction, TransactionBook, read_transactions
from cyberins.reserving.triangles import ReservingReport, claims_triangle, reserving_report

__all__ = [
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

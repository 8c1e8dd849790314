"""Claims: coverage decision (定责), loss quantification (定损) and settlement (理算) of one incident.

>>> from cyberins.claims import adjust_claim
>>> # adjustment = adjust_claim(incident, policy, prior_paid={...}); adjustment.to_json()

The settlement runs the one terms engine (`cyberins.terms.apply_terms`) on the adjusted loss; nothing here
re-implements a policy term. Rules are DESIGN.md "Terms and claims conventions" 1-18; docs/claims.md.
Case reserves, claims triangles (chain-ladder, Bornhuetter-Ferguson, Mack) and credibility: docs/reserves.md.
"""

from cyberins.claims.adjust import ClaimAdjustment, EventTypeInfo, adjust_claim, resolve_policy
from cyberins.claims.credibility import (
    BuhlmannStraub,
    CredibilityEstimate,
    model_frequency,
    poisson_gamma,
    with_experience,
)
from cyberins.claims.decision import CoverageDecision, Status
from cyberins.claims.items import Deduction, LossItem
from cyberins.claims.quantify import Quantification, Segment
from cyberins.claims.reasons import Reason
from cyberins.claims.reserves import CaseReserve, ClaimStage, EstimateLine, UnitCosts, case_reserve, load_unit_costs
from cyberins.claims.settle import StatementLine
from cyberins.claims.transactions import Transaction, TransactionBook, read_transactions
from cyberins.claims.triangles import ReservingReport, claims_triangle, reserving_report

__all__ = [
    "BuhlmannStraub",
    "CaseReserve",
    "ClaimAdjustment",
    "ClaimStage",
    "CoverageDecision",
    "CredibilityEstimate",
    "Deduction",
    "EstimateLine",
    "EventTypeInfo",
    "LossItem",
    "Quantification",
    "Reason",
    "ReservingReport",
    "Segment",
    "StatementLine",
    "Status",
    "Transaction",
    "TransactionBook",
    "UnitCosts",
    "adjust_claim",
    "case_reserve",
    "claims_triangle",
    "load_unit_costs",
    "model_frequency",
    "poisson_gamma",
    "read_transactions",
    "reserving_report",
    "resolve_policy",
    "with_experience",
]

"""Claims: coverage decision (定责), loss quantification (定损) and settlement (理算) of one incident.

>>> from cyberins.claims import adjust_claim
>>> # adjustment = adjust_claim(incident, policy, prior_paid={...}); adjustment.to_json()

The settlement runs the one terms engine (`cyberins.terms.apply_terms`) on the adjusted loss; nothing here
re-implements a policy term. Rules are DESIGN.md "Terms and claims conventions" 1-18; docs/claims.md.
Case reserves, claims triangles and credibility are `cyberins.reserving` (docs/reserves.md).
"""

from cyberins.claims.adjust import ClaimAdjustment, EventTypeInfo, adjust_claim, resolve_policy
from cyberins.claims.context import KevAlert
from cyberins.claims.decision import CoverageDecision, Status
from cyberins.claims.items import Deduction, LossItem
from cyberins.claims.quantify import Quantification, Segment
from cyberins.claims.reasons import Reason
from cyberins.claims.settle import StatementLine

__all__ = [
    "ClaimAdjustment",
    "CoverageDecision",
    "Deduction",
    "EventTypeInfo",
    "KevAlert",
    "LossItem",
    "Quantification",
    "Reason",
    "Segment",
    "StatementLine",
    "Status",
    "adjust_claim",
    "resolve_policy",
]

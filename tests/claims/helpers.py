"""Builders for incidents and policies in the claims tests (plain functions, not fixtures)."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from cyberins.claims import ClaimAdjustment, adjust_claim
from cyberins.model.ids import Coverage
from cyberins.model.incident import Incident
from cyberins.model.loading import parse_model
from cyberins.model.policy import Policy
from tests.conftest import EXAMPLES

POLICY_FILES = {
    "sme": EXAMPLES / "policies" / "sme-standalone-cny.yaml",
    "ent": EXAMPLES / "policies" / "large-enterprise-cny.yaml",
    "end": EXAMPLES / "policies" / "endorsement-property-cny.yaml",
    "us": EXAMPLES / "policies" / "us-claims-made-usd.yaml",
    "smp": EXAMPLES / "policies" / "sme-package-per-incident-cny.yaml",
}
INCIDENTS = EXAMPLES / "incidents"

IR = Coverage.INCIDENT_RESPONSE
BI = Coverage.BUSINESS_INTERRUPTION
DBI = Coverage.DEPENDENT_BUSINESS_INTERRUPTION
DR = Coverage.DATA_RESTORATION
EXT = Coverage.CYBER_EXTORTION
FRAUD = Coverage.CYBER_FRAUD
PRIV = Coverage.PRIVACY_LIABILITY
REG = Coverage.REGULATORY_DEFENCE
LEGAL = Coverage.LEGAL
PR = Coverage.PUBLIC_RELATIONS


def policy_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(Path(POLICY_FILES[name]).read_text(encoding="utf-8"))
    return data


def policy(name: str, **changes: Any) -> Policy:
    """An example policy, top-level fields replaced by `changes`."""
    return parse_model(Policy, {**policy_data(name), **changes})


def incident_data(**changes: Any) -> dict[str, Any]:
    """A plain SME incident inside the SME policy's period: one forensics invoice of CNY 60,000."""
    base: dict[str, Any] = {
        "event_types": ["malware"],
        "occurred_at": "2026-09-02T01:10:00+08:00",
        "discovered_at": "2026-09-02T06:30:00+08:00",
        "reported_at": "2026-09-03T10:00:00+08:00",
        "costs": [{"category": "forensics", "amount": 60000}],
    }
    return {**copy.deepcopy(base), **changes}


def incident(**changes: Any) -> Incident:
    return parse_model(Incident, incident_data(**changes))


def adjust(pol: Policy | str = "sme", /, **changes: Any) -> ClaimAdjustment:
    """Settle `incident(**changes)` under `pol`; `prior_paid=` is passed to the claim, not to the incident."""
    prior_paid: dict[Coverage, Decimal] | None = changes.pop("prior_paid", None)
    chosen = policy(pol) if isinstance(pol, str) else pol
    return adjust_claim(incident(**changes), chosen, prior_paid)


def codes(result: ClaimAdjustment, coverage: Coverage) -> list[str]:
    return [r.code for r in result.decision[coverage].reasons]


def D(value: str | int) -> Decimal:
    return Decimal(value)

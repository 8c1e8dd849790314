"""`adjust_claim`: one incident under one policy, from forensic findings to the payable (issue 5).

    decide the policy (rule 12) and the currency (rule 11) → quantify (定损) → decide cover (定责)
    → settle through the terms engine → statement

The result's `to_json()` is the `cyberins claim adjust --json` contract: amounts as decimal strings, every
payable at most its adjusted loss, the payable lines adding up exactly to `total_payable`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cyberins.catalog import Catalog, get_catalog
from cyberins.claims.context import ClaimContext, KevAlert
from cyberins.claims.decision import CoverageDecision, decide
from cyberins.claims.items import LossItem
from cyberins.claims.quantify import quantify
from cyberins.claims.settle import StatementLine, settle
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Coverage, EventType
from cyberins.model.incident import Incident
from cyberins.model.policy import Policy


@dataclass(frozen=True)
class EventTypeInfo:
    """An incident's event type with its GB/T 20986-2023 category (derived from the catalog)."""

    id: EventType
    gbt20986_code: str
    gbt20986_zh: str
    gbt20986_en: str

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id.value,
            "gbt20986": self.gbt20986_code,
            "gbt20986_zh": self.gbt20986_zh,
            "gbt20986_en": self.gbt20986_en,
        }


@dataclass(frozen=True)
class ClaimAdjustment:
    """The outcome of a claim: decision, claimed and adjusted loss, payable and statement per coverage.

    Coverages appear in the policy's order (the order in which they erode the aggregate, rule 1), then the
    coverages the policy does not buy.
    """

    incident: Incident
    policy: Policy
    currency: str
    event_types: tuple[EventTypeInfo, ...]
    decision: dict[Coverage, CoverageDecision]
    items: tuple[LossItem, ...]
    claimed: dict[Coverage, Decimal]
    adjusted_loss: dict[Coverage, Decimal]
    payable: dict[Coverage, Decimal]
    statement: tuple[StatementLine, ...]
    prior_paid: dict[Coverage, Decimal]
    money_only_time_element: tuple[Coverage, ...]

    @property
    def total_payable(self) -> Decimal:
        """The exact sum of the payable lines (each already at the currency's minor unit)."""
        return sum(self.payable.values(), Decimal(0))

    @property
    def under_review(self) -> bool:
        """Whether some decision depends on an attribution still under review (rule 9)."""
        return any(r.code == "attribution_under_review" for d in self.decision.values() for r in d.reasons)

    def to_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "policy_number": self.policy.policy_number,
            "event_types": [e.to_json() for e in self.event_types],
            "decision": {c.value: d.to_json() for c, d in self.decision.items()},
            "claimed": {c.value: str(v) for c, v in self.claimed.items()},
            "adjusted_loss": {c.value: str(v) for c, v in self.adjusted_loss.items()},
            "payable": {c.value: str(v) for c, v in self.payable.items()},
            "total_payable": str(self.total_payable),
            "statement": [line.to_json() for line in self.statement],
            "prior_paid": {c.value: str(v) for c, v in self.prior_paid.items()},
            "under_review": self.under_review,
            "money_only_time_element": [c.value for c in self.money_only_time_element],
        }


def resolve_policy(incident: Incident, policy: Policy | None) -> Policy:
    """The policy to settle under: the one given, else the one embedded; policy numbers must agree (rule 12)."""
    chosen = policy or incident.policy
    if chosen is None:
        raise InvalidInput.one("policy", Said("input.claims.policy_needed", {"option": "--policy", "key": "policy"}))
    number = incident.policy_number
    if number is not None and chosen.policy_number is not None and number != chosen.policy_number:
        numbers = {"number": repr(number), "policy": repr(chosen.policy_number)}
        raise InvalidInput.one("policy_number", Said("input.claims.policy_number", numbers))
    if incident.currency is not None and incident.currency != chosen.currency:
        said = Said("input.claims.currency", {"currency": incident.currency, "policy": chosen.currency})
        raise InvalidInput.one("currency", said)
    return chosen


def _check_prior_paid(policy: Policy, prior_paid: Mapping[Coverage, Decimal] | None) -> dict[Coverage, Decimal]:
    out = dict(prior_paid or {})
    for cov, amount in out.items():
        if cov not in policy.coverages:
            raise InvalidInput.one(f"prior_paid.{cov.value}", Said("input.claims.not_covered"))
        if amount < 0:
            raise InvalidInput.one(f"prior_paid.{cov.value}", Said("input.claims.paid_negative"))
    return out


def adjust_claim(
    incident: Incident,
    policy: Policy | None = None,
    prior_paid: Mapping[Coverage, Decimal] | None = None,
    catalog: Catalog | None = None,
    kev_alerts: Sequence[KevAlert] = (),
) -> ClaimAdjustment:
    """Decide, quantify and settle one incident.

    Parameters
    ----------
    incident
        The incident file (`cyberins.model.incident.Incident`), amounts in the policy currency.
    policy
        The policy; when None the incident must embed it under `policy:` (rule 12).
    prior_paid
        What the policy year has already paid per coverage (rule 11); it erodes sublimits and the aggregate.
    catalog
        The catalog (default: the packaged one).
    kev_alerts
        The platform's monitoring alerts on the insured's known-exploited vulnerabilities, the evidence for the
        minimum-security condition (`decision.minimum_security_breach`); none off the platform.

    Examples
    --------
    A forensics invoice of CNY 60,000 under a CNY 10,000 retention pays CNY 50,000 (rules 4-5).
    """
    catalog = catalog or get_catalog()
    chosen = resolve_policy(incident, policy)
    prior = _check_prior_paid(chosen, prior_paid)
    ctx = ClaimContext(incident, chosen, catalog, tuple(kev_alerts))
    quantification = quantify(ctx)
    settlement = settle(ctx, quantification, decide(ctx, quantification), prior)
    event_types = tuple(
        EventTypeInfo(e, g.code, g.name.zh, g.name.en)
        for e in incident.event_types
        for g in (catalog.event_types[e].gbt20986,)
    )
    return ClaimAdjustment(
        incident=incident,
        policy=chosen,
        currency=chosen.currency,
        event_types=event_types,
        decision=settlement.decisions,
        items=quantification.items,
        claimed=settlement.claimed,
        adjusted_loss=settlement.adjusted_loss,
        payable=settlement.payable,
        statement=settlement.statement,
        prior_paid=prior,
        money_only_time_element=settlement.money_only_time_element,
    )

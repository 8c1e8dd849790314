"""Claims with the engine: coverage decision (定责), loss adjustment (定损) and settlement (理算) of an incident.

Each step reads the incident's findings as `cyberins.model.incident.Incident` and runs
`cyberins.claims.adjust_claim` under the bound wording, then records its part of the result through the
transition that takes it (`claims.record_coverage_decision`, `record_loss_adjustment`, `record_settlement`),
all in one transaction. Findings not sent with a step are those the step before used (the decision reads the
responder's latest forensic findings), so a handler may correct them at any step and the stored documents
say which findings each result came from.

What the platform knows is not the caller's to restate: the report time is the platform's clock, the policy
is the bound one (an embedded `policy` is refused), and the policy number and times default to the stored
ones. The insured's stored monitoring alerts on known-exploited vulnerabilities are the evidence for the
policy's minimum-security condition (`monitoring.kev_evidence`; the engine reads them, the findings' own
`root_cause.known_exploited_since` only where no alert saw the CVE). `prior_paid` (rule 11) is what the
store has already settled under the same policy, coverage by coverage; a settlement locks the policy row, so
two settlements on one policy take turns and never both spend the same remaining limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from cyberins.claims import ClaimAdjustment, adjust_claim
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Coverage
from cyberins.model.incident import Incident as Findings
from cyberins.model.loading import parse_model
from cyberins.model.policy import Policy
from cyberins.reserving.reserves import ESTIMATE_STAGES, ReserveBasis, case_reserve
from cyberins.services import claims, monitoring, reserves
from cyberins.services.access import Action, Principal
from cyberins.services.claims import CLAIM_MACHINE
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.common import load_for, money, under
from cyberins.services.errors import Conflict
from cyberins.services.uow import unit_of_work
from cyberins.store.models import Incident, PolicyRecord
from cyberins.store.repos import lifecycle as repo


@dataclass(frozen=True)
class _Step:
    action: Action
    name: str  # the claim machine's action
    source: str  # the document whose findings the step reads when the caller sends none


DECIDE = _Step(Action.DECIDE_COVERAGE, "decide_coverage", "forensics")
ADJUST = _Step(Action.ADJUST_LOSS, "adjust_loss", "decision")
SETTLE = _Step(Action.SETTLE, "settle", "adjustment")


def prior_paid(session: Session, incident: Incident) -> dict[Coverage, Decimal]:
    """What the policy has already settled on its other claims, per coverage (denied ones pay nothing)."""
    paid: dict[Coverage, Decimal] = {}
    for other in repo.incidents_of_policy(session, incident.policy_id):
        settlement = other.documents.get("settlement") or {}
        if other.id == incident.id or settlement.get("denied"):
            continue
        for coverage, amount in (settlement.get("payable_by_coverage") or {}).items():
            if Decimal(amount) > 0:
                paid[Coverage(coverage)] = paid.get(Coverage(coverage), Decimal(0)) + Decimal(amount)
    return paid


def _stored_findings(incident: Incident, step: _Step) -> Mapping[str, Any] | None:
    document = incident.documents.get(step.source)
    if step.source == "forensics":
        document = document[-1] if document else None
    return document.get("findings") if isinstance(document, Mapping) else None


def _findings(incident: Incident, record: PolicyRecord, given: Mapping[str, Any] | None, step: _Step) -> Findings:
    data = given if given is not None else _stored_findings(incident, step)
    if data is None:
        raise InvalidInput.one("findings", Said("input.service.findings_needed", {"step": step.name}))
    data = dict(data)
    if "policy" in data:
        raise InvalidInput.one("findings.policy", Said("input.service.findings_policy"))
    data.setdefault("policy_number", record.policy_number)
    for moment in ("occurred_at", "discovered_at", "reported_at"):
        data.setdefault(moment, getattr(incident, moment).isoformat())
    try:
        findings = parse_model(Findings, data, "findings")
    except InvalidInput as exc:
        raise under("findings", exc) from None
    if findings.reported_at != incident.reported_at:
        at = incident.reported_at.isoformat()
        raise InvalidInput.one("findings.reported_at", Said("input.service.reported_at_fixed", {"at": at}))
    return findings


def _run(
    session: Session,
    actor: Principal,
    incident_id: str,
    step: _Step,
    given: Mapping[str, Any] | None,
    expected_version: int | None,
) -> tuple[Incident, ClaimAdjustment, dict[str, Any]]:
    """Load and check the incident (404, 403, 409), then run the claims engine on its findings."""
    incident = load_for(
        session, repo.incidents, "incident", incident_id, actor, step.action, expected_version, for_update=True
    )
    CLAIM_MACHINE.check_from(step.name, incident.state)
    record = repo.policies.get(session, incident.policy_id, for_update=step is SETTLE)
    assert record is not None  # an incident's policy is a foreign key
    findings = _findings(incident, record, given, step)
    policy = Policy.model_validate(record.document)
    evidence = monitoring.kev_evidence(session, record.insured_org_id, policy)
    try:
        adjustment = adjust_claim(findings, policy, prior_paid(session, incident), kev_alerts=evidence)
    except InvalidInput as exc:
        raise under("findings", exc) from None
    return incident, adjustment, findings.model_dump(mode="json", exclude_unset=True)


def _money_map(values: Mapping[Coverage, Decimal]) -> dict[str, str]:
    return {c.value: format(v, "f") for c, v in values.items()}


def decide_coverage(
    session: Session,
    actor: Principal,
    incident_id: str,
    findings: Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
) -> Incident:
    """Decide cover (定责) from the findings; a claim where no coverage pays is denied."""
    with unit_of_work(session):
        incident, adj, used = _run(session, actor, incident_id, DECIDE, findings, expected_version)
        decision = {
            "findings": used,
            "coverages": {c.value: d.to_json() for c, d in adj.decision.items()},
            "event_types": [e.to_json() for e in adj.event_types],
            "under_review": adj.under_review,
        }
        covered = any(d.pays for d in adj.decision.values())
        return claims.record_coverage_decision(
            session, actor, incident.id, decision, covered, expected_version=incident.version
        )


def adjust_loss(
    session: Session,
    actor: Principal,
    incident_id: str,
    findings: Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
) -> Incident:
    """Quantify the loss (定损): the adjusted loss before any policy term (rule 16), per coverage."""
    with unit_of_work(session):
        incident, adj, used = _run(session, actor, incident_id, ADJUST, findings, expected_version)
        adjustment = {
            "findings": used,
            "claimed": _money_map(adj.claimed),
            "adjusted_loss_by_coverage": _money_map(adj.adjusted_loss),
        }
        total = sum(adj.adjusted_loss.values(), Decimal(0))
        adjusted = claims.record_loss_adjustment(
            session, actor, incident.id, adjustment, total, expected_version=incident.version
        )
        reserves.follow(session, actor, adjusted, payable=adj.total_payable)
        return adjusted


def settle_claim(
    session: Session,
    actor: Principal,
    incident_id: str,
    findings: Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
) -> Incident:
    """Settle (理算) through the terms engine, eroded by what the policy has already settled (rule 11).

    A claim whose state-backed attribution is under review waits (rule 20): settling it answers 409 until the
    findings settle the attribution one way or the other; nothing is recorded.
    """
    with unit_of_work(session):
        incident, adj, used = _run(session, actor, incident_id, SETTLE, findings, expected_version)
        if adj.under_review:
            raise Conflict(
                Said("api.error.attribution_review"),
                current_state=incident.state,
            )
        result = adj.to_json()
        statement = {
            "findings": used,
            "payable_by_coverage": result.pop("payable"),
            **{k: v for k, v in result.items() if k != "total_payable"},
        }
        denied = None if any(d.pays for d in adj.decision.values()) else "not_covered"
        return claims.record_settlement(
            session,
            actor,
            incident.id,
            statement,
            adj.total_payable,
            denied_reason=denied,
            expected_version=incident.version,
        )


def _latest_findings(incident: Incident, record: PolicyRecord) -> Findings | None:
    """The findings the claim's latest step read (adjustment, decision, else the responder's last), if any."""
    for step in (SETTLE, ADJUST, DECIDE):
        data = _stored_findings(incident, step)
        if data is not None:
            return _findings(incident, record, data, step)
    return None


def set_case_reserve(
    session: Session,
    actor: Principal,
    incident_id: str,
    amount: Decimal | None,
    reason: str,
    *,
    expected_version: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> reserves.Reserves:
    """Set the case reserve of a claim whose loss is not adjusted yet (after that it follows the payable).

    Without `amount`, the claims engine estimates it from the latest findings (`reserving.case_reserve`: their
    invoices plus records affected × unit costs and an unpaid ransom, through the policy's terms, so never more
    than the policy can pay); before any findings there is nothing sound to estimate from, and the handler
    gives `reserve_amount` with its `reserve_reason`, at most what the policy can still pay (its aggregate
    limit less what its other claims settled). Each setting is a new audited row.
    """
    reason = reason.strip()
    with unit_of_work(session):
        incident = load_for(
            session, repo.incidents, "incident", incident_id, actor, Action.SET_RESERVE, expected_version,
            for_update=True,
        )  # fmt: skip
        if incident.state not in ESTIMATE_STAGES:
            raise Conflict(Said("api.error.reserve.follows_payable"), current_state=incident.state)
        record = repo.policies.get(session, incident.policy_id)
        assert record is not None  # an incident's policy is a foreign key
        policy = Policy.model_validate(record.document)
        prior = prior_paid(session, incident)
        detail: dict[str, object] = {"state": incident.state}
        if amount is None:
            findings = _latest_findings(incident, record)
            if findings is None:
                raise InvalidInput.one("reserve_amount", Said("input.reserve.nothing_to_estimate"))
            try:
                estimate = case_reserve(findings, policy, incident.state, incident.paid_amount, prior_paid=prior)
            except InvalidInput as exc:
                raise under("findings", exc) from None
            amount, basis = estimate.case_reserve, ReserveBasis.ESTIMATE
            detail |= estimate.to_json()
        else:
            money(amount, incident.currency, "reserve_amount")
            if not reason:
                raise InvalidInput.one("reserve_reason", Said("input.reserve.reason_needed"))
            can_pay = policy.aggregate_limit - sum(prior.values(), Decimal(0))
            if amount > can_pay:
                said = {"amount": amount, "limit": can_pay, "currency": incident.currency}
                raise InvalidInput.one("reserve_amount", Said("input.reserve.above_limit", said))
            basis = ReserveBasis.HANDLER
        reserves.record(session, actor, incident, amount, basis, reason, detail, clock=clock)
    return reserves.reserves_of(session, actor, incident.id)

"""Claims lifecycle: reported -> responder_assigned -> forensics_submitted -> coverage_decided -> loss_adjusted
-> settled / denied -> paid -> closed, and reopened (with a reason) back into the work.

Coverage decisions, loss adjustment and settlement come from the claims and terms engines; the transitions
here take their results. A notice later than the policy's reporting deadline is recorded and denied at
once with reason `late_notice` (DESIGN.md rule 10).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from cyberins.claims.decision import late_notice
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.policy import Policy
from cyberins.model.vocab import IncidentState, OrgKind, RelationshipKind
from cyberins.services import audit, reserves
from cyberins.services.access import Action, Principal, scope_for
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.common import load_for, load_visible, money, page_args
from cyberins.services.errors import Conflict, NotFound
from cyberins.services.machine import StateMachine, transition
from cyberins.services.uow import unit_of_work
from cyberins.store.models import Incident
from cyberins.store.repos import lifecycle as repo
from cyberins.store.repos import parties as party_repo
from cyberins.store.repos.aggregates import Page

C = IncidentState

CLAIM_MACHINE = StateMachine(
    "incident",
    initial=frozenset({C.REPORTED.value, C.DENIED.value}),
    transitions={
        "assign_responder": transition({C.REPORTED, C.RESPONDER_ASSIGNED, C.REOPENED}, {C.RESPONDER_ASSIGNED}),
        "submit_forensics": transition(
            {C.RESPONDER_ASSIGNED, C.FORENSICS_SUBMITTED, C.REOPENED}, {C.FORENSICS_SUBMITTED}
        ),
        "decide_coverage": transition({C.FORENSICS_SUBMITTED, C.REOPENED}, {C.COVERAGE_DECIDED, C.DENIED}),
        "adjust_loss": transition({C.COVERAGE_DECIDED, C.REOPENED}, {C.LOSS_ADJUSTED}),
        "settle": transition({C.LOSS_ADJUSTED}, {C.SETTLED, C.DENIED}),
        "pay": transition({C.SETTLED}, {C.SETTLED, C.PAID}),
        "close": transition({C.PAID, C.DENIED, C.SETTLED}, {C.CLOSED}),
        "reopen": transition({C.CLOSED}, {C.REOPENED}),
    },
)


def _with(incident: Incident, key: str, value: Any, *, append: bool = False) -> None:
    """Set (or append to) one section of the documents; a new dict, so the JSON column sees the change."""
    docs = dict(incident.documents)
    docs[key] = [*docs.get(key, []), value] if append else value
    incident.documents = docs


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput.one(field, Said("api.problem.timezone_aware"))
    return value


def report_incident(
    session: Session,
    actor: Principal,
    policy_id: str,
    summary: str,
    occurred_at: datetime,
    discovered_at: datetime,
    details: Mapping[str, Any] | None = None,
    *,
    clock: Clock = SYSTEM_CLOCK,
) -> Incident:
    """Report an incident under a policy; the report time is the platform's clock, never the caller's."""
    now = clock.now()
    occurred, discovered = _aware(occurred_at, "occurred_at"), _aware(discovered_at, "discovered_at")
    if discovered < occurred:
        raise InvalidInput.one("discovered_at", Said("input.service.before_other", {"field": "occurred_at"}))
    if discovered > now:
        raise InvalidInput.one("discovered_at", Said("input.service.in_future"))
    with unit_of_work(session):
        policy = load_for(session, repo.policies, "policy", policy_id, actor, Action.REPORT_INCIDENT)
        incident = Incident(
            policy_id=policy.id,
            insured_org_id=policy.insured_org_id,
            insurer_org_id=policy.insurer_org_id,
            broker_org_id=policy.broker_org_id,
            state=C.REPORTED.value,
            summary=summary,
            occurred_at=occurred,
            discovered_at=discovered,
            reported_at=now,
            documents={"report": dict(details or {})},
            currency=policy.currency,
            paid_amount=Decimal(0),
        )
        missed = late_notice(Policy.model_validate(policy.document).trigger.reporting_deadline, incident)
        if missed is not None:
            incident.state = C.DENIED.value
            _with(incident, "decision", {"covered": False, "reason": "late_notice", "deadline": missed.isoformat()})
        repo.incidents.add(session, incident)
        audit.record(
            session, actor, "incident.report", "incident", incident.id, before=None, after=incident, clock=clock
        )
    return incident


def _step(
    session: Session,
    actor: Principal,
    incident_id: str,
    action: Action,
    target: IncidentState,
    expected_version: int | None,
) -> tuple[Incident, str | None]:
    incident = load_for(session, repo.incidents, "incident", incident_id, actor, action, expected_version)
    before = audit.digest(incident)
    incident.state = CLAIM_MACHINE.check(action.value.removesuffix("_claim"), incident.state, target)
    return incident, before


def _done(session: Session, actor: Principal, incident: Incident, action: str, before: str | None) -> Incident:
    audit.record(session, actor, f"incident.{action}", "incident", incident.id, before=before, after=incident)
    reserves.follow(session, actor, incident)  # settled, denied, closed: the case reserve follows the state
    return incident


def assign_responder(
    session: Session, actor: Principal, incident_id: str, responder_org_id: str, *, expected_version: int | None = None
) -> Incident:
    """Assign an incident responder from the insurer's panel; the responder then sees this incident only."""
    with unit_of_work(session):
        incident, before = _step(
            session, actor, incident_id, Action.ASSIGN_RESPONDER, C.RESPONDER_ASSIGNED, expected_version
        )
        with session.no_autoflush:  # one UPDATE (one version) per transition, not one per lookup
            org = party_repo.organizations.get(session, responder_org_id)
            on_panel = party_repo.has_relationship(
                session, RelationshipKind.INSURER_PANEL, incident.insurer_org_id, responder_org_id
            )
        if org is None or org.kind != OrgKind.INCIDENT_RESPONDER.value or not on_panel:
            raise NotFound("incident responder on the insurer's panel", responder_org_id)
        incident.responder_org_id = responder_org_id
        return _done(session, actor, incident, "assign_responder", before)


def submit_forensics(
    session: Session,
    actor: Principal,
    incident_id: str,
    findings: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Incident:
    """The assigned responder files its forensic findings (again, to add to them)."""
    with unit_of_work(session):
        incident, before = _step(
            session, actor, incident_id, Action.SUBMIT_FORENSICS, C.FORENSICS_SUBMITTED, expected_version
        )
        if incident.responder_org_id is None:
            raise Conflict(Said("api.error.no_responder"), current_state=incident.state)
        _with(
            incident,
            "forensics",
            {"by": actor.org_id, "at": clock.now().isoformat(), "findings": dict(findings)},
            append=True,
        )
        return _done(session, actor, incident, "submit_forensics", before)


def record_coverage_decision(
    session: Session,
    actor: Principal,
    incident_id: str,
    decision: Mapping[str, Any],
    covered: bool,
    *,
    expected_version: int | None = None,
) -> Incident:
    """Record the claims engine's coverage decision (定责); a claim with nothing covered is denied."""
    target = C.COVERAGE_DECIDED if covered else C.DENIED
    with unit_of_work(session):
        incident, before = _step(session, actor, incident_id, Action.DECIDE_COVERAGE, target, expected_version)
        _with(incident, "decision", {**dict(decision), "covered": covered})
        return _done(session, actor, incident, "decide_coverage", before)


def record_loss_adjustment(
    session: Session,
    actor: Principal,
    incident_id: str,
    adjustment: Mapping[str, Any],
    adjusted_loss: Decimal,
    *,
    expected_version: int | None = None,
) -> Incident:
    """Record the adjusted loss (before any policy term, rule 16) and the adjuster's working."""
    with unit_of_work(session):
        incident, before = _step(session, actor, incident_id, Action.ADJUST_LOSS, C.LOSS_ADJUSTED, expected_version)
        money(adjusted_loss, incident.currency, "adjusted_loss")
        _with(incident, "adjustment", {**dict(adjustment), "adjusted_loss": format(adjusted_loss, "f")})
        return _done(session, actor, incident, "adjust_loss", before)


def record_settlement(
    session: Session,
    actor: Principal,
    incident_id: str,
    statement: Mapping[str, Any],
    payable: Decimal,
    *,
    denied_reason: str | None = None,
    expected_version: int | None = None,
) -> Incident:
    """Record the terms engine's settlement: the payable amount and its statement (or a denial)."""
    target = C.DENIED if denied_reason else C.SETTLED
    with unit_of_work(session):
        incident, before = _step(session, actor, incident_id, Action.SETTLE, target, expected_version)
        money(payable, incident.currency, "payable")
        incident.settled_amount = Decimal(0) if denied_reason else payable
        _with(incident, "settlement", {**dict(statement), "payable": format(payable, "f"), "denied": denied_reason})
        return _done(session, actor, incident, "settle", before)


def close_claim(
    session: Session, actor: Principal, incident_id: str, reason: str = "", *, expected_version: int | None = None
) -> Incident:
    with unit_of_work(session):
        incident, before = _step(session, actor, incident_id, Action.CLOSE_CLAIM, C.CLOSED, expected_version)
        outstanding = (incident.settled_amount or Decimal(0)) - incident.paid_amount
        if outstanding > 0:
            raise Conflict(
                Said("api.error.still_to_pay", {"amount": outstanding, "currency": incident.currency}),
                current_state=C.SETTLED.value,
            )
        _with(incident, "closed", {"reason": reason})
        return _done(session, actor, incident, "close", before)


def reopen_claim(
    session: Session,
    actor: Principal,
    incident_id: str,
    reason: str,
    *,
    expected_version: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Incident:
    if not reason.strip():
        raise InvalidInput.one("reason", Said("input.service.reopen_reason"))
    with unit_of_work(session):
        incident, before = _step(session, actor, incident_id, Action.REOPEN_CLAIM, C.REOPENED, expected_version)
        _with(incident, "reopened", {"reason": reason, "at": clock.now().isoformat(), "by": actor.actor}, append=True)
        return _done(session, actor, incident, "reopen", before)


def list_incidents(
    session: Session,
    actor: Principal,
    *,
    state: str | None = None,
    policy_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Incident]:
    limit, offset = page_args(limit, offset)
    filters = {"state": state, "policy_id": policy_id}
    return repo.incidents.page(session, scope_for(actor, "incident"), filters, limit=limit, offset=offset)


def get_incident(session: Session, actor: Principal, incident_id: str) -> Incident:
    return load_visible(session, repo.incidents, "incident", incident_id, actor)


def settled_statement(session: Session, actor: Principal, incident_id: str) -> tuple[Incident, Policy]:
    """A settled claim and the bound policy it was settled under, for whoever sees the claim: its settlement
    statement is the claim's document (`documents.settlement`). `NotFound` before the claim is settled."""
    incident = get_incident(session, actor, incident_id)
    settlement = incident.documents.get("settlement")
    if not isinstance(settlement, dict) or not isinstance(settlement.get("statement"), list):
        raise NotFound("settlement_statement", incident_id)
    record = repo.policies.get(session, incident.policy_id)
    assert record is not None  # an incident's policy is a foreign key
    return incident, Policy.model_validate(record.document)

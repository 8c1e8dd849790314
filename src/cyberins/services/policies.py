"""Policies: bind from a wording, cancel with a pro-rata return, expire, renew.

States: active -> expired / renewed / cancelled (`POLICY_MACHINE`). A bound wording is validated as
`cyberins.model.policy.Policy` and stored as given (normalized), so it can be re-validated later.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.loading import parse_model
from cyberins.model.policy import Policy
from cyberins.model.vocab import OrgKind, PolicyState, RelationshipKind
from cyberins.services import audit
from cyberins.services.access import Action, Principal, require, scope_for
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.common import in_currency, load_for, load_visible, money, page_args, under
from cyberins.services.errors import Conflict, NotFound
from cyberins.services.machine import StateMachine, transition
from cyberins.services.premium import pro_rata_return
from cyberins.services.uow import unit_of_work
from cyberins.store.models import PolicyRecord
from cyberins.store.repos import lifecycle as repo
from cyberins.store.repos import parties as party_repo
from cyberins.store.repos.aggregates import Page

P = PolicyState

POLICY_MACHINE = StateMachine(
    "policy",
    initial=frozenset({P.ACTIVE.value}),
    transitions={
        "cancel": transition({P.ACTIVE}, {P.CANCELLED}),
        "expire": transition({P.ACTIVE}, {P.EXPIRED}),
        "renew": transition({P.ACTIVE, P.EXPIRED}, {P.RENEWED}),
    },
)


def org_of_kind(session: Session, org_id: str, kind: OrgKind) -> None:
    org = party_repo.organizations.get(session, org_id)
    if org is None or org.kind != kind.value:
        raise NotFound("organization", org_id)


def validate_document(document: Mapping[str, Any], *, require_number: bool = True) -> Policy:
    """The wording as a `Policy`; problems name the field under `document.`. A quoted wording may still lack
    its number; a bound one carries it."""
    try:
        policy = parse_model(Policy, dict(document) if isinstance(document, Mapping) else document, "document")
    except InvalidInput as exc:
        raise under("document", exc) from None
    if require_number and not policy.policy_number:
        raise InvalidInput.one(
            "document.policy_number", Said("input.service.policy_number_missing", {"field": "policy_number"})
        )
    return policy


def new_policy(
    session: Session,
    actor: Principal,
    document: Mapping[str, Any],
    premium: Decimal,
    currency: str,
    parties: tuple[str, str, str | None],
    **links: str | None,
) -> PolicyRecord:
    policy = validate_document(document)
    money(premium, currency, "premium", positive=True)
    if currency != policy.currency:
        raise InvalidInput.one("currency", in_currency("policy", policy.currency))
    assert policy.policy_number is not None
    insured, insurer, broker = parties
    if repo.policy_by_number(session, insurer, policy.policy_number) is not None:
        raise Conflict(Said("api.error.policy_number_taken", {"number": repr(policy.policy_number)}))
    record = PolicyRecord(
        policy_number=policy.policy_number,
        insured_org_id=insured,
        insurer_org_id=insurer,
        broker_org_id=broker,
        state=P.ACTIVE.value,
        document=policy.model_dump(mode="json", exclude_unset=True),  # the wording as given, re-validatable
        period_start=policy.period.start,
        period_end=policy.period.end,
        premium=premium,
        currency=currency,
        **links,
    )
    repo.policies.add(session, record)
    audit.record(session, actor, "policy.bind", "policy", record.id, before=None, after=record)
    return record


def create_policy(
    session: Session,
    actor: Principal,
    document: Mapping[str, Any],
    premium: Decimal,
    currency: str,
    insured_org_id: str,
    broker_org_id: str | None = None,
    insurer_org_id: str | None = None,
) -> PolicyRecord:
    """Bind a policy straight from its wording (a book taken over, a renewal agreed offline, the demo)."""
    insurer = insurer_org_id if actor.system and insurer_org_id else actor.org_id
    with unit_of_work(session):
        if not actor.system and insured_org_id not in party_repo.linked_org_ids(session, actor.org_id):
            raise NotFound("organization", insured_org_id)
        require(actor, Action.BIND)
        org_of_kind(session, insured_org_id, OrgKind.INSURED)
        org_of_kind(session, insurer, OrgKind.INSURER)
        if broker_org_id is not None and not party_repo.has_relationship(
            session, RelationshipKind.BROKER_CLIENT, broker_org_id, insured_org_id
        ):
            raise InvalidInput.one("broker_org_id", Said("input.service.broker_not_representing"))
        return new_policy(session, actor, document, premium, currency, (insured_org_id, insurer, broker_org_id))


def cancel_policy(
    session: Session,
    actor: Principal,
    policy_id: str,
    effective: date,
    reason: str,
    *,
    expected_version: int | None = None,
) -> PolicyRecord:
    """Cancel from `effective` (00:00 that day) and return the unused premium pro rata by day."""
    with unit_of_work(session):
        record = load_for(session, repo.policies, "policy", policy_id, actor, Action.CANCEL_POLICY, expected_version)
        before = audit.digest(record)
        record.state = POLICY_MACHINE.check("cancel", record.state, P.CANCELLED)
        if effective > record.period_end:
            raise InvalidInput.one("effective_date", Said("input.service.after_period_end", {"end": record.period_end}))
        record.cancelled_on = max(effective, record.period_start)
        record.cancel_reason = reason
        record.return_premium = pro_rata_return(
            record.premium, record.currency, record.period_start, record.period_end, effective
        )
        audit.record(session, actor, "policy.cancel", "policy", record.id, before=before, after=record)
    return record


def expire_policy(
    session: Session,
    actor: Principal,
    policy_id: str,
    *,
    expected_version: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> PolicyRecord:
    """Mark a policy expired once its period has ended (read in the policy's own zone, rule 10)."""
    with unit_of_work(session):
        record = load_for(session, repo.policies, "policy", policy_id, actor, Action.EXPIRE_POLICY, expected_version)
        before = audit.digest(record)
        _, end = Policy.model_validate(record.document).period_bounds()
        if clock.now() < end:
            raise Conflict(Said("api.error.period_runs_until", {"end": end.isoformat()}), current_state=record.state)
        record.state = POLICY_MACHINE.check("expire", record.state, P.EXPIRED)
        audit.record(session, actor, "policy.expire", "policy", record.id, before=before, after=record, clock=clock)
    return record


def renew_policy(
    session: Session,
    actor: Principal,
    policy_id: str,
    document: Mapping[str, Any],
    premium: Decimal,
    currency: str,
    *,
    expected_version: int | None = None,
) -> PolicyRecord:
    """Bind the renewal of a policy; the old one becomes `renewed` and the new one names it."""
    with unit_of_work(session):
        old = load_for(session, repo.policies, "policy", policy_id, actor, Action.RENEW_POLICY, expected_version)
        before = audit.digest(old)
        old.state = POLICY_MACHINE.check("renew", old.state, P.RENEWED)
        if validate_document(document).period.start <= old.period_start:
            raise InvalidInput.one("document.period.start", Said("input.service.renewal_starts_after"))
        parties = (old.insured_org_id, old.insurer_org_id, old.broker_org_id)
        new = new_policy(session, actor, document, premium, currency, parties, renewal_of_id=old.id)
        audit.record(session, actor, "policy.renew", "policy", old.id, before=before, after=old)
    return new


def list_policies(
    session: Session,
    actor: Principal,
    *,
    state: str | None = None,
    insured_org_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[PolicyRecord]:
    limit, offset = page_args(limit, offset)
    filters = {"state": state, "insured_org_id": insured_org_id}
    return repo.policies.page(session, scope_for(actor, "policy"), filters, limit=limit, offset=offset)


def get_policy(session: Session, actor: Principal, policy_id: str) -> PolicyRecord:
    return load_visible(session, repo.policies, "policy", policy_id, actor)

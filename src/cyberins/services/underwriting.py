"""Underwriting lifecycle: submission -> assessed -> quoted -> bound (the policy is then active, and
`cyberins.services.policies` takes over: expired / renewed / cancelled).

Assessment and quoting are done by the engines (`cyberins.assess`, `cyberins.pricing`); the transitions
here take their *results* and record them, and `cyberins.services.assessment` runs the engines before them.
A submission's profile is validated as the assessor reads it; a bind takes the quoted wording and premium.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from cyberins.assess import OrganizationProfile
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.loading import parse_model
from cyberins.model.vocab import OrgKind, RelationshipKind, SubmissionState
from cyberins.services import audit
from cyberins.services.access import Action, Principal, require, scope_for
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.common import in_currency, load_for, load_visible, money, page_args, under
from cyberins.services.errors import NotFound
from cyberins.services.machine import StateMachine, transition
from cyberins.services.policies import new_policy, org_of_kind, validate_document
from cyberins.services.uow import unit_of_work
from cyberins.store.models import PolicyRecord, Submission
from cyberins.store.repos import lifecycle as repo
from cyberins.store.repos import parties as party_repo
from cyberins.store.repos.aggregates import Page

S = SubmissionState

SUBMISSION_MACHINE = StateMachine(
    "submission",
    initial=frozenset({S.SUBMITTED.value}),
    transitions={
        "assess": transition({S.SUBMITTED, S.ASSESSED}, {S.ASSESSED}),
        "quote": transition({S.ASSESSED, S.QUOTED}, {S.QUOTED}),
        "bind": transition({S.QUOTED}, {S.BOUND}),
        "decline": transition({S.SUBMITTED, S.ASSESSED, S.QUOTED}, {S.DECLINED}),
        "withdraw": transition({S.SUBMITTED, S.ASSESSED, S.QUOTED}, {S.WITHDRAWN}),
    },
)


def validate_profile(data: Mapping[str, Any]) -> OrganizationProfile:
    """A submission's profile as the assessor reads it (`cyberins.assess.OrganizationProfile`); problems name
    the field under `profile.`. Calibration overrides are the insurer's, never the applicant's."""
    try:
        profile = parse_model(OrganizationProfile, dict(data), "profile")
    except InvalidInput as exc:
        raise under("profile", exc) from None
    if profile.calibration_overrides:
        raise InvalidInput.one("profile.calibration_overrides", Said("input.service.insurer_calibration"))
    return profile


def submit(
    session: Session,
    actor: Principal,
    insurer_org_id: str,
    profile: Mapping[str, Any],
    insured_org_id: str | None = None,
) -> Submission:
    """An insured asks an insurer for cover (a broker does so for one of its clients) with a valid profile."""
    with unit_of_work(session):
        insured = insured_org_id or actor.org_id
        if not actor.system and insured not in party_repo.linked_org_ids(session, actor.org_id):
            raise NotFound("organization", insured)
        require(actor, Action.SUBMIT)
        broker = None
        if actor.org_kind is OrgKind.BROKER and not actor.system:
            if not party_repo.has_relationship(session, RelationshipKind.BROKER_CLIENT, actor.org_id, insured):
                raise InvalidInput.one("insured_org_id", Said("input.service.name_client"))
            broker = actor.org_id
        elif not actor.system and insured != actor.org_id:
            raise InvalidInput.one("insured_org_id", Said("input.service.insured_for_itself"))
        org_of_kind(session, insured, OrgKind.INSURED)
        org_of_kind(session, insurer_org_id, OrgKind.INSURER)
        checked = validate_profile(profile).model_dump(mode="json", exclude_unset=True)
        sub = Submission(
            insured_org_id=insured,
            insurer_org_id=insurer_org_id,
            broker_org_id=broker,
            state=S.SUBMITTED.value,
            profile=checked,
        )
        repo.submissions.add(session, sub)
        audit.record(session, actor, "submission.submit", "submission", sub.id, before=None, after=sub)
    return sub


def _advance(
    session: Session, actor: Principal, submission_id: str, action: Action, expected: int | None
) -> tuple[Submission, str | None]:
    sub = load_for(session, repo.submissions, "submission", submission_id, actor, action, expected)
    return sub, audit.digest(sub)


def record_assessment(
    session: Session,
    actor: Principal,
    submission_id: str,
    model_summary: Mapping[str, Any],
    seed: int,
    *,
    expected_version: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Submission:
    """Record the assessment engine's result (its summary and the seed that reproduces it)."""
    with unit_of_work(session):
        sub, before = _advance(session, actor, submission_id, Action.ASSESS, expected_version)
        sub.state = SUBMISSION_MACHINE.check("assess", sub.state, S.ASSESSED)
        sub.assessment = {"summary": dict(model_summary), "seed": seed, "at": clock.now().isoformat()}
        audit.record(session, actor, "submission.assess", "submission", sub.id, before=before, after=sub, clock=clock)
    return sub


def record_quote(
    session: Session,
    actor: Principal,
    submission_id: str,
    premium: Decimal,
    currency: str,
    details: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Submission:
    """Record the pricing engine's quote: the premium offered and the engine's details (grid, loads ...)."""
    money(premium, currency, "premium", positive=True)
    with unit_of_work(session):
        sub, before = _advance(session, actor, submission_id, Action.QUOTE, expected_version)
        sub.state = SUBMISSION_MACHINE.check("quote", sub.state, S.QUOTED)
        sub.quote = {"premium": format(premium, "f"), "currency": currency, "details": dict(details)}
        audit.record(session, actor, "submission.quote", "submission", sub.id, before=before, after=sub)
    return sub


def decline(
    session: Session, actor: Principal, submission_id: str, reason: str, *, expected_version: int | None = None
) -> Submission:
    """The insurer declines to quote (or withdraws its quote)."""
    return _close(session, actor, submission_id, Action.DECLINE, "decline", S.DECLINED, reason, expected_version)


def withdraw(
    session: Session, actor: Principal, submission_id: str, reason: str, *, expected_version: int | None = None
) -> Submission:
    """The insured (or its broker) withdraws the request before it is bound."""
    return _close(session, actor, submission_id, Action.SUBMIT, "withdraw", S.WITHDRAWN, reason, expected_version)


def _close(
    session: Session,
    actor: Principal,
    submission_id: str,
    action: Action,
    step: str,
    target: SubmissionState,
    reason: str,
    expected_version: int | None,
) -> Submission:
    with unit_of_work(session):
        sub, before = _advance(session, actor, submission_id, action, expected_version)
        sub.state = SUBMISSION_MACHINE.check(step, sub.state, target)
        sub.quote = {**(sub.quote or {}), f"{target.value}_reason": reason}
        audit.record(session, actor, f"submission.{step}", "submission", sub.id, before=before, after=sub)
    return sub


def quoted_terms(
    sub: Submission,
    document: Mapping[str, Any] | None,
    premium: Decimal | None,
    currency: str | None,
    policy_number: str | None,
) -> tuple[dict[str, Any], Decimal, str]:
    """The wording, premium and currency a bind takes: the quote's. What the caller restates must agree with
    it (to change a term, quote again); the policy number may be given here if the quoted wording has none."""
    quote: Mapping[str, Any] = sub.quote or {}
    quoted_premium, quoted_currency = Decimal(str(quote.get("premium", "0"))), str(quote.get("currency", ""))
    if premium is not None and premium != quoted_premium:
        raise InvalidInput.one(
            "premium", Said("input.service.quoted_premium", {"premium": quoted_premium, "currency": quoted_currency})
        )
    if currency is not None and currency != quoted_currency:
        raise InvalidInput.one("currency", in_currency("quote", quoted_currency))
    quoted = quote.get("details", {}).get("policy")
    if document is None and quoted is None:
        raise InvalidInput.one("document", Said("input.service.quote_no_wording"))
    wording = dict(document if document is not None else quoted)
    if document is not None and quoted is not None:
        given = validate_document(document, require_number=False).model_copy(update={"policy_number": None})
        offered = validate_document(quoted, require_number=False).model_copy(update={"policy_number": None})
        if given != offered:
            raise InvalidInput.one("document", Said("input.service.wording_differs"))
    if policy_number is not None:
        if wording.get("policy_number") not in (None, policy_number):
            raise InvalidInput.one(
                "policy_number", Said("input.service.differs_from", {"field": "document.policy_number"})
            )
        wording["policy_number"] = policy_number
    return wording, quoted_premium, quoted_currency


def bind_submission(
    session: Session,
    actor: Principal,
    submission_id: str,
    document: Mapping[str, Any] | None = None,
    premium: Decimal | None = None,
    currency: str | None = None,
    *,
    policy_number: str | None = None,
    expected_version: int | None = None,
) -> PolicyRecord:
    """Bind a quoted submission: the quoted wording at the quoted premium becomes an active policy."""
    with unit_of_work(session):
        sub, before = _advance(session, actor, submission_id, Action.BIND, expected_version)
        sub.state = SUBMISSION_MACHINE.check("bind", sub.state, S.BOUND)
        wording, amount, curr = quoted_terms(sub, document, premium, currency, policy_number)
        parties = (sub.insured_org_id, sub.insurer_org_id, sub.broker_org_id)
        record = new_policy(session, actor, wording, amount, curr, parties, submission_id=sub.id)
        audit.record(session, actor, "submission.bind", "submission", sub.id, before=before, after=sub)
    return record


def list_submissions(
    session: Session, actor: Principal, *, state: str | None = None, limit: int = 50, offset: int = 0
) -> Page[Submission]:
    limit, offset = page_args(limit, offset)
    scope = scope_for(actor, "submission")
    return repo.submissions.page(session, scope, {"state": state}, limit=limit, offset=offset)


def get_submission(session: Session, actor: Principal, submission_id: str) -> Submission:
    return load_visible(session, repo.submissions, "submission", submission_id, actor)

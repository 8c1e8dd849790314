"""The main job (`cyberins run`): one insured taken through the whole lifecycle on the platform.

The engines first quote the organisation as it stands (`cyberins.underwriting.underwrite`). Then, on a fresh
database, each party acts through the same services the API calls, as a principal of its own organization:
the broker submits the profile and the insurer's underwriter assesses it. A risk the eligibility baseline
declines is refused a quote (409) and declined; the insured carries out the remedies
(`cyberins.assess.plan_remediation`), the broker submits again, and the underwriter assesses, quotes and binds
it. The quote runs on the seed and years of the engine quote, so its premium is the engine's premium once
fixed. The example incident is then reported on that policy and taken through the claim: responder,
forensics, coverage decision, loss adjustment, settlement (`services/adjusting.py`, the same engines), one
payment (retried once with the same idempotency key), closing. Last, the insurer verifies the audit chain.

The bound wording names the profile's organisation as insured and keeps the wording's policy number (else
the incident's: the two must agree, rule 12), so the report and the statement name the same insured and
policy. The platform's clock at the claim's report is the incident's own `reported_at`, so the notice is
read as the file states it (the policy's reporting deadline counts from there), whenever `run` is run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cyberins.assess import OrganizationProfile
from cyberins.claims import ClaimAdjustment, adjust_claim, resolve_policy
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Coverage
from cyberins.model.incident import Incident as Findings
from cyberins.model.loading import parse_model
from cyberins.model.policy import Insured, Policy
from cyberins.model.vocab import IncidentState, OrgKind, Role
from cyberins.services import adjusting, assessment, audit_check, claims, parties, payments, underwriting
from cyberins.services.access import Principal
from cyberins.services.audit_check import AuditReport
from cyberins.services.clock import FixedClock
from cyberins.services.demo import BROKER_EAST, INSURER, RESPONDER
from cyberins.services.errors import Conflict
from cyberins.services.secrets import audit_key
from cyberins.settings import Settings
from cyberins.store import make_engine, session_factory, upgrade
from cyberins.store.models import Incident, PolicyRecord, Submission
from cyberins.underwriting import QuoteOptions, UnderwritingResult, underwrite


@dataclass(frozen=True)
class MainJobInputs:
    """The organisation, the wording offered, the incident to claim, and the engines' seed and years."""

    profile: OrganizationProfile
    policy: Policy
    incident: Findings
    options: QuoteOptions


class Party(StrEnum):
    INSURER = "insurer"
    BROKER = "broker"
    INSURED = "insured"
    RESPONDER = "incident_responder"


@dataclass(frozen=True)
class Step:
    """One thing a party did, the state its entity was left in, and the money it moved or named."""

    party: Party
    #: A stable id: `submit`, `assess`, `quote_refused`, `decline`, `remediate`, `quote`, `bind`, `report`, ...
    action: str
    #: The vocabulary state of the submission, policy or claim after the step (`remediate`: the eligibility
    #: outcome once the remedies are in place; `verify_audit`: `intact` or `broken`).
    state: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class MainJob:
    #: The engines' quote of the organisation as it stands (with its remedies when declined).
    quote: UnderwritingResult
    #: The platform's 409 on quoting the risk as it stands; None when the baseline does not decline it.
    refusal: str | None
    submissions: tuple[Submission, ...]
    policy: PolicyRecord
    claim: Incident
    #: The settlement as the claims engine gave it, for the statement.
    statement: ClaimAdjustment
    chain: AuditReport
    steps: tuple[Step, ...]


@dataclass
class _Cast:
    """The principals who act: each of its own organization, with the role its steps need."""

    underwriter: Principal
    claims_handler: Principal
    admin: Principal
    broker: Principal
    insured: Principal
    responder: Principal
    steps: list[Step] = field(default_factory=list)

    def did(self, party: Party, action: str, state: str, amount: Decimal | None = None) -> None:
        self.steps.append(Step(party, action, state, amount))


def run_main_job(database: Path, inputs: MainJobInputs) -> MainJob:
    """Run the main job on a new SQLite database at `database` (an existing file there is replaced)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):  # SQLite's write-ahead log and index, so nothing of a last run survives
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{database}")
    try:
        upgrade(engine)
        key = audit_key(Settings(database_url=f"sqlite:///{database}"))  # the key file beside the database
        with session_factory(engine, key)() as session:
            return walk(session, inputs)
    finally:
        engine.dispose()


def walk(session: Session, inputs: MainJobInputs) -> MainJob:
    """The main job on the (empty, migrated) database behind `session`."""
    wording = bound_wording(inputs.profile, inputs.policy, inputs.incident)
    quote = underwrite(inputs.profile, wording, inputs.options)
    # The platform simulates the same years as the engine quote, so its premium is the engine's once fixed.
    inputs = replace(inputs, options=replace(inputs.options, years=quote.simulation.years))
    if quote.remediation is not None and quote.remediated is None:
        raise InvalidInput.one("profile", Said("input.service.remedies_still_decline"))
    cast, responder_org_id = _parties(session, inputs.profile)
    refusal, declined, fixed = None, None, inputs.profile
    if quote.remediation is not None:
        refusal, declined = _declined(session, cast, quote, inputs)
        plan = quote.remediation
        cast.did(Party.INSURED, "remediate", plan.eligibility.outcome.value, plan.annual_cost)
        fixed = plan.profile
    bound, policy = _bind(session, cast, fixed, wording, inputs.options)
    claim = _claim(session, cast, policy, inputs.incident, responder_org_id)
    chain = audit_check.verify(session, cast.admin)
    cast.did(Party.INSURER, "verify_audit", "intact" if chain.ok else "broken")
    return MainJob(
        quote=quote,
        refusal=refusal,
        submissions=(declined, bound) if declined else (bound,),
        policy=policy,
        claim=claim,
        statement=statement_of(claim, policy, inputs.incident),
        chain=chain,
        steps=tuple(cast.steps),
    )


def bound_wording(profile: OrganizationProfile, policy: Policy, incident: Findings) -> Policy:
    """The wording as offered to this organisation: it names the organisation as insured, and carries the
    wording's policy number, else the incident's (rule 12: where both carry one they must agree)."""
    resolve_policy(incident, policy)
    number = policy.policy_number or incident.policy_number
    if number is None:
        raise InvalidInput.one("policy_number", Said("input.service.policy_number_needed"))
    insured = Insured(name=profile.name, name_zh=profile.name_zh)
    return policy.model_copy(update={"insured": insured, "policy_number": number})


def _parties(session: Session, profile: OrganizationProfile) -> tuple[_Cast, str]:
    """The insurer and the broker (registered by the platform), the broker's client (the insured) and the
    insurer's panel responder (each registered by its counterpart, which links them)."""
    system = Principal.system_actor()
    insurer = parties.create_organization(session, system, INSURER, OrgKind.INSURER, country="CN")
    broker = parties.create_organization(session, system, BROKER_EAST, OrgKind.BROKER, country="CN")
    broker_admin = Principal(broker.id, OrgKind.BROKER, Role.ADMIN)
    country = "CN" if profile.jurisdiction == "CN" else None
    insured = parties.create_organization(session, broker_admin, profile.name, OrgKind.INSURED, country=country)
    insurer_admin = Principal(insurer.id, OrgKind.INSURER, Role.ADMIN)
    responder = parties.create_organization(session, insurer_admin, RESPONDER, OrgKind.INCIDENT_RESPONDER)
    cast = _Cast(
        underwriter=Principal(insurer.id, OrgKind.INSURER, Role.UNDERWRITER),
        claims_handler=Principal(insurer.id, OrgKind.INSURER, Role.CLAIMS_HANDLER),
        admin=insurer_admin,
        broker=Principal(broker.id, OrgKind.BROKER, Role.UNDERWRITER),
        insured=Principal(insured.id, OrgKind.INSURED, Role.CLAIMS_HANDLER),
        responder=Principal(responder.id, OrgKind.INCIDENT_RESPONDER, Role.ANALYST),
    )
    return cast, responder.id


def _assessed(session: Session, cast: _Cast, profile: OrganizationProfile, options: QuoteOptions) -> Submission:
    """The broker submits `profile` for its client; the underwriter assesses it on the engine quote's years."""
    document = profile.model_dump(mode="json", exclude_unset=True)
    insurer_id = cast.underwriter.org_id
    sub = underwriting.submit(session, cast.broker, insurer_id, document, insured_org_id=cast.insured.org_id)
    cast.did(Party.BROKER, "submit", sub.state)
    sub = assessment.assess_submission(session, cast.underwriter, sub.id, seed=options.seed, years=options.years)
    cast.did(Party.INSURER, "assess", sub.state)
    return sub


def _declined(
    session: Session, cast: _Cast, quote: UnderwritingResult, inputs: MainJobInputs
) -> tuple[str, Submission]:
    """The risk as it stands: assessed, refused a quote by the eligibility baseline (409), declined."""
    sub = _assessed(session, cast, inputs.profile, inputs.options)
    try:
        assessment.quote_submission(
            session, cast.underwriter, sub.id, _document(quote.policy), basis=inputs.options.basis
        )
    except Conflict as exc:
        refusal = str(exc)
    else:  # the platform and the engine read one baseline; a quote here would be a bug worth stopping on
        raise Conflict(Said("api.error.quoted_declined_risk"), current_state=sub.state)
    cast.did(Party.INSURER, "quote_refused", sub.state)
    sub = underwriting.decline(session, cast.underwriter, sub.id, refusal)
    cast.did(Party.INSURER, "decline", sub.state)
    return refusal, sub


def _bind(
    session: Session, cast: _Cast, profile: OrganizationProfile, wording: Policy, options: QuoteOptions
) -> tuple[Submission, PolicyRecord]:
    sub = _assessed(session, cast, profile, options)
    sub = assessment.quote_submission(session, cast.underwriter, sub.id, _document(wording), basis=options.basis)
    premium = Decimal(sub.quote["premium"]) if sub.quote else None
    cast.did(Party.INSURER, "quote", sub.state, premium)
    policy = underwriting.bind_submission(session, cast.underwriter, sub.id)
    cast.did(Party.INSURER, "bind", sub.state, policy.premium)
    return sub, policy


def _document(policy: Policy) -> dict[str, Any]:
    return policy.model_dump(mode="json", exclude_unset=True)


def _claim(session: Session, cast: _Cast, policy: PolicyRecord, incident: Findings, responder_org_id: str) -> Incident:
    """Report, assign, investigate, decide, adjust, settle, pay (once, though asked twice) and close."""
    clock = FixedClock(incident.reported_at)
    summary = incident.description or ", ".join(e.value for e in incident.event_types)
    details = {"event_types": [e.value for e in incident.event_types]}
    claim = claims.report_incident(
        session, cast.insured, policy.id, summary, incident.occurred_at, incident.discovered_at, details, clock=clock
    )
    cast.did(Party.INSURED, "report", claim.state)
    if claim.state == IncidentState.DENIED:  # a late notice is denied on report
        return _closed(session, cast, claim)
    claim = claims.assign_responder(session, cast.claims_handler, claim.id, responder_org_id)
    cast.did(Party.INSURER, "assign_responder", claim.state)
    findings = incident.model_dump(mode="json", exclude_unset=True)
    claim = claims.submit_forensics(session, cast.responder, claim.id, findings, clock=clock)
    cast.did(Party.RESPONDER, "submit_forensics", claim.state)
    claim = adjusting.decide_coverage(session, cast.claims_handler, claim.id)
    cast.did(Party.INSURER, "decide_coverage", claim.state)
    if claim.state == IncidentState.DENIED:
        return _closed(session, cast, claim)
    claim = adjusting.adjust_loss(session, cast.claims_handler, claim.id)
    cast.did(Party.INSURER, "adjust_loss", claim.state, Decimal(claim.documents["adjustment"]["adjusted_loss"]))
    claim = adjusting.settle_claim(session, cast.claims_handler, claim.id)
    cast.did(Party.INSURER, "settle", claim.state, claim.settled_amount)
    if claim.settled_amount:
        _pay(session, cast, claim)
    return _closed(session, cast, claim)


def _pay(session: Session, cast: _Cast, claim: Incident) -> None:
    """Pay what was settled, then retry the same request (as a client whose answer was lost would): the retry
    returns the first payment and pays nothing more."""
    key = f"main-job-{claim.id}"
    amount = claim.settled_amount or Decimal(0)
    payment, _ = payments.pay_claim(session, cast.claims_handler, claim.id, amount, claim.currency, key)
    cast.did(Party.INSURER, "pay", claim.state, payment.amount)
    replay, new = payments.pay_claim(session, cast.claims_handler, claim.id, amount, claim.currency, key)
    if new or replay.id != payment.id:
        raise Conflict(Said("api.error.paid_twice"), current_state=claim.state)
    cast.did(Party.INSURER, "pay_retried", claim.state, Decimal(0))


def _closed(session: Session, cast: _Cast, claim: Incident) -> Incident:
    claim = claims.close_claim(session, cast.claims_handler, claim.id, "main job")
    cast.did(Party.INSURER, "close", claim.state)
    return claim


def statement_of(claim: Incident, policy: PolicyRecord, reported: Findings) -> ClaimAdjustment:
    """The claims engine's adjustment behind the claim's outcome, for its statement: the findings it was
    settled (else decided) on, under the bound wording and the prior payments it was settled with, checked
    against the stored payable; a claim denied on report is shown on the findings as reported."""
    settled: dict[str, Any] = claim.documents.get("settlement") or {}
    stored = settled.get("findings") or (claim.documents.get("decision") or {}).get("findings")
    findings = parse_model(Findings, stored, "findings") if stored else reported
    prior = {Coverage(c): Decimal(v) for c, v in settled.get("prior_paid", {}).items()}
    adjustment = adjust_claim(findings, Policy.model_validate(policy.document), prior)
    if settled and adjustment.total_payable != Decimal(settled["payable"]):
        raise Conflict(Said("api.error.statement_mismatch"), current_state=claim.state)
    return adjustment

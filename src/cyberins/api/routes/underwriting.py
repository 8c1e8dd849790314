"""Submissions and policies. Binding answers once per `Idempotency-Key`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from cyberins.api.deps import ClockDep, IdempotencyKey, PrincipalDep, SessionDep, SettingsDep
from cyberins.api.routes.common import Limit, Offset, replay_documented, replayable
from cyberins.api.schemas.common import ERROR_RESPONSES, Page, page_of
from cyberins.api.schemas.underwriting import (
    PolicyCancel,
    PolicyCreate,
    PolicyExpire,
    PolicyPublic,
    PolicyRenew,
    SubmissionAssess,
    SubmissionBind,
    SubmissionClose,
    SubmissionCreate,
    SubmissionPublic,
    SubmissionQuote,
)
from cyberins.model.vocab import PolicyState, SubmissionState
from cyberins.services import assessment, idempotency, policies, underwriting

router = APIRouter(responses=ERROR_RESPONSES)


def _policy(record: object) -> dict[str, object]:
    return PolicyPublic.model_validate(record).model_dump(mode="json")


@router.get("/submissions", response_model=Page[SubmissionPublic], tags=["underwriting"])
def list_submissions(
    session: SessionDep,
    principal: PrincipalDep,
    state: SubmissionState | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, object]:
    page = underwriting.list_submissions(session, principal, state=state, limit=limit, offset=offset)
    return page_of(SubmissionPublic, page)


@router.post("/submissions", response_model=SubmissionPublic, status_code=201, tags=["underwriting"])
def submit(body: SubmissionCreate, session: SessionDep, principal: PrincipalDep) -> SubmissionPublic:
    """An insured (or its broker) asks an insurer for cover."""
    sub = underwriting.submit(session, principal, body.insurer_org_id, body.profile, body.insured_org_id)
    return SubmissionPublic.model_validate(sub)


@router.get("/submissions/{submission_id}", response_model=SubmissionPublic, tags=["underwriting"])
def get_submission(submission_id: str, session: SessionDep, principal: PrincipalDep) -> SubmissionPublic:
    return SubmissionPublic.model_validate(underwriting.get_submission(session, principal, submission_id))


@router.post("/submissions/{submission_id}/assess", response_model=SubmissionPublic, tags=["underwriting"])
def assess_submission(
    submission_id: str,
    body: SubmissionAssess,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> SubmissionPublic:
    """Assess the profile: risk model, simulated gross AAL/VaR/TVaR, expected loss by event type, the factors
    that explain it and eligibility, stored with the catalog version, seed and years that reproduce it."""
    seed = settings.seed if body.seed is None else body.seed
    sub = assessment.assess_submission(
        session, principal, submission_id, seed=seed, years=body.years, expected_version=body.version, clock=clock
    )
    return SubmissionPublic.model_validate(sub)


@router.post("/submissions/{submission_id}/quote", response_model=SubmissionPublic, tags=["underwriting"])
def quote_submission(
    submission_id: str, body: SubmissionQuote, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> SubmissionPublic:
    """Price the wording on the assessed model (same seed and years): technical premium, its build-up and,
    when asked, a limit × retention grid; a tier's controls are assessed in. 409 when eligibility declines."""
    tier = assessment.Tier(body.tier.name, tuple(body.tier.controls)) if body.tier else None
    grid = assessment.GridOptions(tuple(body.grid.limits), tuple(body.grid.retentions)) if body.grid else None
    sub = assessment.quote_submission(
        session,
        principal,
        submission_id,
        body.document,
        tier=tier,
        grid=grid,
        tiers=[assessment.Tier(t.name, tuple(t.controls)) for t in body.tiers],
        expected_version=body.version,
        clock=clock,
    )
    return SubmissionPublic.model_validate(sub)


@router.post("/submissions/{submission_id}/decline", response_model=SubmissionPublic, tags=["underwriting"])
def decline_submission(
    submission_id: str, body: SubmissionClose, session: SessionDep, principal: PrincipalDep
) -> SubmissionPublic:
    """The insurer declines to quote."""
    sub = underwriting.decline(session, principal, submission_id, body.reason, expected_version=body.version)
    return SubmissionPublic.model_validate(sub)


@router.post("/submissions/{submission_id}/withdraw", response_model=SubmissionPublic, tags=["underwriting"])
def withdraw_submission(
    submission_id: str, body: SubmissionClose, session: SessionDep, principal: PrincipalDep
) -> SubmissionPublic:
    """The insured, or its broker, withdraws the request before it is bound."""
    sub = underwriting.withdraw(session, principal, submission_id, body.reason, expected_version=body.version)
    return SubmissionPublic.model_validate(sub)


@router.post(
    "/submissions/{submission_id}/bind",
    response_model=PolicyPublic,
    status_code=201,
    responses=replay_documented(201),
    tags=["underwriting"],
)
def bind_submission(
    submission_id: str, body: SubmissionBind, key: IdempotencyKey, session: SessionDep, principal: PrincipalDep
) -> JSONResponse:
    """Bind a quoted submission: the quoted wording at the quoted premium becomes an active policy."""

    def run() -> tuple[int, dict[str, object]]:
        record = underwriting.bind_submission(
            session,
            principal,
            submission_id,
            body.document,
            body.premium,
            body.currency,
            policy_number=body.policy_number,
            expected_version=body.version,
        )
        return 201, _policy(record)

    request = {"submission_id": submission_id, **body.model_dump(mode="json")}
    endpoint = "POST /submissions/{id}/bind"
    return replayable(idempotency.once(session, principal, key, endpoint, request, run))


@router.get("/policies", response_model=Page[PolicyPublic], tags=["underwriting"])
def list_policies(
    session: SessionDep,
    principal: PrincipalDep,
    state: PolicyState | None = None,
    insured_org_id: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, object]:
    page = policies.list_policies(
        session, principal, state=state, insured_org_id=insured_org_id, limit=limit, offset=offset
    )
    return page_of(PolicyPublic, page)


@router.post(
    "/policies",
    response_model=PolicyPublic,
    status_code=201,
    responses=replay_documented(201),
    tags=["underwriting"],
)
def create_policy(
    body: PolicyCreate, key: IdempotencyKey, session: SessionDep, principal: PrincipalDep
) -> JSONResponse:
    """Bind a policy from its wording (validated as `cyberins policy check` does) and premium."""

    def run() -> tuple[int, dict[str, object]]:
        record = policies.create_policy(
            session, principal, body.document, body.premium, body.currency, body.insured_org_id, body.broker_org_id
        )
        return 201, _policy(record)

    return replayable(idempotency.once(session, principal, key, "POST /policies", body.model_dump(mode="json"), run))


@router.get("/policies/{policy_id}", response_model=PolicyPublic, tags=["underwriting"])
def get_policy(policy_id: str, session: SessionDep, principal: PrincipalDep) -> PolicyPublic:
    return PolicyPublic.model_validate(policies.get_policy(session, principal, policy_id))


@router.post("/policies/{policy_id}/cancel", response_model=PolicyPublic, tags=["underwriting"])
def cancel_policy(policy_id: str, body: PolicyCancel, session: SessionDep, principal: PrincipalDep) -> PolicyPublic:
    """Cancel from `effective_date`; the unused premium is returned pro rata by day."""
    record = policies.cancel_policy(
        session, principal, policy_id, body.effective_date, body.reason, expected_version=body.version
    )
    return PolicyPublic.model_validate(record)


@router.post("/policies/{policy_id}/expire", response_model=PolicyPublic, tags=["underwriting"])
def expire_policy(
    policy_id: str, body: PolicyExpire, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> PolicyPublic:
    """Mark the policy expired; 409 while its period is still running."""
    record = policies.expire_policy(session, principal, policy_id, expected_version=body.version, clock=clock)
    return PolicyPublic.model_validate(record)


@router.post(
    "/policies/{policy_id}/renew",
    response_model=PolicyPublic,
    status_code=201,
    responses=replay_documented(201),
    tags=["underwriting"],
)
def renew_policy(
    policy_id: str, body: PolicyRenew, key: IdempotencyKey, session: SessionDep, principal: PrincipalDep
) -> JSONResponse:
    """Bind the renewal; the old policy becomes `renewed`."""

    def run() -> tuple[int, dict[str, object]]:
        record = policies.renew_policy(
            session, principal, policy_id, body.document, body.premium, body.currency, expected_version=body.version
        )
        return 201, _policy(record)

    request = {"policy_id": policy_id, **body.model_dump(mode="json")}
    return replayable(idempotency.once(session, principal, key, "POST /policies/{id}/renew", request, run))

"""The main job on the platform (`services/main_job.py`): the example SME is declined, fixed, quoted at the
engine's premium once fixed, bound in its own name, and its ransomware claim settled and paid once; the
audit chain holds. Expected figures come from the engines called here directly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberins.assess import assess, load_profile, plan_remediation
from cyberins.claims import adjust_claim
from cyberins.model.errors import InvalidInput
from cyberins.model.incident import Incident as Findings
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.pricing import default_basis, technical_premium
from cyberins.quant.simulate import simulate
from cyberins.services import audit_check
from cyberins.services.main_job import MainJobInputs, bound_wording, run_main_job, walk
from cyberins.services.secrets import audit_key
from cyberins.settings import Settings
from cyberins.store import make_engine, session_factory
from cyberins.store.models import AuditEntry, Incident, Payment, PolicyRecord, Submission
from cyberins.underwriting import QuoteOptions
from tests.conftest import EXAMPLES

PROFILE = load_profile(EXAMPLES / "orgs" / "sme-manufacturer.yaml")
POLICY = load_model(Policy, EXAMPLES / "policies" / "sme-standalone-cny.yaml")
INCIDENT = load_model(Findings, EXAMPLES / "incidents" / "sme-ransomware-erp.yaml")
#: Few years and no control ranking: the lifecycle, not the precision, is under test.
OPTIONS = QuoteOptions(years=2000, seed=11, recommend_controls=False)


def _inputs(**changes: object) -> MainJobInputs:
    base = {"profile": PROFILE, "policy": POLICY, "incident": INCIDENT, "options": OPTIONS}
    return MainJobInputs(**(base | changes))  # type: ignore[arg-type]


def test_the_declined_sme_is_fixed_quoted_at_the_engine_premium_bound_and_paid_once(session: Session) -> None:
    job = walk(session, _inputs())

    plan = plan_remediation(PROFILE)
    assert plan is not None and plan.controls == ("mfa",)
    wording = bound_wording(PROFILE, POLICY, INCIDENT)
    fixed = simulate(assess(plan.profile), wording, OPTIONS.years, OPTIONS.seed)
    assert job.policy.premium == technical_premium(fixed, wording, default_basis()).premium

    assert job.refusal is not None and "declines" in job.refusal
    assert [s.state for s in job.submissions] == ["declined", "bound"]
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == job.submissions[1].id)).all()
    assert actions == ["submission.submit", "submission.assess", "submission.quote", "submission.bind"]
    assert job.submissions[0].profile["controls"]["mfa"] is False
    assert job.submissions[1].profile["controls"]["mfa"] is True

    assert job.policy.document["insured"] == {"name": PROFILE.name, "name_zh": PROFILE.name_zh}
    assert job.policy.policy_number == POLICY.policy_number == INCIDENT.policy_number

    expected = adjust_claim(INCIDENT, POLICY).total_payable  # the wording's terms, whoever it names
    claim = job.claim
    assert claim.state == "closed" and claim.settled_amount == claim.paid_amount == expected
    assert session.scalar(select(func.count()).select_from(Payment)) == 1
    assert job.statement.total_payable == expected
    assert job.statement.policy.insured is not None and job.statement.policy.insured.name == PROFILE.name

    whole = audit_check.verify_all(session)
    assert job.chain.ok and whole.ok, whole.discrepancies
    (insurer_chain,) = job.chain.chains  # the insurer's admin checks its own chain, no other
    assert insurer_chain in whole.chains and 0 < job.chain.entries < whole.entries
    assert [s.action for s in job.steps if s.action.startswith("pay")] == ["pay", "pay_retried"]


def test_an_eligible_profile_is_bound_without_a_decline(session: Session) -> None:
    plan = plan_remediation(PROFILE)
    assert plan is not None
    job = walk(session, _inputs(profile=plan.profile))
    assert job.refusal is None and job.quote.bindable
    assert [s.state for s in job.submissions] == ["bound"]
    assert "decline" not in {s.action for s in job.steps}
    assert job.policy.premium == job.quote.premium.premium


def test_each_run_starts_on_a_fresh_database(tmp_path: Path) -> None:
    database = tmp_path / "out" / "cyberins.db"
    for _ in range(2):
        run_main_job(database, _inputs())
    engine = make_engine(f"sqlite:///{database}")
    try:
        with session_factory(
            engine, audit_key(Settings(database_url=f"sqlite:///{database}"), create=False)
        )() as session:
            assert session.scalar(select(func.count()).select_from(PolicyRecord)) == 1
            assert session.scalar(select(func.count()).select_from(Submission)) == 2
            assert session.scalar(select(func.count()).select_from(Incident)) == 1
            assert audit_check.verify_all(session).ok
    finally:
        engine.dispose()


def test_the_wording_is_bound_in_the_insureds_name_under_the_incidents_number_when_it_has_none() -> None:
    wording = bound_wording(PROFILE, POLICY.model_copy(update={"policy_number": None}), INCIDENT)
    assert wording.policy_number == INCIDENT.policy_number
    assert wording.insured is not None and wording.insured.name_zh == PROFILE.name_zh


def test_an_incident_under_another_policy_number_is_refused() -> None:
    other = INCIDENT.model_copy(update={"policy_number": "CY-OTHER-0001"})
    with pytest.raises(InvalidInput) as caught:
        bound_wording(PROFILE, POLICY, other)
    assert [p.field for p in caught.value.problems] == ["policy_number"]


def test_a_policy_number_is_needed_from_the_wording_or_the_incident() -> None:
    with pytest.raises(InvalidInput) as caught:
        bound_wording(
            PROFILE,
            POLICY.model_copy(update={"policy_number": None}),
            INCIDENT.model_copy(update={"policy_number": None}),
        )
    assert [p.field for p in caught.value.problems] == ["policy_number"]

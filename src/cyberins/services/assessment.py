"""Underwriting with the engines: assess a submission's profile, then price a wording on its risk model.

`assess_submission` runs `cyberins.underwriting.assess_risk` on the stored profile (gross simulation for a
bounded number of years under a recorded seed) and stores its document (`underwriting.document`) through
`underwriting.record_assessment`; where the baseline declines or refers the risk, the document adds what clears
it and the premium once fixed (`once_fixed`). `quote_submission` runs `cyberins.underwriting.underwrite` (the engine
quote that `cyberins quote` runs) on the same profile with the stored seed and years, so the numbers are
reproducible, and stores its quote document, the same one `cyberins quote --json` prints, with what the
platform applied (wording, tier, services), through `underwriting.record_quote`.

Both put in place the controls of the services the submission's insured holds at the time of the call
(`services/marketplace.py`; a quote adds its tier's), and record which services and controls they applied.

The engines run before the write transaction, on the version the caller read; the record then insists on
that version, so a submission changed in the meantime answers 409 rather than taking a stale result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cyberins.assess import OrganizationProfile, Outcome, check_eligibility, load_questionnaire, plan_remediation
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Jurisdiction
from cyberins.model.policy import JURISDICTION_ZONES, Policy
from cyberins.pricing import PricingBasis, default_basis
from cyberins.pricing.grid import Progress
from cyberins.pricing.subsidy import SubsidyScheme
from cyberins.quant.sizes import MAX_YEARS as PRECISION_MAX_YEARS
from cyberins.services import marketplace, underwriting
from cyberins.services.access import Action, Principal
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.common import in_currency, load_for, money, under
from cyberins.services.errors import Conflict
from cyberins.services.policies import validate_document
from cyberins.services.underwriting import SUBMISSION_MACHINE, validate_profile
from cyberins.services.uow import end_read
from cyberins.store.models import Submission
from cyberins.store.repos import lifecycle as repo
from cyberins.underwriting import (
    AssessmentResult,
    QuoteOptions,
    UnderwritingResult,
    assess_risk,
    planned_simulations,
    underwrite,
)
from cyberins.underwriting.document import (
    assessment_document,
    premium_document,
    quote_document,
    remediation_document,
    subject_to_document,
)

#: Years a caller may name. Naming none (the default, as in `cyberins quote`) lets the simulation choose as
#: many as make the AAL's standard error at most 0.5% of it (`quant.years_for_precision`): the assessment on
#: the gross loss, each quote on what its wording pays. The cap bounds the work of one request.
MIN_YEARS, MAX_YEARS = 1_000, PRECISION_MAX_YEARS
#: The most cells of a quote grid (each cell is one simulation of the same years).
MAX_GRID_CELLS = 25
#: The most tiers one quote compares beside the quoted one (each is one more simulation on the same seed).
MAX_TIERS = 5


@dataclass(frozen=True)
class Tier:
    """A service tier offered with the cover: the controls its services put in place feed back into the model."""

    name: str
    controls: tuple[str, ...] = ()


@dataclass(frozen=True)
class GridOptions:
    """Aggregate-limit × retention options to price beside the quoted wording (`cyberins.pricing.quote_grid`)."""

    limits: tuple[Decimal, ...]
    retentions: tuple[Decimal, ...]


@dataclass(frozen=True)
class AppliedService:
    """A marketplace service the insured holds, whose controls the model puts in place."""

    id: str
    name: str
    controls: tuple[str, ...]

    def document(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "controls": list(self.controls)}


def _read(
    session: Session,
    actor: Principal,
    submission_id: str,
    action: Action,
    step: str,
    expected: int | None,
    clock: Clock,
) -> tuple[Submission, list[AppliedService]]:
    """The submission as read for an engine run: visible (404), allowed (403), fresh (409) and in a state the
    step may start from (409), all checked before any computation; with the services its insured holds now."""
    sub = load_for(session, repo.submissions, "submission", submission_id, actor, action, expected)
    SUBMISSION_MACHINE.check_from(step, sub.state)
    services = [
        AppliedService(offer.id, offer.name, tuple(offer.controls))
        for offer in marketplace.active_services(session, sub.insured_org_id, clock.now())
    ]
    end_read(session)  # the engine runs outside any transaction
    return sub, services


def _with_services(profile: OrganizationProfile, services: list[AppliedService]) -> OrganizationProfile:
    controls = {c for service in services for c in service.controls}
    return profile.with_controls(controls) if controls else profile


def _services_document(services: list[AppliedService]) -> list[dict[str, Any]]:
    return [service.document() for service in services]


def may_assess(
    session: Session, actor: Principal, submission_id: str, *, years: int | None, clock: Clock = SYSTEM_CLOCK
) -> int:
    """What `assess_submission` checks before it simulates (years, visibility, permission, state), for a caller
    that runs it later as a job: the version the job must then find."""
    return _assessable(session, actor, submission_id, years, None, clock)[0].version


def _assessable(
    session: Session, actor: Principal, submission_id: str, years: int | None, expected: int | None, clock: Clock
) -> tuple[Submission, list[AppliedService]]:
    if years is not None and not MIN_YEARS <= years <= MAX_YEARS:
        raise InvalidInput.one("years", Said("input.years_between", {"low": MIN_YEARS, "high": MAX_YEARS}))
    return _read(session, actor, submission_id, Action.ASSESS, "assess", expected, clock)


def assess_submission(
    session: Session,
    actor: Principal,
    submission_id: str,
    *,
    seed: int,
    years: int | None = None,
    expected_version: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
    progress: Progress | None = None,
) -> Submission:
    """Assess the submission's profile and record the model summary with the seed and years that reproduce it.

    `years` None: as many as the precision target needs; the quotes then choose their own for their wording.
    Given, the assessment and every quote of it use exactly that many. `progress` hears the years simulated.
    """
    sub, services = _assessable(session, actor, submission_id, years, expected_version, clock)
    profile = _with_services(validate_profile(sub.profile), services)
    assessed = assess_risk(profile, seed=seed, years=years, progress=progress)
    summary = assessment_document(assessed)
    summary["years_requested"] = years
    summary["once_fixed"] = once_fixed(assessed, default_wording(sub, profile.currency))
    summary["services"] = _services_document(services)
    summary["service_controls"] = sorted({c for service in services for c in service.controls})
    return underwriting.record_assessment(
        session, actor, sub.id, summary, seed, expected_version=sub.version, clock=clock
    )


def default_wording(sub: Submission, currency: str) -> dict[str, Any]:
    """The insurer's starting wording for the submission (the quote form's text, and what the premium once fixed
    is priced on): the insured's name, a year from the submission's day, a limit and the usual first-party and
    privacy covers; the underwriter edits it before quoting."""
    profile = sub.profile if isinstance(sub.profile, dict) else {}
    jurisdiction = Jurisdiction.CN if currency == "CNY" else Jurisdiction.INTL
    # The submission's day where the policy is read (rule 10), not the server's UTC day.
    start = sub.created_at.astimezone(ZoneInfo(JURISDICTION_ZONES[jurisdiction])).date()
    return {
        "insured": {"name": str(profile.get("name", ""))},
        "currency": currency,
        "period": {"start": start.isoformat(), "end": (start + timedelta(days=364)).isoformat()},
        "trigger": {"kind": "occurrence", "reporting_deadline": {"days": 30, "after": "discovered_at"}},
        "jurisdiction": jurisdiction.value,
        "aggregate_limit": "2000000",
        "coverages": {
            "incident_response": {"sublimit": "500000", "retention": "10000"},
            "data_restoration": {"sublimit": "500000", "retention": "10000"},
            "cyber_extortion": {"sublimit": "300000", "retention": "10000"},
            "privacy_liability": {"sublimit": "1000000", "retention": "20000"},
        },
    }


def once_fixed(assessed: AssessmentResult, wording: Mapping[str, Any]) -> dict[str, Any] | None:
    """What clears a declined or referred risk and its premium once fixed; None when the baseline accepts it or
    nothing in its referrals is the insured's to fix.

    The plan is the quote report's (`assess.plan_remediation`: each declining rule's remedy in the baseline's
    order, with its yearly cost, and the eligibility once all are done); for a risk only referred, that of each
    referring rule that carries a remedy. Where the remedies lift any decline, `premium_once_fixed` is what
    quoting the remediated profile on `wording` gives on the assessment's seed and years (common random
    numbers, as the report's `premium_after_remediation` is priced on the quoted years); null where they do not.
    """
    outcome = assessed.eligibility.outcome
    if outcome is Outcome.ACCEPT:
        return None
    plan = plan_remediation(assessed.profile, assessed.eligibility, outcome)
    if plan is None:
        return None
    policy = validate_document(wording, require_number=False)
    premium = None
    if plan.clears:
        options = QuoteOptions(
            years=assessed.simulation.years, seed=assessed.simulation.seed, price_grid=False, recommend_controls=False
        )
        premium = premium_document(underwrite(plan.profile, policy, options).premium)
    return remediation_document(plan) | {
        "steps": subject_to_document(plan),
        "wording": policy.model_dump(mode="json", exclude_unset=True),
        "premium_once_fixed": premium,
    }


def _tiered(profile: OrganizationProfile, tier: Tier | None, field: str = "tier") -> OrganizationProfile:
    if tier is None or not tier.controls:
        return profile
    try:
        return profile.with_controls(set(tier.controls))
    except InvalidInput as exc:
        raise under(field, exc) from None


def _held(profile: OrganizationProfile, control: str) -> bool:
    """Whether the insured already has `control` fully in place (its best answer), services included."""
    return profile.controls.get(control) == load_questionnaire().question(control).best_answer()


def _tier_column(r: UnderwritingResult, tier: Tier | None, base: OrganizationProfile, quoted: bool) -> dict[str, Any]:
    """One column of the tier comparison: what the tier asks for, what it costs and what the cover pays."""
    premium = premium_document(r.premium)
    return {
        "name": tier.name if tier else None,
        "quoted": quoted,
        "controls": [{"id": c, "held": _held(base, c)} for c in (tier.controls if tier else ())],
        "eligibility": r.eligibility.outcome.value,
        "bindable": r.bindable,
        "years": r.simulation.years,
        "premium": premium["technical_premium"],
        "expected_insured_loss": premium["expected_insured_loss"],
        "payable_by_insured": format(r.subsidy.payable, "f") if r.subsidy is not None else None,
        "aggregate_limit": format(r.policy.aggregate_limit, "f"),
        "coverages": [str(c) for c in r.policy.coverages],
    }


def _grid_options(grid: GridOptions, currency: str) -> GridOptions:
    if len(grid.limits) * len(grid.retentions) > MAX_GRID_CELLS:
        raise InvalidInput.one("grid", Said("input.service.grid_cells", {"n": MAX_GRID_CELLS}))
    for name, values in (("limits", grid.limits), ("retentions", grid.retentions)):
        if not values:
            raise InvalidInput.one(f"grid.{name}", Said("input.service.at_least_one"))
        for i, value in enumerate(values):
            money(value, currency, f"grid.{name}[{i}]", positive=name == "limits")
    return grid


@dataclass(frozen=True)
class _Quotable:
    """A quote checked and ready to price: the submission read, the profiles and what each is priced on."""

    sub: Submission
    services: list[AppliedService]
    base: OrganizationProfile
    profile: OrganizationProfile
    compared: list[tuple[Tier, OrganizationProfile]]
    policy: Policy
    options: QuoteOptions


def _quotable(
    session: Session,
    actor: Principal,
    submission_id: str,
    document: Mapping[str, Any],
    *,
    tier: Tier | None,
    grid: GridOptions | None,
    basis: PricingBasis | None,
    subsidy: SubsidyScheme | None,
    tiers: Sequence[Tier],
    expected_version: int | None,
    clock: Clock,
) -> _Quotable:
    """Everything that may refuse a quote before it simulates: the tiers, the submission (visible, allowed, fresh,
    quotable), the baseline's decline, the wording, its currency and the grid."""
    if len(tiers) > MAX_TIERS:
        raise InvalidInput.one("tiers", Said("input.tiers.at_most", {"n": MAX_TIERS}))
    sub, services = _read(session, actor, submission_id, Action.QUOTE, "quote", expected_version, clock)
    stored: Mapping[str, Any] = sub.assessment or {}
    requested = stored.get("summary", {}).get("years_requested")
    base = _with_services(validate_profile(sub.profile), services)
    profile = _tiered(base, tier)
    compared = [(t, _tiered(base, t, f"tiers[{i}]")) for i, t in enumerate(tiers)]
    eligibility = check_eligibility(profile)
    if eligibility.outcome is Outcome.DECLINE:
        declined = [r for r in eligibility.reasons if r.outcome is Outcome.DECLINE]
        reasons = {"zh": "；".join(r.zh for r in declined), "en": "; ".join(r.en for r in declined)}
        raise Conflict(Said("api.error.baseline_declines", {"reasons": reasons}), current_state=sub.state)
    policy = validate_document(document, require_number=False)
    if policy.currency != profile.currency:
        raise InvalidInput.one("document.currency", in_currency("profile", profile.currency))
    if subsidy is not None and subsidy.currency != policy.currency:  # apply_subsidy's refusal, before simulating
        said = {"currency": policy.currency, "name": repr(subsidy.name), "scheme": subsidy.currency}
        raise InvalidInput.one("subsidy.currency", Said("input.pricing.scheme_currency", said))
    asked = _grid_options(grid, policy.currency) if grid is not None else GridOptions((), ())
    options = QuoteOptions(
        years=int(requested) if requested else None,
        seed=int(stored.get("seed", 0)),
        limits=asked.limits,
        retentions=asked.retentions,
        price_grid=grid is not None,  # the options only when asked: each cell is one more simulation
        basis=basis or default_basis(),
        # ranking the candidate controls runs one more simulation each: `cyberins quote` and its report do that
        recommend_controls=False,
        quoted_on=clock.now().astimezone(policy.zone).date(),
        subsidy=subsidy,
    )
    return _Quotable(sub, services, base, profile, compared, policy, options)


@dataclass(frozen=True)
class QuoteAsks:
    """What a quote prices beside its wording: `quote_submission`'s keywords of the same names, as one value
    (a job's argument)."""

    tier: Tier | None = None
    grid: GridOptions | None = None
    subsidy: SubsidyScheme | None = None
    tiers: tuple[Tier, ...] = ()


def may_quote(
    session: Session,
    actor: Principal,
    submission_id: str,
    document: Mapping[str, Any],
    asks: QuoteAsks,
    clock: Clock = SYSTEM_CLOCK,
) -> int:
    """What `quote_submission` checks before it simulates, for a caller that runs it later as a job: the
    version the job must then find."""
    checked = _quotable(
        session, actor, submission_id, document, tier=asks.tier, grid=asks.grid, basis=None, subsidy=asks.subsidy,
        tiers=asks.tiers, expected_version=None, clock=clock,
    )  # fmt: skip
    return checked.sub.version


def quote_submission(
    session: Session,
    actor: Principal,
    submission_id: str,
    document: Mapping[str, Any],
    *,
    tier: Tier | None = None,
    grid: GridOptions | None = None,
    basis: PricingBasis | None = None,
    subsidy: SubsidyScheme | None = None,
    tiers: Sequence[Tier] = (),
    expected_version: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
    progress: Progress | None = None,
) -> Submission:
    """Price `document` on the submission's model (with the controls of the insured's active services and the
    tier's) and record the quote; with a premium `subsidy` scheme, what the insured pays after it (the scheme
    is kept in the quote, `subsidy_scheme`, so each grid cell can be read after it too).

    With `tiers`, the quote's `tiers` compares them with the quoted one side by side, the quoted first: each
    priced on the same wording, seed and years rule as quoting that tier alone, so each premium is the one
    its own quote would give (a tier the baseline declines shows its indicative premium, not bindable).

    A profile the eligibility baseline declines is not quoted (409): decline the submission, or quote a tier
    whose controls answer the reasons. `progress` hears `(simulations done, simulations planned)` across the
    quoted tier's and every compared tier's (`underwriting.planned_simulations`).
    """
    q = _quotable(
        session, actor, submission_id, document, tier=tier, grid=grid, basis=basis, subsidy=subsidy, tiers=tiers,
        expected_version=expected_version, clock=clock,
    )  # fmt: skip
    alone = replace(q.options, limits=(), retentions=(), price_grid=False)  # what quoting one tier alone prices
    result, *others = _underwrite_each(
        [(q.profile, q.options), *((p, alone) for _, p in q.compared)], q.policy, progress
    )
    columns = [_tier_column(r, t, q.base, quoted=False) for r, (t, _) in zip(others, q.compared, strict=True)]
    details = quote_document(result) | {
        "tiers": [_tier_column(result, tier, q.base, quoted=True), *columns] if columns else [],
        "policy": q.policy.model_dump(mode="json", exclude_unset=True),
        "tier": {"name": tier.name, "controls": list(tier.controls)} if tier else None,
        "services": _services_document(q.services),
        "controls_applied": sorted(
            {c for service in q.services for c in service.controls} | set(tier.controls if tier else ())
        ),
    }
    if subsidy is not None:
        details["subsidy_scheme"] = subsidy.model_dump(mode="json")
    return underwriting.record_quote(
        session, actor, q.sub.id, result.premium.premium, q.policy.currency, details, expected_version=q.sub.version
    )


def _underwrite_each(
    priced: list[tuple[OrganizationProfile, QuoteOptions]], policy: Policy, progress: Progress | None
) -> list[UnderwritingResult]:
    """Each profile underwritten on its options in turn, `progress` hearing the simulations of all of them."""
    planned = [planned_simulations(p, policy, o) for p, o in priced]
    total = sum(planned)
    results = []
    for (profile, options), before in zip(priced, accumulate([0, *planned]), strict=False):

        def heard(done: int, _: int, before: int = before) -> None:
            if progress is not None:
                progress(before + done, total)

        results.append(underwrite(profile, policy, options, heard))
    return results

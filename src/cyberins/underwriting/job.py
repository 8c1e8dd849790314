"""`underwrite(profile, policy, options)`: assess → simulate → price → grid → adequacy → ROI → subsidy.

A risk the eligibility baseline declines is priced as it stands only as an indication: the result carries
the remedies that would lift the decline (`assess.plan_remediation`) and the premium once they are in place,
simulated on the same years (common random numbers), and is not bindable while the decline stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from cyberins.assess import (
    Eligibility,
    EventTypeSummary,
    ExplainRow,
    OrganizationProfile,
    Outcome,
    Remediation,
    assess,
    candidate_controls,
    check_eligibility,
    explain,
    model_with,
    plan_remediation,
    summary,
)
from cyberins.assess.grade import GradeScale, RiskGrade, load_grade_scale, risk_grade
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.money import to_minor
from cyberins.model.policy import Policy
from cyberins.pricing import (
    AdequacyResult,
    Candidate,
    InsuredFacts,
    PricingBasis,
    QuoteGrid,
    RoiAnalysis,
    SubsidyResult,
    SubsidyScheme,
    TechnicalPremium,
    ToleranceCurve,
    TolerancePoint,
    apply_subsidy,
    default_basis,
    quote_grid,
    recommend_limit,
    security_roi,
    technical_premium,
)
from cyberins.pricing.grid import Progress
from cyberins.quant.model import RiskModel
from cyberins.quant.simulate import DEFAULT_REL_SE, SimulationResult, simulate, years_for_precision

log = logging.getLogger(__name__)

#: Grid options around the wording when none are given: half, the same and twice its limit and retention.
DEFAULT_SCALES: tuple[Decimal, ...] = (Decimal("0.5"), Decimal(1), Decimal(2))


@dataclass(frozen=True)
class QuoteOptions:
    #: Simulated years of every run of the quote; None: as many as make the insured AAL's standard error at
    #: most `rel_se` of it (`quant.years_for_precision`), the same for the premium, the grid and the controls.
    years: int | None = None
    rel_se: float = DEFAULT_REL_SE
    seed: int = 20260101
    limits: tuple[Decimal, ...] = ()
    retentions: tuple[Decimal, ...] = ()
    #: Price the limit × retention options (`limits`/`retentions`, or half, the same and twice the wording's)
    #: and recommend the cover the tolerance needs; False: the wording alone (one simulation, not ten).
    price_grid: bool = True
    #: Two points of the insured's risk tolerance; default: the profile's `risk_tolerance`.
    tolerance: tuple[TolerancePoint, TolerancePoint] | None = None
    subsidy: SubsidyScheme | None = None
    basis: PricingBasis = field(default_factory=default_basis)
    #: Rank the candidate security controls by their return (one more simulation per candidate).
    recommend_controls: bool = True
    #: The day the quote is given (in the policy's time zone); it stands `basis.quote_validity_days` after.
    #: None: a quote without dates (an engine run, not an offer).
    quoted_on: date | None = None


@dataclass(frozen=True)
class RemediatedQuote:
    """The declined risk once every remedy is in place: its simulation and premium (same seed and years)."""

    simulation: SimulationResult
    premium: TechnicalPremium


@dataclass(frozen=True)
class UnderwritingResult:
    profile: OrganizationProfile
    policy: Policy
    options: QuoteOptions
    model: RiskModel
    eligibility: Eligibility
    factors: list[ExplainRow]
    event_types: list[EventTypeSummary]
    simulation: SimulationResult
    premium: TechnicalPremium
    grid: QuoteGrid
    adequacy: AdequacyResult | None
    controls: RoiAnalysis | None
    subsidy: SubsidyResult | None
    #: Present when the baseline declines the risk: what clears it ...
    remediation: Remediation | None = None
    #: ... and the premium once done (None when the remedies do not lift the decline).
    remediated: RemediatedQuote | None = None

    @property
    def valid_until(self) -> date | None:
        """The last day the quote stands (None when it was not given on a day)."""
        if self.options.quoted_on is None:
            return None
        return self.options.quoted_on + timedelta(days=int(self.options.basis.quote_validity_days.value))

    def grade(self, scale: GradeScale | None = None) -> RiskGrade:
        """The risk grade of the insured from this quote's gross simulation (`grade_risk`)."""
        return grade_risk(self.profile, self.eligibility, self.simulation, scale)

    @property
    def bindable(self) -> bool:
        """Whether the quote can be bound as it stands: never while a decline stands (a referral goes to an
        underwriter, who binds or not)."""
        return self.eligibility.outcome is not Outcome.DECLINE


@dataclass(frozen=True)
class AssessmentResult:
    """What an underwriter reads before any wording: the risk model, its eligibility and its gross losses."""

    profile: OrganizationProfile
    model: RiskModel
    eligibility: Eligibility
    simulation: SimulationResult

    def grade(self, scale: GradeScale | None = None) -> RiskGrade:
        """The risk grade of this assessment (`grade_risk`)."""
        return grade_risk(self.profile, self.eligibility, self.simulation, scale)


def grade_risk(
    profile: OrganizationProfile,
    eligibility: Eligibility,
    simulation: SimulationResult,
    scale: GradeScale | None = None,
) -> RiskGrade:
    """The risk grade from a simulation's gross loss (its AAL and TVaR 0.99), the profile's revenue and the
    eligibility decision, on `scale` (default: the packaged one, `assess/data/grades.yaml`)."""
    gross = simulation.gross()
    return risk_grade(
        gross.aal, gross.tvar["0.99"], float(profile.annual_revenue), eligibility, scale or load_grade_scale()
    )


def assess_risk(
    profile: OrganizationProfile,
    *,
    seed: int,
    years: int | None = None,
    rel_se: float = DEFAULT_REL_SE,
    progress: Progress | None = None,
) -> AssessmentResult:
    """Assess `profile` and simulate its gross loss; `years` None: as many as the gross AAL's standard error at
    most `rel_se` of it needs (`quant.years_for_precision`), as a quote chooses for what its wording pays.
    `progress` hears `(years done, years)` once the years are chosen and after each block of them."""
    model = assess(profile)
    years = years or years_for_precision(model, None, seed, rel_se=rel_se)
    done = 0

    def simulated(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, years)

    simulated(0)
    return AssessmentResult(profile, model, check_eligibility(profile), simulate(model, None, years, seed, simulated))


def stage_progress(stage: str, total: int) -> Progress:
    """Log the start of a loop of `total` simulations as its stage (`done` 0), and hand back the callback that
    logs each `done`/`total` up to `total`: the status line and the JSON lines of --verbose show them."""
    if total:
        log.info(stage, extra={"stage": stage, "done": 0, "total": total})

    def report(done: int, total: int) -> None:
        log.info(stage, extra={"stage": stage, "done": done, "total": total})

    return report


@dataclass(frozen=True)
class _Runs:
    """What `underwrite` simulates beside the wording's run: the remedies, the grid's cells, the candidates."""

    plan: Remediation | None
    limits: tuple[Decimal, ...]
    retentions: tuple[Decimal, ...]
    candidates: list[Candidate]

    @property
    def simulations(self) -> int:
        remedied = self.plan is not None and self.plan.clears
        # security_roi runs its base once, then each candidate
        controls = len(self.candidates) + 1 if self.candidates else 0
        return 1 + remedied + len(self.limits) * len(self.retentions) + controls


def _runs(profile: OrganizationProfile, policy: Policy, opts: QuoteOptions, eligibility: Eligibility) -> _Runs:
    currency = policy.currency
    limits = tuple(to_minor(x, currency) for x in opts.limits) or _around(policy.aggregate_limit, currency)
    retentions = tuple(to_minor(x, currency) for x in opts.retentions) or _around(
        max(t.retention for t in policy.coverages.values()), currency
    )
    if not opts.price_grid:
        limits, retentions = (), ()
    candidates = (
        [Candidate(c.control_id, c.annual_cost, c.name) for c in candidate_controls(profile)]
        if opts.recommend_controls
        else []
    )
    return _Runs(plan_remediation(profile, eligibility), limits, retentions, candidates)


def planned_simulations(profile: OrganizationProfile, policy: Policy, options: QuoteOptions | None = None) -> int:
    """How many simulations `underwrite(profile, policy, options)` runs once it has its years (the pilot that
    chooses them aside): the wording's, the remedied profile's where the remedies lift a decline, one per grid
    cell (a cell its terms refuse counts, though skipped) and, ranking controls, a base and one per candidate."""
    return _runs(profile, policy, options or QuoteOptions(), check_eligibility(profile)).simulations


def underwrite(
    profile: OrganizationProfile,
    policy: Policy,
    options: QuoteOptions | None = None,
    progress: Progress | None = None,
) -> UnderwritingResult:
    """Assess `profile`, price `policy` for it and say what to buy and what to fix.

    The simulations share `options.seed`, so the premium, the grid cells and the control returns are
    compared on the same simulated years (common random numbers). `progress` hears `(simulations done,
    planned_simulations)` after each (a page's progress bar; the log has its own stages).
    """
    opts = options or QuoteOptions()
    if policy.currency != profile.currency:
        said = Said("input.other.profile_currency", {"profile": profile.currency, "policy": policy.currency})
        raise InvalidInput.one("currency", said)
    log.info("assess", extra={"stage": "assess", "organization": profile.name})
    model = assess(profile)
    eligibility = check_eligibility(profile)
    runs = _runs(profile, policy, opts, eligibility)
    done = 0

    def simulated(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, runs.simulations)

    if opts.years is None:
        log.info("precision", extra={"stage": "precision", "rel_se": opts.rel_se})
    years = opts.years or years_for_precision(model, policy, opts.seed, rel_se=opts.rel_se)
    simulated(0)
    result = simulate(model, policy, years, opts.seed)
    simulated()
    premium = technical_premium(result, policy, opts.basis)
    remediated = None
    plan = runs.plan
    if plan is not None and plan.clears:
        log.info("remediation", extra={"stage": "remediation", "rules": [s.rule_id for s in plan.steps]})
        fixed = simulate(assess(plan.profile), policy, years, opts.seed)
        simulated()
        remediated = RemediatedQuote(fixed, technical_premium(fixed, policy, opts.basis))
    grid = quote_grid(
        model,
        policy,
        runs.limits,
        runs.retentions,
        opts.basis,
        years=years,
        seed=opts.seed,
        progress=_counted(stage_progress("grid", len(runs.limits) * len(runs.retentions)), simulated),
    )
    points = opts.tolerance or _profile_tolerance(profile)
    adequacy = recommend_limit(grid, ToleranceCurve.through(*points)) if points and grid.rows else None
    controls = None
    if runs.candidates:
        # security_roi runs its base first and reports its candidates only: the first report counts both
        controls = security_roi(
            model_with(profile), [], runs.candidates, policy, opts.basis, years=years, seed=opts.seed,
            progress=_counted(stage_progress("controls", len(runs.candidates)), simulated, first=2),
        )  # fmt: skip
    subsidy = None
    if opts.subsidy is not None:
        facts = InsuredFacts(employees=profile.employees, revenue=profile.annual_revenue, industry=profile.industry)
        subsidy = apply_subsidy(premium.premium, opts.subsidy, facts, currency=policy.currency)
    return UnderwritingResult(
        profile=profile,
        policy=policy,
        options=opts,
        model=model,
        eligibility=eligibility,
        factors=explain(model),
        event_types=summary(model),
        simulation=result,
        premium=premium,
        grid=grid,
        adequacy=adequacy,
        controls=controls,
        subsidy=subsidy,
        remediation=plan,
        remediated=remediated,
    )


def _counted(logged: Progress, simulated: Callable[[int], None], first: int = 1) -> Progress:
    """A loop's progress both logged as its stage and counted as simulations done: one a step, `first` the first."""

    def report(done: int, total: int) -> None:
        logged(done, total)
        simulated(first if done == 1 else 1)

    return report


def _around(value: Decimal, currency: str) -> tuple[Decimal, ...]:
    return tuple(sorted({to_minor(value * s, currency) for s in DEFAULT_SCALES if value * s > 0}))


def _profile_tolerance(profile: OrganizationProfile) -> tuple[TolerancePoint, TolerancePoint] | None:
    if profile.risk_tolerance is None:
        return None
    a, b = (TolerancePoint(p.loss, p.return_period) for p in profile.risk_tolerance)
    return a, b

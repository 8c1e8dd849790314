"""Pre-bind remediation (保前诊断 → 保前加固): what clears a declined risk, what it costs, the risk once done.

The white paper's "service first, insurance as the backstop": a risk the eligibility baseline declines is not
priced as if it were accepted. Each declining rule carries a remedy (controls to put fully in place, exposure
fixes); `plan_remediation` lists them in the baseline's order with their annual cost, applies them all to
the profile and checks the baseline again, so a quote can state the premium *once they are in place*.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cyberins.assess.candidates import candidate_controls
from cyberins.assess.eligibility import Eligibility, Fix, Outcome, check_eligibility
from cyberins.assess.profile import OrganizationProfile
from cyberins.assess.resources import load_questionnaire


@dataclass(frozen=True)
class RemedyStep:
    """One declining (or referring) rule and what clears it; `annual_cost` in the profile's currency (None: not
    estimated)."""

    rule_id: str
    #: What the rule does as it stands (a plan covers the rules of one outcome).
    outcome: Outcome
    #: Controls to put fully in place (those already in place are left out).
    controls: tuple[str, ...]
    fixes: tuple[Fix, ...]
    annual_cost: Decimal | None
    #: Why the rule declines, and what to do, in both languages.
    reason_zh: str
    reason_en: str
    remedy_zh: str
    remedy_en: str


@dataclass(frozen=True)
class Remediation:
    """Every declining rule's remedy, and the organisation once they are all done."""

    steps: tuple[RemedyStep, ...]
    profile: OrganizationProfile
    eligibility: Eligibility
    #: Annual cost of each control the steps put in place (a control two rules ask for is bought once).
    control_costs: dict[str, Decimal]

    @property
    def clears(self) -> bool:
        """Whether the remedies together lift the decline (the baseline may still refer)."""
        return self.eligibility.outcome is not Outcome.DECLINE

    @property
    def controls(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for s in self.steps for c in s.controls))

    @property
    def annual_cost(self) -> Decimal | None:
        """What the remedies cost a year; None when some step (a fix) has no cost estimate."""
        if any(s.annual_cost is None for s in self.steps):
            return None
        return sum((self.control_costs[c] for c in self.controls), Decimal(0))


def plan_remediation(
    profile: OrganizationProfile, eligibility: Eligibility | None = None, outcome: Outcome = Outcome.DECLINE
) -> Remediation | None:
    """The remedies of every rule that declines `profile`, or None when nothing declines it; with `outcome`
    REFER, of every referring rule that carries a remedy (for a risk that is only referred), or None when none.

    A control's cost is its candidate cost for this organisation (`candidate_controls`); a control that is
    not a costed candidate, or a fix (patching, closing an exposed service), has no cost estimate, so its
    step's `annual_cost` is None.

    Examples
    --------
    >>> from cyberins.assess import OrganizationProfile
    >>> p = OrganizationProfile(
    ...     name="Demo", industry="manufacturing", annual_revenue=30_000_000, employees=80,
    ...     controls={"mfa": False}, exposure={"rdp_exposed": True},
    ... )
    >>> plan = plan_remediation(p)
    >>> [s.rule_id for s in plan.steps], plan.controls, plan.clears
    (['no_mfa_exposed_remote_access'], ('mfa',), True)
    """
    decision = eligibility or check_eligibility(profile)
    # the rules file requires a remedy on every declining rule; a referral without one (more information, past
    # incidents) is not the insured's to fix
    firing = [r for r in decision.reasons if r.outcome is outcome and r.remedy is not None]
    if not firing:
        return None
    costs = {c.control_id: c.annual_cost for c in candidate_controls(profile)}
    steps = []
    for reason in firing:
        remedy = reason.remedy
        assert remedy is not None  # kept above
        controls = tuple(c for c in remedy.controls if not _in_place(profile, c))
        known = not remedy.fixes and all(c in costs for c in controls)
        steps.append(
            RemedyStep(
                rule_id=reason.rule_id,
                outcome=reason.outcome,
                controls=controls,
                fixes=remedy.fixes,
                annual_cost=sum((costs[c] for c in controls), Decimal(0)) if known else None,
                reason_zh=reason.zh,
                reason_en=reason.en,
                remedy_zh=remedy.text.zh,
                remedy_en=remedy.text.en,
            )
        )
    wanted = {c for s in steps for c in s.controls}
    after = _fixed(profile.with_controls(wanted), {f for s in steps for f in s.fixes})
    return Remediation(tuple(steps), after, check_eligibility(after), {c: costs[c] for c in wanted if c in costs})


def _in_place(profile: OrganizationProfile, control: str) -> bool:
    answer = profile.controls.get(control)
    return answer is not None and load_questionnaire().question(control).score(answer) >= 1


def _fixed(profile: OrganizationProfile, fixes: set[Fix]) -> OrganizationProfile:
    """`profile` with the exposure fixes done, as the next outside scan would see it."""
    exposure = profile.exposure
    if Fix.PATCH_KEV in fixes:
        patched = tuple(v.model_copy(update={"remediated": True}) if v.kev else v for v in exposure.vulnerabilities)
        exposure = exposure.model_copy(update={"vulnerabilities": patched})
    if Fix.CLOSE_RDP in fixes:
        exposure = exposure.model_copy(update={"rdp_exposed": False})
    return profile.model_copy(update={"exposure": exposure})

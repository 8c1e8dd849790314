"""The engines' results as the API returns them: the assessment, the quote and the claim documents (the
coverage decision, the loss adjustment and the settlement statement), so `/openapi.json` says what each holds.

Each model is the shape its owner writes (`underwriting.document`, `claims.ClaimAdjustment.to_json`,
`services.adjusting`); a response carries exactly the keys the stored document has (a key a document leaves
out stays out). Money is a decimal string in the document's `currency`; multipliers, frequencies and the
simulation's measures are numbers. A document stored before these shapes (issue 16) does not match them and
is returned as it was stored: each field says so with its second alternative, a plain object.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, WithJsonSchema, model_serializer

from cyberins.claims.reasons import Reason
from cyberins.model.incident import Incident
from cyberins.model.policy import Policy

#: An amount of money: a decimal string, exact, in the document's currency.
Amount = Annotated[str, Field(description="A decimal string in the document's currency.", examples=["12500.00"])]
#: An amount per coverage id.
ByCoverage = dict[str, Amount]


def sent_as(component: str, description: str) -> WithJsonSchema:
    """A request document the service validates itself (naming each problem's field under the body's key and
    suggesting the nearest known key), documented as the component the responses define from the same model."""
    return WithJsonSchema({"allOf": [{"$ref": f"#/components/schemas/{component}"}], "description": description})


#: A document stored before the shapes below, returned as stored.
Legacy = Annotated[dict[str, Any], Field(description="A document stored before this shape, as stored.")]
#: Each stored document is tried against its shape first, then read as stored.
LEFT_TO_RIGHT = Field(union_mode="left_to_right")


class Document(BaseModel):
    """A stored document read back: unknown keys do not match (the document is then returned as stored), and
    only the keys it holds are written out."""

    model_config = ConfigDict(extra="forbid")

    @model_serializer(mode="wrap")
    def _as_stored(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        # no return annotation: pydantic keeps the model's own JSON schema for a wrap serializer without one
        return {k: v for k, v in handler(self).items() if k in self.model_fields_set}


class Bilingual(Document):
    zh: str
    en: str


class EligibilityReason(Document):
    rule: str
    outcome: str = Field(examples=["decline"])
    text_zh: str
    text_en: str


class Eligibility(Document):
    """The eligibility baseline's decision (`accept`, `refer` or `decline`) and every rule that fired."""

    outcome: str = Field(examples=["refer"])
    reasons: list[EligibilityReason]


class Factor(Document):
    """One factor of one event type: its frequency and severity multipliers and its effect on the expected
    annual loss (money)."""

    factor: str = Field(examples=["control:mfa"])
    label: Bilingual
    event_type: str
    frequency: float
    severity: float
    effect: Amount | None
    source: str
    reason: str


class EventTypeLoss(Document):
    event_type: str
    frequency: float = Field(description="Expected events a year.")
    severity: Amount | None = Field(description="Expected ground-up loss per event.")
    expected_loss: Amount | None = Field(description="Expected ground-up loss per year.")


class GrossLoss(Document):
    """The simulated ground-up annual loss (rule 13): AAL, VaR and TVaR by level (`"0.995"`)."""

    aal: Amount | None
    var: dict[str, Amount | None]
    tvar: dict[str, Amount | None]


class GradeReason(Document):
    code: str = Field(examples=["expected_loss_ratio"])
    text_zh: str
    text_en: str


class RiskGrade(Document):
    """The risk grade, 1 (best) to 5, from the gross expected annual loss relative to revenue; a declined risk
    is 5 (docs/grading.md)."""

    grade: int = Field(ge=1, le=5)
    expected_loss_ratio: float = Field(description="Gross expected annual loss / annual revenue.")
    tail_ratio: float = Field(description="Gross TVaR 0.99 / annual revenue.")
    reasons: list[GradeReason]


class AppliedService(Document):
    id: str
    name: str
    controls: list[str]


class CoveragePremium(Document):
    expected_insured_loss: Amount
    premium: Amount


class SubjectTo(Document):
    """A declining rule, what clears it and what that costs a year (null: not estimated)."""

    rule: str
    outcome: str
    controls: list[str]
    fixes: list[str]
    cost: Amount | None
    text_zh: str
    text_en: str
    reason_zh: str
    reason_en: str


class Premium(Document):
    """The technical premium and how it is built; `bindable` and `subject_to` on the quote's own premium."""

    technical_premium: Amount
    expected_insured_loss: Amount
    risk_load: Amount
    expenses: Amount
    profit: Amount
    minimum_applied: bool
    rate_on_line: str
    by_coverage: dict[str, CoveragePremium]
    bindable: bool | None = None
    subject_to: list[SubjectTo] | None = None


class OnceFixed(Document):
    """A declined or referred risk once fixed (`services.assessment.once_fixed`): each declining rule's remedy
    (for a risk only referred, each referral's that has one) in the baseline's order, the eligibility once all
    are done, and the premium the remediated profile is quoted at on the insurer's starting `wording`, on the
    assessment's seed and years (null: the remedies do not lift the decline)."""

    steps: list[SubjectTo]
    controls: list[str]
    annual_cost: Amount | None
    clears_decline: bool
    eligibility_after: Eligibility
    wording: Policy
    premium_once_fixed: Premium | None


class Assessment(Document):
    """An assessment: eligibility, gross losses, expected loss by event type and the factors that explain it,
    with what reproduces it (catalog version, seed, years) and the insured's services it assessed in."""

    catalog_version: str
    currency: str
    years: int
    seed: int
    eligibility: Eligibility
    gross: GrossLoss
    expected_loss_by_event_type: list[EventTypeLoss]
    explain: list[Factor]
    #: Absent from assessments stored before the grade existed.
    grade: RiskGrade | None = None
    years_requested: int | None = None
    services: list[AppliedService] = []
    service_controls: list[str] = []
    #: Absent from assessments stored before it; null for an accepted risk or a referral nothing can fix.
    once_fixed: OnceFixed | None = None


class AssessmentRecord(Document):
    summary: Annotated[Assessment | Legacy, LEFT_TO_RIGHT]
    seed: int
    at: datetime


class GridCell(Document):
    aggregate_limit: Amount
    retention: Amount
    technical_premium: Amount
    expected_insured_loss: Amount
    expected_retained_loss: Amount
    rate_on_line: str
    insured_tvar_995: Amount


class SkippedCell(Document):
    aggregate_limit: Amount
    retention: Amount
    reason: str
    reason_zh: str = ""


class Remediation(Document):
    controls: list[str]
    annual_cost: Amount | None
    clears_decline: bool
    eligibility_after: Eligibility


class Adequacy(Document):
    tolerance: list[list[float]] = Field(description="The insured's tolerance curve: [return period, loss] pairs.")
    gross_stays_under: bool
    recommended: GridCell | None
    reason: str
    reason_zh: str


class ControlReturn(Document):
    controls: list[str]
    annual_cost: Amount
    gross_loss_drop: Amount
    retained_loss_drop: Amount
    premium_drop: Amount
    net_benefit: Amount
    standard_errors: dict[str, Amount | None]
    return_on_cost: str | None


class Subsidy(Document):
    premium: Amount
    subsidy: Amount
    payable_by_insured: Amount
    eligible: bool
    reasons: list[str]
    reasons_zh: list[str] = []


class TierControl(Document):
    id: str
    held: bool = Field(description="Whether the insured already has the control fully in place.")


class TierColumn(Document):
    """One tier of the quote's comparison, priced as quoting it alone would price it."""

    name: str | None = Field(description="The tier's name as given; null for the profile without a tier.")
    quoted: bool = Field(description="The column of the quoted tier: its premium is the quote's.")
    controls: list[TierControl]
    eligibility: str
    bindable: bool
    years: int
    premium: Amount
    expected_insured_loss: Amount
    payable_by_insured: Amount | None = Field(description="After the quote's premium subsidy scheme; null without.")
    aggregate_limit: Amount
    coverages: list[str]


class QuoteInsured(Document):
    name: str
    name_zh: str | None
    industry: str


class Quote(Document):
    """The quote document `cyberins quote --json` prints (`underwriting.document.quote_document`); on the
    platform with what it applied: the wording, the tier and the insured's services and their controls."""

    insured: QuoteInsured
    currency: str
    policy_number: str | None
    quoted_on: str | None = Field(None, description="The day the quote was given (ISO date).")
    valid_until: str | None = Field(None, description="The last day the quote stands (ISO date).")
    catalog_version: str
    years: int
    seed: int
    eligibility: Eligibility
    bindable: bool
    subject_to: list[SubjectTo]
    remediation: Remediation | None
    premium_after_remediation: Premium | None
    simulation: dict[str, Any] = Field(description="The `simulate --json` document of the quoted wording.")
    premium: Premium
    factors: list[Factor]
    grid: list[GridCell]
    grid_skipped: list[SkippedCell]
    adequacy: Adequacy | None
    controls: list[ControlReturn] | None
    subsidy: Subsidy | None
    policy: Policy | None = None
    tier: dict[str, Any] | None = None
    subsidy_scheme: dict[str, Any] | None = Field(None, description="The premium subsidy scheme quoted against.")
    services: list[AppliedService] = []
    controls_applied: list[str] = []
    tiers: list[TierColumn] = Field([], description="The tiers compared side by side, the quoted one first.")


class QuoteRecord(Document):
    """The premium offered and the quote document; a decline or a withdrawal adds its reason."""

    premium: Amount | None = None
    currency: str | None = None
    details: Annotated[Quote | Legacy | None, LEFT_TO_RIGHT] = None
    declined_reason: str | None = None
    withdrawn_reason: str | None = None


class CoverageDecision(Document):
    status: str = Field(examples=["covered"])
    reasons: list[Reason]  # the claims engine's own record of a reason, as `Reason.to_json` writes it


class EventTypeCode(Document):
    id: str
    gbt20986: str
    gbt20986_zh: str
    gbt20986_en: str


class StatementLine(Document):
    """One change of one coverage's amount and why: `rule` for developers, `cite_*` for the claimant."""

    coverage: str
    step: str
    amount_before: Amount
    amount_after: Amount
    deducted: Amount
    rule: str
    text_zh: str
    text_en: str
    cite_zh: str
    cite_en: str
    code: str | None
    source: str | None


class Decision(Document):
    """The coverage decision (定责): per coverage covered or not and why; or a notice past the reporting
    deadline (`reason: late_notice`, with the `deadline` it missed)."""

    covered: bool
    findings: Incident | None = None
    coverages: dict[str, CoverageDecision] | None = None
    event_types: list[EventTypeCode] | None = None
    under_review: bool | None = None
    reason: str | None = None
    deadline: datetime | None = None


class Adjustment(Document):
    """The loss adjustment (定损): claimed and adjusted loss per coverage, before any policy term (rule 16)."""

    findings: Incident
    claimed: ByCoverage
    adjusted_loss_by_coverage: ByCoverage
    adjusted_loss: Amount


class SettlementStatement(Document):
    """The settlement statement (理算书): the payable per coverage and in all, each step in `statement`."""

    findings: Incident
    currency: str
    policy_number: str | None
    event_types: list[EventTypeCode]
    decision: dict[str, CoverageDecision]
    claimed: ByCoverage
    adjusted_loss: ByCoverage
    payable_by_coverage: ByCoverage
    payable: Amount
    statement: list[StatementLine]
    prior_paid: ByCoverage
    under_review: bool
    money_only_time_element: list[str]
    denied: str | None


class ForensicReport(Document):
    by: str
    at: datetime
    findings: dict[str, Any]


class Reopening(Document):
    reason: str
    at: datetime
    by: str


class Closing(Document):
    reason: str


class IncidentDocuments(Document):
    """What each step of the claim recorded."""

    report: dict[str, Any] = Field(description="The details given with the report.")
    forensics: list[ForensicReport] | None = None
    decision: Annotated[Decision | Legacy | None, LEFT_TO_RIGHT] = None
    adjustment: Annotated[Adjustment | Legacy | None, LEFT_TO_RIGHT] = None
    settlement: Annotated[SettlementStatement | Legacy | None, LEFT_TO_RIGHT] = None
    closed: Closing | None = None
    reopened: list[Reopening] | None = None

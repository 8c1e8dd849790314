"""A cyber policy wording as data (issue 3; DESIGN.md rules 1-3, 6, 9, 10, 14).

The same model describes every form (standalone, endorsement, service bundle, product warranty, group
scheme certificate): a form is a field, not a code path. Amounts are in the policy `currency`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PositiveInt, field_validator, model_validator

from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidValue
from cyberins.model.ids import (
    TIME_ELEMENT_COVERAGES,
    Confidence,
    Coverage,
    EventType,
    Exclusion,
    Jurisdiction,
    PolicyForm,
    TriggerKind,
    WaitingPeriodMode,
)
from cyberins.model.money import Amount, Currency

#: Zone in which a date-only policy period is read when the policy names none (rule 10).
JURISDICTION_ZONES: dict[Jurisdiction, str] = {Jurisdiction.CN: "Asia/Shanghai", Jurisdiction.INTL: "UTC"}

Share = Annotated[Decimal, Field(ge=0, lt=1, allow_inf_nan=False)]
#: A waiting period: at most a (leap) year of hours, longer than any policy year it could apply in.
Hours = Annotated[Decimal, Field(ge=0, le=8784, allow_inf_nan=False)]


class RetentionBasis(StrEnum):
    """How many retentions one incident bears (rule 5)."""

    #: One retention per coverage the incident reaches (the default).
    PER_COVERAGE = "per_coverage"
    #: One retention per incident, the highest among the coverages it reaches ("only the highest applies").
    PER_INCIDENT = "per_incident"


_Id = TypeVar("_Id", bound=StrEnum)


def _listed_once(value: list[_Id]) -> list[_Id]:
    """`value` itself, or a ValueError naming the ids it lists more than once."""
    seen = [x for i, x in enumerate(value) if x in value[:i]]
    if seen:
        raise InvalidValue("api.problem.value.listed_twice", ids=", ".join(sorted(set(seen))))
    return value


class Period(Frozen):
    """Policy period; both dates are included (rule 10)."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise InvalidValue("api.problem.value.period_reversed", end=self.end, start=self.start)
        return self


class ReportingDeadline(Frozen):
    """Notice must reach the insurer within `days` of the field `after` names (rule 10)."""

    days: PositiveInt
    after: Literal["discovered_at", "occurred_at"] = "discovered_at"


class Trigger(Frozen):
    kind: TriggerKind = TriggerKind.OCCURRENCE
    retroactive_date: date | None = None
    reporting_deadline: ReportingDeadline | None = None

    @model_validator(mode="after")
    def _retro_only_claims_made(self) -> Trigger:
        if self.retroactive_date is not None and self.kind is not TriggerKind.CLAIMS_MADE:
            raise InvalidValue("api.problem.value.retroactive_claims_made", kind=TriggerKind.CLAIMS_MADE.value)
        return self


class CoverageTerms(Frozen):
    """Terms of one covered coverage. `sublimit` is aggregate for the policy year, inside `aggregate_limit`."""

    sublimit: Amount
    retention: Amount = Decimal(0)
    each_claim_limit: Amount | None = None
    coinsurance: Share = Decimal(0)
    waiting_period_hours: Hours | None = None
    #: At most ten years: a longer indemnity period is no longer a business-interruption term.
    indemnity_period_days: Annotated[Decimal, Field(gt=0, le=3660, allow_inf_nan=False)] | None = None
    waiting_period_mode: WaitingPeriodMode = WaitingPeriodMode.TIME_RETENTION
    #: The event types whose losses this coverage answers (rule 19); None answers every event type.
    event_types: list[EventType] | None = Field(default=None, min_length=1)

    @field_validator("event_types")
    @classmethod
    def _listed_once(cls, value: list[EventType] | None) -> list[EventType] | None:
        return value if value is None else _listed_once(value)

    @model_validator(mode="after")
    def _primary_can_pay(self) -> CoverageTerms:
        if self.each_claim_limit is not None and self.each_claim_limit > self.sublimit:
            raise InvalidValue("api.problem.value.each_claim_above_sublimit", each=self.each_claim_limit,
                               sublimit=self.sublimit)  # fmt: skip
        if self.retention >= self.sublimit:
            raise InvalidValue("api.problem.value.retention_sublimit", retention=self.retention, sublimit=self.sublimit)
        if self.each_claim_limit is not None and self.retention >= self.each_claim_limit:
            raise InvalidValue("api.problem.value.retention_each_claim", retention=self.retention,
                               each=self.each_claim_limit)  # fmt: skip
        return self

    def answers(self, event_type: EventType) -> bool:
        """Whether a loss from `event_type` may be paid under this coverage (rule 19)."""
        return self.event_types is None or event_type in self.event_types

    @property
    def waiting_period_h(self) -> Decimal:
        return self.waiting_period_hours or Decimal(0)

    @property
    def indemnity_period_h(self) -> Decimal | None:
        return None if self.indemnity_period_days is None else self.indemnity_period_days * 24


class MinimumSecurity(Frozen):
    """A minimum-security condition: known-exploited vulnerabilities patched within `kev_patch_days`."""

    kev_patch_days: PositiveInt


class Conditions(Frozen):
    """Policy conditions; an absent condition does not apply."""

    ransom_requires_insurer_consent: bool = False
    pr_legal_require_insurer_consent: bool = False
    approved_vendors_required: bool = False
    minimum_security: MinimumSecurity | None = None


class Underlying(Frozen):
    """For an endorsement (附加险): the property or liability policy it extends."""

    line: Literal["property", "liability", "other"]
    policy_number: str | None = None


class Insured(Frozen):
    name: str
    name_zh: str | None = None


class Policy(Frozen):
    """A cyber insurance policy: period, trigger, limits and per-coverage terms, exclusions and conditions.

    `coverages` keeps its file order: within one incident coverages erode the aggregate in this order
    (rule 1).
    """

    policy_number: str | None = None
    insured: Insured | None = None
    currency: Currency
    period: Period
    timezone: str | None = None
    form: PolicyForm = PolicyForm.STANDALONE
    underlying: Underlying | None = None
    trigger: Trigger = Trigger()
    jurisdiction: Jurisdiction = Jurisdiction.INTL
    aggregate_limit: Amount
    claims_expenses_erode_limit: bool = True
    retention_basis: RetentionBasis = RetentionBasis.PER_COVERAGE
    coverages: dict[Coverage, CoverageTerms] = Field(min_length=1)
    exclusions: list[Exclusion] = Field(default_factory=list)
    attribution_confidence_required: Confidence = Confidence.HIGH
    conditions: Conditions = Conditions()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise InvalidValue("api.problem.value.time_zone", value=repr(value), example="Asia/Shanghai") from None
        return value

    @field_validator("exclusions")
    @classmethod
    def _unique(cls, value: list[Exclusion]) -> list[Exclusion]:
        return _listed_once(value)

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        problems = []
        for cov, terms in self.coverages.items():
            where = f"coverages.{cov.value}"
            if terms.sublimit > self.aggregate_limit:
                problems.append(f"{where}.sublimit {terms.sublimit} is above aggregate_limit {self.aggregate_limit}")
            if cov not in TIME_ELEMENT_COVERAGES:
                # a value, not the key: a full dump of a policy (null for these) must read back as itself
                for name in ("waiting_period_hours", "indemnity_period_days"):
                    if getattr(terms, name) is not None:
                        problems.append(f"{where}.{name} applies only to business-interruption coverages")
        if self.form is PolicyForm.ENDORSEMENT and self.underlying is None:
            problems.append("underlying: an endorsement names the policy it extends (underlying.line)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The zone in which the period's dates are read (rule 10)."""
        return ZoneInfo(self.timezone or JURISDICTION_ZONES[self.jurisdiction])

    def period_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: from 00:00 of the first day to 24:00 of the last (rule 10)."""
        start = datetime.combine(self.period.start, time(0), self.zone)
        end = datetime.combine(self.period.end + timedelta(days=1), time(0), self.zone)
        return start, end

    def covers(self, moment: datetime) -> bool:
        start, end = self.period_bounds()
        return start <= moment < end

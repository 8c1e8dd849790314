"""An incident file: the forensic findings and invoices of one cyber incident, as a claim presents them (issue 5).

The claims module decides cover (定责) and quantifies the loss (定损) from it. Amounts are in the policy
currency (rule 11: an incident that names another `currency` is refused). Times carry a UTC offset, so the
policy period can be read in the policy's own zone (rule 10). An unknown field is an error at every level
(`loading.problems_from` names the nearest known one): a silently ignored `atribution: {war: true}` or
`insurer_concent` would change what a claim pays.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, ValidationInfo, field_validator, model_validator

from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidValue
from cyberins.model.ids import (
    THIRD_PARTY_COVERAGES,
    TIME_ELEMENT_COVERAGES,
    Confidence,
    CostCategory,
    Coverage,
    EventType,
)
from cyberins.model.money import Amount, Currency
from cyberins.model.policy import Policy

#: A share of revenue in (0, 1].
RevenueShare = Annotated[Decimal, Field(gt=0, le=1, allow_inf_nan=False)]


class _Record(Frozen):
    notes: str | None = None


class Attribution(_Record):
    """Who is behind the incident, as forensics found (rule 9)."""

    state_backed: bool = False
    war: bool = False
    confidence: Confidence = Confidence.LOW
    actor: str | None = None


class RootCause(_Record):
    """How the attacker got in; a known-exploited vulnerability is tested against `minimum_security`.
    `asset`: the exploited host (its inventory hostname), which the platform's monitoring alerts are read for."""

    kind: str
    cve: str | None = None
    known_exploited_since: date | None = None
    asset: str | None = None


class Outage(_Record):
    """One system down from `start` to `end`, losing `revenue_share` of the hourly gross profit (rule 2)."""

    system: str
    start: AwareDatetime
    end: AwareDatetime
    revenue_share: RevenueShare = Decimal(1)
    coverage: Coverage = Coverage.BUSINESS_INTERRUPTION
    provider: str | None = None

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: AwareDatetime, info: ValidationInfo) -> AwareDatetime:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError(f"end {end.isoformat()} is not after start {start.isoformat()}")
        return end

    @field_validator("coverage")
    @classmethod
    def _time_element(cls, coverage: Coverage) -> Coverage:
        if coverage not in TIME_ELEMENT_COVERAGES:
            raise ValueError(f"coverage {coverage.value} is not a business-interruption coverage")
        return coverage


class Financials(_Record):
    """The income side of business interruption: gross profit an hour, or net profit plus continuing costs."""

    hourly_gross_profit: Amount | None = None
    net_profit_per_hour: Decimal | None = Field(default=None, allow_inf_nan=False)
    continuing_costs_per_hour: Amount | None = None
    extra_expense: Amount = Decimal(0)

    @model_validator(mode="after")
    def _one_basis(self) -> Financials:
        split = (self.net_profit_per_hour, self.continuing_costs_per_hour)
        if self.hourly_gross_profit is not None and any(v is not None for v in split):
            raise ValueError("give hourly_gross_profit, or net_profit_per_hour + continuing_costs_per_hour, not both")
        if (split[0] is None) != (split[1] is None):
            raise ValueError("net_profit_per_hour and continuing_costs_per_hour go together")
        if self.hourly_gross_profit is None and split[0] is not None and self.per_hour < 0:
            raise ValueError("net profit plus continuing costs is negative: no income was lost")
        return self

    @property
    def has_rate(self) -> bool:
        return self.hourly_gross_profit is not None or self.net_profit_per_hour is not None

    @property
    def per_hour(self) -> Decimal:
        """Gross profit lost per hour of total interruption."""
        if self.hourly_gross_profit is not None:
            return self.hourly_gross_profit
        return (self.net_profit_per_hour or Decimal(0)) + (self.continuing_costs_per_hour or Decimal(0))


class RecordsAffected(_Record):
    personal_information: int = Field(default=0, ge=0)
    sensitive_personal_information: int = Field(default=0, ge=0)


class Ransom(_Record):
    """An extortion demand and what was paid (rule 7)."""

    demanded: Amount = Decimal(0)
    paid: Amount = Decimal(0)
    currency_kind: Literal["fiat", "virtual"] = "fiat"
    insurer_consent: bool = False
    police_report: bool = False


class Fraud(_Record):
    """Funds transferred to a fraudster and what the bank recalled."""

    amount_transferred: Amount = Decimal(0)
    recovered: Amount = Decimal(0)

    @field_validator("recovered")
    @classmethod
    def _at_most_lost(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        transferred = info.data.get("amount_transferred")
        if transferred is not None and value > transferred:
            raise ValueError(f"{value} is more than amount_transferred {transferred}")
        return value


class CostLine(_Record):
    """An invoice. `coverage` names the liability cover a `defence` line defends (rule 4)."""

    category: CostCategory
    amount: Amount
    vendor: str | None = None
    approved_vendor: bool | None = None
    insurer_consent: bool | None = None
    betterment: Amount = Decimal(0)
    coverage: Coverage | None = Field(default=None, validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _one_currency(cls, data: object) -> object:
        if isinstance(data, dict) and "currency" in data:
            raise InvalidValue("api.problem.value.cost_line_currency", field="`currency`")
        return data

    @field_validator("betterment")
    @classmethod
    def _within_amount(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        amount = info.data.get("amount")
        if amount is not None and value > amount:
            raise ValueError(f"{value} is more than the line's amount {amount}")
        return value

    @field_validator("coverage")
    @classmethod
    def _defended_cover(cls, value: Coverage | None, info: ValidationInfo) -> Coverage | None:
        if info.data.get("category") is CostCategory.DEFENCE:
            if value is None:
                raise ValueError("a defence line names the liability coverage it defends (rule 4)")
            if value not in THIRD_PARTY_COVERAGES:
                raise ValueError(f"defence costs fall under a third-party coverage; {value.value} is not one (rule 4)")
        return value


class ThirdPartyClaim(_Record):
    """A claim against the insured; `amount_settled` is what the insured paid (absent while it is open)."""

    coverage: Coverage
    amount_claimed: Amount = Decimal(0)
    amount_settled: Amount | None = None
    claimant: str | None = None

    @field_validator("coverage")
    @classmethod
    def _liability(cls, coverage: Coverage) -> Coverage:
        if coverage not in THIRD_PARTY_COVERAGES:
            raise ValueError(f"coverage {coverage.value} is not a third-party (liability) coverage")
        return coverage


class Fine(_Record):
    """An administrative fine imposed by a regulator (rule 8)."""

    authority: str
    amount: Amount


class InfrastructureFailure(_Record):
    """A failure of infrastructure outside the insured's control (power, telecom, internet, a cloud provider)."""

    kind: Literal["power", "telecom", "internet", "cloud_provider", "other"] = "other"
    provider: str | None = None


class Incident(Frozen):
    """One incident as a claim: the facts the coverage decision and loss quantification read.

    Either `policy_number` names the policy (given apart, e.g. `--policy`), or the policy is embedded under
    `policy:` (rule 12).
    """

    policy_number: str | None = None
    policy: Policy | None = None
    currency: Currency | None = None
    event_types: list[EventType] = Field(min_length=1)
    occurred_at: AwareDatetime
    discovered_at: AwareDatetime
    reported_at: AwareDatetime
    description: str | None = None
    #: The description in Chinese, for zh statements (the claimant's words in the other language otherwise).
    description_zh: str | None = None
    attribution: Attribution = Attribution()
    root_cause: RootCause | None = None
    outages: list[Outage] = Field(default_factory=list)
    financials: Financials = Field(default_factory=Financials, validate_default=True)
    records_affected: RecordsAffected = RecordsAffected()
    ransom: Ransom | None = None
    fraud: Fraud | None = None
    costs: list[CostLine] = Field(default_factory=list)
    third_party_claims: list[ThirdPartyClaim] = Field(default_factory=list)
    fines: list[Fine] = Field(default_factory=list)
    prior_knowledge: bool = False
    unencrypted_portable_device: bool = False
    intentional_act: bool = False
    infrastructure_failure: bool | InfrastructureFailure = False

    @field_validator("event_types")
    @classmethod
    def _once_each(cls, event_types: list[EventType]) -> list[EventType]:
        repeated = sorted({e.value for e in event_types if event_types.count(e) > 1})
        if repeated:
            raise InvalidValue("api.problem.value.listed_twice", ids=", ".join(repeated))
        return event_types

    @field_validator("discovered_at", "reported_at")
    @classmethod
    def _in_order(cls, value: AwareDatetime, info: ValidationInfo) -> AwareDatetime:
        """occurred_at <= discovered_at <= reported_at: each moment is checked against the one before it."""
        earlier = {"discovered_at": "occurred_at", "reported_at": "discovered_at"}[str(info.field_name)]
        before = info.data.get(earlier)
        if before is not None and value < before:
            raise ValueError(f"{value.isoformat()} is before {earlier} {before.isoformat()}")
        return value

    @field_validator("financials")
    @classmethod
    def _rate_for_outages(cls, value: Financials, info: ValidationInfo) -> Financials:
        if info.data.get("outages") and not value.has_rate:
            raise ValueError("outages need hourly_gross_profit (or net_profit_per_hour + continuing_costs_per_hour)")
        return value

    @property
    def first_outage_start(self) -> AwareDatetime | None:
        return min((o.start for o in self.outages), default=None)

    @property
    def has_infrastructure_failure(self) -> bool:
        return self.infrastructure_failure is not False

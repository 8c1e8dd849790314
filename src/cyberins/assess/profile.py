"""The organisation profile: what an insured tells the assessor (YAML/JSON, `kind: organization`).

Money is `Decimal` in the profile's `currency`; the assessor converts to float64 only inside the model.
Validation names the field of every problem (`controls.mfa`, `records.health`, `dependencies[1].kind`).
`docs/profiles.md` describes each field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    field_validator,
)

from cyberins.assess.calibration import DependencyKind, RecordCategory
from cyberins.assess.questionnaire import Answer
from cyberins.assess.resources import load_calibration, load_questionnaire
from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import EventType, Jurisdiction
from cyberins.model.money import Amount, Currency, PositiveAmount


def _known_industry(ident: str) -> str:
    from cyberins.catalog import get_catalog

    industries = get_catalog().industries
    if ident not in industries:
        raise ValueError(
            f"unknown industry {ident!r}; use a catalog industry id such as {', '.join(list(industries)[:4])}"
        )
    return ident


def _known_control(ident: str) -> str:
    if ident not in load_questionnaire().ids:
        raise ValueError(f"unknown control {ident!r}: not a question of the controls questionnaire")
    return ident


def _modelled_currency(code: str) -> str:
    if code != "CNY" and code not in load_calibration().fx_to_cny:
        known = ", ".join(["CNY", *load_calibration().fx_to_cny])
        raise ValueError(f"no exchange rate for {code!r} in the calibration; use one of {known}")
    return code


IndustryId = Annotated[str, AfterValidator(_known_industry)]
ControlId = Annotated[str, AfterValidator(_known_control)]
Fraction = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]
#: Records of one category: at most 10^11, ten times the largest breach compilations (about 10^10 records);
#: a count of thousands of digits would overflow the float64 model.
RecordCount = Annotated[int, Field(ge=0, le=10**11)]


class Records(Frozen):
    """Records held, by category (counts of people or cards; 个人信息, 敏感个人信息 per PIPL art. 28)."""

    personal_information: RecordCount = 0
    sensitive_personal_information: RecordCount = 0
    payment_cards: RecordCount = 0
    health: RecordCount = 0

    def by_category(self) -> dict[RecordCategory, int]:
        return {c: getattr(self, c.value) for c in RecordCategory}


class CriticalSystem(Frozen):
    name: str = Field(min_length=1)
    rto_hours: Annotated[float, Field(gt=0, le=8760)]


class Dependency(Frozen):
    name: str = Field(min_length=1)
    kind: DependencyKind


class VpnProduct(Frozen):
    """An internet-exposed remote-access gateway seen from outside (e.g. by an attack-surface scan)."""

    product: Literal["cisco_asa", "fortinet", "palo_alto", "ivanti", "sangfor", "other"]
    version: str | None = None


class Vulnerability(Frozen):
    cve: Annotated[str, Field(pattern=r"^CVE-\d{4}-\d{4,7}$")]
    #: Listed in CISA's Known Exploited Vulnerabilities catalog.
    kev: bool = False
    remediated: bool = False
    asset: str | None = None


class ExposureSignals(Frozen):
    """Outside-in signals: what an internet scan sees of the organisation."""

    rdp_exposed: bool = False
    vpn_products: tuple[VpnProduct, ...] = ()
    risky_services: tuple[Literal["smb", "telnet", "ftp", "database", "vnc", "snmp", "other"], ...] = ()
    vulnerabilities: tuple[Vulnerability, ...] = ()

    @property
    def kev_unremediated(self) -> tuple[Vulnerability, ...]:
        return tuple(v for v in self.vulnerabilities if v.kev and not v.remediated)


class PastIncident(Frozen):
    year: Annotated[int, Field(ge=1990, le=2100)]
    event_type: EventType
    loss: Amount
    description: str = ""


class ToleranceStatement(Frozen):
    """ "A loss above `loss` at most once in `return_period` years": one point of the insured's risk tolerance."""

    loss: PositiveAmount
    return_period: Annotated[float, Field(gt=1, le=10_000)]


class OrganizationProfile(Frozen):
    """An organisation as the assessor sees it; `assess(profile)` turns it into a `RiskModel`."""

    kind: Literal["organization"] = "organization"
    name: str = Field(min_length=1)
    name_zh: str | None = None
    industry: IndustryId
    jurisdiction: Jurisdiction = Jurisdiction.CN
    currency: Annotated[Currency, AfterValidator(_modelled_currency)] = "CNY"
    annual_revenue: PositiveAmount
    employees: Annotated[int, Field(gt=0, le=10_000_000)]  # the largest employers have about 2-3 million
    gross_profit_margin: Annotated[Decimal, Field(gt=0, le=1, allow_inf_nan=False)] | None = None
    hourly_gross_profit: Amount | None = None
    online_revenue_share: Fraction = Decimal(0)
    listed: bool = False
    #: Industrial control systems, connected vehicles or devices a cyber event could damage physically.
    operational_technology: bool = False
    records: Records = Records()
    critical_systems: tuple[CriticalSystem, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    #: GB/T 22239-2019 (等级保护) level of the core systems, 1-4; absent when not graded.
    mlps_level: Annotated[int, Field(ge=1, le=4)] | None = None
    questionnaire: Literal["short", "full"] = "short"
    controls: dict[ControlId, Answer] = Field(default_factory=dict)
    exposure: ExposureSignals = ExposureSignals()
    #: Incidents of the look-back period (list the last five years).
    incidents: tuple[PastIncident, ...] = ()
    calibration_overrides: dict[str, Any] = Field(default_factory=dict)
    #: The risk the organisation can bear, by two points; a quote then recommends the limit it needs.
    risk_tolerance: tuple[ToleranceStatement, ToleranceStatement] | None = None

    @field_validator("controls")
    @classmethod
    def _answers_fit(cls, controls: dict[str, Answer]) -> dict[str, Answer]:
        questionnaire = load_questionnaire()
        problems = []
        for ident, answer in controls.items():
            try:
                questionnaire.question(ident).score(answer)
            except ValueError as exc:
                problems.append(f"controls.{ident}: {exc}")
        if problems:
            raise ValueError("; ".join(problems))
        return controls

    def with_controls(self, controls: frozenset[str] | set[str]) -> OrganizationProfile:
        """The same organisation with these controls fully in place (for what-if and security ROI)."""
        questionnaire = load_questionnaire()
        unknown = sorted(set(controls) - questionnaire.ids)
        if unknown:
            raise InvalidInput.one(f"controls.{unknown[0]}", Said("input.other.unknown_control"))
        answers = dict(self.controls)
        for ident in sorted(controls):
            answers[ident] = questionnaire.question(ident).best_answer()
        return self.model_copy(update={"controls": answers})

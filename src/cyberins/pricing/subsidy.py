"""Premium subsidies as data (DESIGN.md "Pricing": the white paper's "强制、鼓励、补贴" levers).

A scheme pays a share of an eligible insured's premium up to a cap per policy; eligibility is a size test
(employees, revenue) and an optional list of industries. The scheme is a YAML file, not code
(`examples/subsidies/`); `apply_subsidy` says what the insured pays after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Literal

from pydantic import NonNegativeInt, field_validator, model_validator

from cyberins.catalog import get_catalog
from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput, InvalidValue, Said
from cyberins.model.loading import load_model
from cyberins.model.money import Amount, Currency, minor_units, to_minor
from cyberins.pricing.basis import Sourced


class Eligibility(Frozen):
    """Who may claim the subsidy. Bounds are inclusive; an absent bound or list does not restrict."""

    max_employees: Sourced | None = None
    max_revenue: Sourced | None = None
    #: `all`: every given size bound must hold; `any`: one is enough (as SME size tests often read, "或").
    size_test: Literal["all", "any"] = "all"
    #: Industry ids as the organisation profile names them; None admits every industry.
    industries: list[str] | None = None

    @field_validator("industries")
    @classmethod
    def _catalog_industries(cls, value: list[str] | None) -> list[str] | None:
        """A misspelt industry would silently make every insured of it ineligible: refuse it on load."""
        known = get_catalog().industries
        unknown = [i for i in value or [] if i not in known]
        if unknown:
            raise InvalidValue("api.problem.value.unknown_industries", ids=", ".join(unknown), known=", ".join(known))
        return value


class SubsidyScheme(Frozen):
    """A premium subsidy: `share` of the premium, at most `cap_per_policy`, for eligible insureds."""

    name: str
    name_zh: str | None = None
    authority: str
    currency: Currency
    share: Sourced
    cap_per_policy: Sourced | None = None
    eligibility: Eligibility = Eligibility()
    note: str = ""

    @model_validator(mode="after")
    def _ranges(self) -> SubsidyScheme:
        if not 0 < self.share.value <= 1:
            raise ValueError(f"share {self.share.value} must be in (0, 1]")
        if self.cap_per_policy is not None and self.cap_per_policy.value < 0:
            raise ValueError(f"cap_per_policy {self.cap_per_policy.value} is negative")
        return self


class InsuredFacts(Frozen):
    """What a scheme's eligibility looks at; revenue per year in the scheme currency."""

    employees: NonNegativeInt
    revenue: Amount
    industry: str


@dataclass(frozen=True)
class SubsidyResult:
    """Money in the scheme currency, to its minor unit; `subsidy + payable == premium`."""

    premium: Decimal
    subsidy: Decimal
    payable: Decimal
    eligible: bool
    #: Why the insured is not eligible (empty when it is), or that the cap bound the subsidy; in English, and
    #: the same in Chinese for a zh report (the message catalogue says both).
    reasons: tuple[str, ...]
    reasons_zh: tuple[str, ...] = ()


def load_scheme(path: Path) -> SubsidyScheme:
    """Read and validate a subsidy scheme file."""
    return load_model(SubsidyScheme, path)


def eligibility_problems(scheme: SubsidyScheme, facts: InsuredFacts) -> tuple[Said, ...]:
    """Why `facts` fail the scheme's eligibility; empty when they pass."""
    rule = scheme.eligibility
    size: list[Said] = []
    if rule.max_employees is not None and facts.employees > rule.max_employees.value:
        size.append(
            Said("pricing.subsidy.employees_above", {"employees": facts.employees, "max": rule.max_employees.value})
        )
    if rule.max_revenue is not None and facts.revenue > rule.max_revenue.value:
        above = {"revenue": facts.revenue, "currency": scheme.currency, "max": rule.max_revenue.value}
        size.append(Said("pricing.subsidy.revenue_above", above))
    bounds = sum(b is not None for b in (rule.max_employees, rule.max_revenue))
    failed = size if rule.size_test == "all" or len(size) == bounds else []
    if rule.industries is not None and facts.industry.lower() not in {i.lower() for i in rule.industries}:
        industry = {"en": repr(facts.industry), "zh": _industry_zh(facts.industry.lower())}
        known = {"en": ", ".join(rule.industries), "zh": "、".join(_industry_zh(i) for i in rule.industries)}
        failed = [*failed, Said("pricing.subsidy.industry_not_among", {"industry": industry, "known": known})]
    return tuple(failed)


def _industry_zh(ident: str) -> str:
    """The catalogue's Chinese name of an industry; an id it does not know (the insured's facts are not checked
    against it) is shown as it is."""
    catalog = get_catalog()
    return catalog.label(f"industry:{ident}", "zh") if ident in catalog.industries else ident


def apply_subsidy(
    premium: Decimal, scheme: SubsidyScheme, facts: InsuredFacts, *, currency: str | None = None
) -> SubsidyResult:
    """The subsidy and what the insured pays: ``subsidy = min(share × premium, cap)`` when eligible.

    The subsidy is rounded down to the currency's minor unit (a grant never pays more than its share);
    the insured pays the rest. `currency`, when given, must be the scheme's.

    Examples
    --------
    With a 30% share capped at 10,000, a premium of 50,000 gets 10,000 and the insured pays 40,000.
    """
    if currency is not None and currency != scheme.currency:
        said = Said(
            "input.pricing.scheme_currency",
            {"currency": currency, "name": repr(scheme.name), "scheme": scheme.currency},
        )
        raise InvalidInput.one("currency", said)
    if not premium.is_finite() or premium < 0:
        raise InvalidInput.one("premium", Said("input.pricing.must_be_non_negative", {"amount": premium}))
    unit = Decimal(1).scaleb(-minor_units(scheme.currency))
    premium = to_minor(premium, scheme.currency)
    problems = eligibility_problems(scheme, facts)
    if problems:
        return SubsidyResult(premium, Decimal(0).quantize(unit), premium, False, *_both(problems))
    raw = (premium * scheme.share.value).quantize(unit, rounding=ROUND_FLOOR)
    notes: tuple[Said, ...] = ()
    subsidy = raw
    if scheme.cap_per_policy is not None and raw > scheme.cap_per_policy.value:
        subsidy = scheme.cap_per_policy.value.quantize(unit, rounding=ROUND_FLOOR)
        notes = (Said("pricing.subsidy.capped", {"cap": subsidy, "currency": scheme.currency}),)
    return SubsidyResult(premium, subsidy, premium - subsidy, True, *_both(notes))


def _both(reasons: tuple[Said, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(str(r) for r in reasons), tuple(r.in_lang("zh") for r in reasons)

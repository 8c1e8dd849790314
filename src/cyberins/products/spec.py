"""Fields every product file shares: identity, the policy template, insureds, factors and generated segments.

A product file is YAML or JSON; `cyberins.products.loader` validates it against the schema of its `form`
(`forms.py`) and resolves the files it references. Errors name the field as a dotted path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, NonNegativeInt, model_validator

from cyberins.catalog.provenance import Cited
from cyberins.model.base import Frozen
from cyberins.model.ids import EventType
from cyberins.quant.model import Factor

#: Ids of products, members, segments and services: letters, digits, `_` and `-`.
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=80)]
#: A multiplier of a service or a security product: it may lower a frequency or severity, never raise it.
Reduction = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]


class FactorSpec(Cited):
    """A per-event-type multiplier of frequency and severity, with its provenance.

    `source` names where the number comes from (a report, a vendor test, a data file); otherwise
    `assumption: true` with a `reason`.
    """

    event_type: EventType
    frequency: Reduction = 1.0
    severity: Reduction = 1.0

    def to_factor(self, name: str) -> Factor:
        reason = ("assumption: " if self.assumption else "") + self.reason
        return Factor(
            name, self.event_type, frequency=self.frequency, severity=self.severity, source=self.source, reason=reason
        )


class InsuredRef(Frozen):
    """Who is insured: an organisation `profile` (a path relative to the product file, or the profile inline)
    or an explicit risk `model` (a path, or inline with `kind: explicit`). Exactly one of the two."""

    profile: str | dict[str, Any] | None = None
    model: str | dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one(self) -> InsuredRef:
        if (self.profile is None) == (self.model is None):
            raise ValueError("give exactly one of `profile` (an organisation) or `model` (an explicit risk model)")
        return self


class Range(Frozen):
    """Bounds of a generated quantity, both included; drawn log-uniformly between them."""

    low: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
    high: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError("give [low, high]")
            return {"low": value[0], "high": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.high < self.low:
            raise ValueError(f"high {self.high} is below low {self.low}")
        return self


class SegmentSpec(Frozen):
    """A synthetic group of organisations of one industry and size: `count` profiles drawn from the seed.

    Revenue (currency a year) and employees are drawn log-uniformly in their ranges; every other profile
    field comes from `profile` (controls, records, online share…), shared by the whole segment.
    """

    id: Ident
    name: str = ""
    name_zh: str = ""
    industry: str
    count: Annotated[int, Field(ge=1, le=2_000)]
    annual_revenue: Range
    employees: Range
    profile: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _generated_fields(self) -> SegmentSpec:
        taken = sorted({"name", "industry", "annual_revenue", "employees", "currency"} & set(self.profile))
        if taken:
            raise ValueError(f"profile.{taken[0]}: drawn for each organisation of the segment; set it on the segment")
        return self


class ProductBase(Frozen):
    """What every product file carries: identity, form, the policy template and its provenance."""

    id: Ident
    name: str = ""
    name_zh: str = ""
    description: str = ""
    #: Where the product's business model comes from, e.g. the white paper section it answers.
    source: str = ""
    policy: dict[str, Any] | None = None
    policy_file: str | None = None
    #: Seed of the synthetic segments; absent, the pricing seed draws them.
    population_seed: NonNegativeInt | None = None

    @model_validator(mode="after")
    def _one_policy(self) -> ProductBase:
        if (self.policy is None) == (self.policy_file is None):
            raise ValueError("give exactly one of `policy` (the template inline) or `policy_file` (a path)")
        return self


def unique_ids(items: list[Any], what: str) -> None:
    """ValueError naming the first id that repeats."""
    ids = [item.id for item in items]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"{what} id given twice: {', '.join(repeated)}")

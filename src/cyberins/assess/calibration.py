"""The calibration file (`assess/data/calibration.yaml`): base rates, multipliers and severity drivers.

Every block carries its provenance (`source:` an id declared under `sources`, or `assumption: true` with a
`reason`); a block's provenance covers every number in it. Amounts are CNY; figures published in USD were
converted with `fx_to_cny.USD` and the `reason` says so. `docs/risk-model.md` explains each block.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from cyberins.catalog.provenance import uncited
from cyberins.catalog.schema import Fact, Label, Provenance, SnakeId, Source
from cyberins.model.base import Frozen
from cyberins.model.ids import Coverage, EventType, Jurisdiction

Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
#: One multiplier from the data: bounded so a typo cannot make a factor absurd (see `Bounds.factor`).
Multiplier = Annotated[float, Field(ge=0.1, le=10, allow_inf_nan=False)]


class DependencyKind(StrEnum):
    """Kinds of outside provider an organisation depends on (its dependencies, DESIGN.md "Portfolio")."""

    CLOUD = "cloud"
    MSP = "msp"
    SOFTWARE = "software"
    PAYMENT_PROCESSOR = "payment_processor"
    CDN_DNS = "cdn_dns"


class RecordCategory(StrEnum):
    PERSONAL_INFORMATION = "personal_information"
    SENSITIVE_PERSONAL_INFORMATION = "sensitive_personal_information"
    PAYMENT_CARDS = "payment_cards"
    HEALTH = "health"


class Band(Provenance):
    """A revenue band: a descriptive label for firms with revenue below `upper_cny` (the last band has none).

    Bands name a size in reports and eligibility rules; they drive no number discontinuously. `anchor_cny`
    is the band's representative revenue (its geometric midpoint), where per-band amounts such as a control's
    annual cost are read; between anchors amounts follow `log_interpolate`.
    """

    id: SnakeId
    label: Label
    upper_cny: Positive | None
    anchor_cny: Positive


def log_interpolate(x: float, points: Sequence[tuple[float, float]]) -> float:
    """The curve through `points` (x increasing), straight on log-log axes between them, flat beyond the ends.

    A power law between each pair of anchors: continuous in x, so a 1% change of x moves the value by at most
    about |slope| %.

    >>> round(log_interpolate(10.0, [(1.0, 1.0), (100.0, 100.0)]), 9)
    10.0
    >>> round(log_interpolate(1e6, [(1.0, 2.0), (100.0, 3.0)]), 9)
    3.0
    """
    xs = np.log([p[0] for p in points])
    ys = np.log([p[1] for p in points])
    return float(np.exp(np.interp(math.log(x), xs, ys)))


class IndustryGroup(Provenance):
    """Industries grouped by GB/T 4754-2017 section (or named by catalog id); multipliers by event type.

    A catalog industry belongs to the group that names its id under `industries`, else to the group whose
    `sections` hold its GB/T 4754 section. Absent event types have multiplier 1.
    """

    label: Label
    sections: tuple[Annotated[str, Field(pattern=r"^[A-T]$")], ...] = ()
    industries: tuple[SnakeId, ...] = ()
    frequency: dict[EventType, Multiplier] = Field(default_factory=dict)
    severity: dict[EventType, Multiplier] = Field(default_factory=dict)
    #: Gross profit / revenue, used when a profile gives neither margin nor hourly gross profit.
    gross_margin: Annotated[float, Field(gt=0, le=1)]
    #: Share of offline (not online) revenue that stops when the IT systems stop.
    offline_it_dependence: Share


class Reference(Provenance):
    """Scale points of the severity formulas: medians in the file are for a firm of this size."""

    revenue_cny: Positive
    employees: Positive
    records: Positive
    #: Gross profit accrues per calendar hour: annual gross profit / hours_per_year is the hourly rate.
    hours_per_year: Positive


class Exposure(Provenance):
    """Outside-in exposure multipliers on the frequency of the intrusion-driven event types."""

    event_types: tuple[EventType, ...] = Field(min_length=1)
    rdp_exposed: Fact[Multiplier]
    vpn_products: dict[SnakeId, Fact[Multiplier]]
    risky_service: Fact[Multiplier]
    kev_unremediated: Fact[Multiplier]
    other_vulnerability: Fact[Multiplier]
    #: At most this many unremediated vulnerabilities (of each kind) count.
    max_counted: Fact[int]


class History(Provenance):
    """Experience: each listed past incident multiplies its event type's frequency, up to `cap`."""

    per_incident: Multiplier
    cap: Multiplier


class RecordsFrequency(Provenance):
    """Breach frequency grows with records held: (records / reference)^exponent, within [low, high]."""

    event_types: tuple[EventType, ...]
    reference: Positive
    exponent: Annotated[float, Field(ge=0, le=1)]
    low: Multiplier
    high: Multiplier


class OnlineFrequency(Provenance):
    """Denial of service frequency: intercept + slope × online revenue share."""

    event_types: tuple[EventType, ...]
    intercept: Multiplier
    slope: NonNegative


class PowerLaw(Provenance):
    """A multiplier (x / reference)^exponent: continuous in x and, for exponent > 0, rising without a cap."""

    reference: Positive
    exponent: Annotated[float, Field(ge=0, le=1)]

    def at(self, x: float) -> float:
        return float((x / self.reference) ** self.exponent)


class LogCurve(Provenance):
    """A value through anchor points `[x, y]` (x increasing), log-log straight between them, flat beyond."""

    points: tuple[tuple[Positive, Positive], ...] = Field(min_length=1)

    @field_validator("points")
    @classmethod
    def _increasing(cls, points: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
        if any(a[0] >= b[0] for a, b in zip(points, points[1:], strict=False)):
            raise ValueError("anchor points must have increasing x")
        return points

    def at(self, x: float) -> float:
        return log_interpolate(x, self.points)


class Size(Frozen):
    """How frequency grows with revenue (every event type) and how over-dispersed annual counts are."""

    frequency: PowerLaw
    #: Variance-to-mean ratio of annual counts by revenue (CNY): 1 is Poisson, above 1 negative binomial.
    dispersion: LogCurve

    @field_validator("dispersion")
    @classmethod
    def _at_least_one(cls, curve: LogCurve) -> LogCurve:
        if any(not 1 <= y <= 5 for _, y in curve.points):
            raise ValueError("a dispersion is between 1 (Poisson) and 5")
        return curve


class Bounds(Provenance):
    """Limits on combined factors per event type (low, high)."""

    controls: tuple[Multiplier, Multiplier]
    exposure: tuple[Multiplier, Multiplier]


class Frequency(Frozen):
    #: Ground-up events per year of a small firm with the population-average controls.
    base: dict[EventType, Fact[NonNegative]]
    #: By 等保 level of the core systems: "none" (not graded), "1" … "4".
    mlps: dict[str, Fact[Multiplier]]
    mlps_event_types: tuple[EventType, ...]
    history: History
    records: RecordsFrequency
    online: OnlineFrequency

    @field_validator("mlps")
    @classmethod
    def _every_level(cls, mlps: dict[str, Fact[float]]) -> dict[str, Fact[float]]:
        if set(mlps) != {"none", "1", "2", "3", "4"}:
            raise ValueError("give exactly the levels none, 1, 2, 3 and 4")
        return mlps

    @field_validator("base")
    @classmethod
    def _every_event_type(cls, base: dict[EventType, Fact[float]]) -> dict[EventType, Fact[float]]:
        missing = [e.value for e in EventType if e not in base]
        if missing:
            raise ValueError(f"missing base rate for {', '.join(missing)}")
        return base


class OutageSpec(Provenance):
    """Outage driver: downtime hours lognormal (median, sigma) capped, the share of operations stopped, a ramp.

    Income lost an hour of downtime = hourly gross profit × the firm's IT dependence × `impairment`. After
    the downtime, capacity comes back linearly over `ramp` × the downtime (0: all at once).
    """

    probability: Share
    median_hours: Positive
    sigma: Positive
    cap_hours: Positive
    impairment: Share
    ramp: Annotated[float, Field(ge=0, le=2)] = 0.0
    online_only: bool = False
    extra_expense_share: NonNegative = 0.0
    #: Median taken from the profile's critical-system RTOs when it lists them (non-malicious outages).
    rto_driven: bool = False
    #: Probability that one event of this type starts at a dependency of that kind (-> dependent BI).
    dependent: dict[DependencyKind, Share] = Field(default_factory=dict)


class RansomSpec(Provenance):
    """Ransom demand driver: lognormal median at the reference revenue × (revenue/ref)^exponent."""

    probability: Share
    median: Positive
    revenue_exponent: Annotated[float, Field(ge=0, le=1.5)]
    sigma: Positive
    paid_probability: Share
    settlement_ratio: Share


class Requirement(StrEnum):
    OPERATIONAL_TECHNOLOGY = "operational_technology"
    PAYMENT_CARDS = "payment_cards"
    LISTED = "listed"


class CostSpec(Provenance):
    """One cost line of an event: lognormal median (CNY, reference firm) × size scale, with a probability."""

    coverage: Coverage
    probability: Share
    median: Positive
    sigma: Positive
    revenue_exponent: Annotated[float, Field(ge=0, le=1.5)] = 0.0
    employees_exponent: Annotated[float, Field(ge=0, le=1.5)] = 0.0
    requires: Requirement | None = None
    #: At most this share of the firm's annual revenue per event (the fraud amount: what the firm can wire).
    cap_revenue_share: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = None


class BreachSpec(Provenance):
    probability: Share


class EventSpec(Frozen):
    outage: OutageSpec | None = None
    breach: BreachSpec | None = None
    ransom: RansomSpec | None = None
    costs: dict[SnakeId, CostSpec] = Field(default_factory=dict)


class BreachCosts(Provenance):
    """Costs driven by records exposed E: median × (E / reference.records)^records_exponent (sub-linear)."""

    share_alpha: Positive
    share_beta: Positive
    records_exponent: Annotated[float, Field(gt=0, lt=1)]
    revenue_exponent: Annotated[float, Field(ge=0, le=1)]
    revenue_cap_cny: Positive
    weights: dict[RecordCategory, Annotated[float, Field(gt=0, le=5)]]
    employee_records: NonNegative
    costs: dict[SnakeId, CostSpec]

    @field_validator("costs")
    @classmethod
    def _uncapped(cls, costs: dict[str, CostSpec]) -> dict[str, CostSpec]:
        capped = [name for name, c in costs.items() if c.cap_revenue_share is not None]
        if capped:
            raise ValueError(f"records-driven costs take no cap_revenue_share: {', '.join(capped)}")
        return costs


class Fines(Provenance):
    """Administrative fines after a breach (PIPL art. 66): outside every coverage, reported apart."""

    probability: Share
    median_revenue_share: Positive
    sigma: Positive
    cap_revenue_share: Share
    cap_cny: Positive


class JurisdictionCosts(Provenance):
    """Cost level of a jurisdiction relative to the (US-based) sources, per coverage (absent: 1)."""

    coverage_multipliers: dict[Coverage, Annotated[float, Field(gt=0, le=2)]] = Field(default_factory=dict)


class Calibration(Frozen):
    """The whole calibration file, validated; `docs/risk-model.md` describes every block."""

    version: str
    currency: Literal["CNY"]
    sources: tuple[Source, ...] = Field(min_length=1)
    fx_to_cny: dict[str, Fact[Positive]]
    reference: Reference
    revenue_bands: tuple[Band, ...] = Field(min_length=1)
    size: Size
    frequency: Frequency
    industries: dict[SnakeId, IndustryGroup] = Field(min_length=1)
    exposure: Exposure
    bounds: Bounds
    breach_costs: BreachCosts
    fines: Fines
    jurisdictions: dict[Jurisdiction, JurisdictionCosts]
    event_types: dict[EventType, EventSpec]

    @model_validator(mode="after")
    def _consistent(self) -> Calibration:
        *finite, last = [b.upper_cny for b in self.revenue_bands]
        if last is not None or any(u is None for u in finite):
            raise ValueError("revenue_bands: only the last band has no upper_cny")
        if any(a >= b for a, b in zip(finite, finite[1:], strict=False)):  # type: ignore[operator]
            raise ValueError("revenue_bands: upper_cny must increase")
        edges = [0.0, *(u or 0.0 for u in finite), math.inf]
        if any(not edges[i] <= b.anchor_cny < edges[i + 1] for i, b in enumerate(self.revenue_bands)):
            raise ValueError("revenue_bands: each anchor_cny lies inside its band")
        sections = [s for g in self.industries.values() for s in g.sections]
        if sorted(set(sections)) != sorted(sections) or len(sections) != 20:
            raise ValueError("industries: each GB/T 4754 section A-T belongs to exactly one group")
        problems = uncited(self, self.sources)
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        return self

    def band(self, revenue_cny: float) -> Band:
        """The revenue band of a firm with this revenue (CNY): a label, never a multiplier."""
        return next(b for b in self.revenue_bands if b.upper_cny is None or revenue_cny < b.upper_cny)

    def by_band(self, amounts: Mapping[str, float], revenue_cny: float) -> float:
        """An amount given per band id (read at each band's anchor revenue) at this revenue, continuously."""
        return log_interpolate(revenue_cny, [(b.anchor_cny, amounts[b.id]) for b in self.revenue_bands])

    def industry_group(self, industry: str, section: str) -> tuple[str, IndustryGroup]:
        """The group of a catalog industry: the one naming its id, else the one holding its section."""
        named = [(k, g) for k, g in self.industries.items() if industry in g.industries]
        return named[0] if named else next((k, g) for k, g in self.industries.items() if section in g.sections)

    def fx(self, currency: str) -> float:
        """CNY per unit of `currency`."""
        return 1.0 if currency == "CNY" else self.fx_to_cny[currency].value

"""The numbers of one organisation that the model needs, resolved once from its profile (CNY, floats)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from cyberins.assess.calibration import Band, Calibration, DependencyKind, IndustryGroup, RecordCategory
from cyberins.assess.profile import OrganizationProfile
from cyberins.catalog import get_catalog


@dataclass(frozen=True)
class Firm:
    """A profile in model units: money in CNY per year or hour, counts as floats."""

    revenue_cny: float
    #: CNY per unit of the model's currency (1 for CNY).
    fx: float
    employees: float
    band: Band
    group_id: str
    group: IndustryGroup
    #: Gross profit lost per hour when everything stops (CNY).
    hourly_gross_profit_cny: float
    online_share: float
    #: Records held (people or cards), staff included, and their mean cost weight.
    records_held: float
    records_weight: float
    #: Median recovery-time objective of the critical systems (hours), if the profile lists any.
    rto_median_hours: float | None
    dependencies: tuple[DependencyKind, ...]
    operational_technology: bool
    payment_cards: bool
    listed: bool

    @classmethod
    def of(cls, profile: OrganizationProfile, cal: Calibration) -> Firm:
        fx = cal.fx(profile.currency)
        revenue_cny = float(profile.annual_revenue) * fx
        section = get_catalog().industries[profile.industry].gbt4754.section
        group_id, group = cal.industry_group(profile.industry, section)
        if profile.hourly_gross_profit is not None:
            hourly = float(profile.hourly_gross_profit) * fx
        else:
            margin = (
                float(profile.gross_profit_margin) if profile.gross_profit_margin is not None else group.gross_margin
            )
            hourly = revenue_cny * margin / cal.reference.hours_per_year
        counts = profile.records.by_category()
        weights = cal.breach_costs.weights
        staff = profile.employees * cal.breach_costs.employee_records
        held = sum(counts.values()) + staff
        weighted = sum(weights[c] * n for c, n in counts.items()) + weights[RecordCategory.PERSONAL_INFORMATION] * staff
        rtos = [s.rto_hours for s in profile.critical_systems]
        return cls(
            revenue_cny=revenue_cny,
            fx=fx,
            employees=float(profile.employees),
            band=cal.band(revenue_cny),
            group_id=group_id,
            group=group,
            hourly_gross_profit_cny=hourly,
            online_share=float(profile.online_revenue_share),
            records_held=float(held),
            records_weight=weighted / held if held else 1.0,
            rto_median_hours=statistics.median(rtos) if rtos else None,
            dependencies=tuple(d.kind for d in profile.dependencies),
            operational_technology=profile.operational_technology,
            payment_cards=profile.records.payment_cards > 0,
            listed=profile.listed,
        )

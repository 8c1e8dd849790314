"""`assess(profile) -> RiskModel`: base rates × explained factors, and a driver-based severity per event type.

For each of the nine event types: frequency = base rate (ground-up events a year of a firm at the size
reference with the insured population's average controls) × every `Factor` (`cyberins.assess.factors`),
Poisson or negative binomial by the dispersion at the firm's revenue (`size.dispersion`); severity = a
`DriverSeverity` built from the calibration's drivers at the firm's size, in the profile's currency, scaled
by the product of the severity factors. Every size effect is continuous in revenue and employees. Pure: no
files beyond the packaged data, no randomness (the simulation draws later, from the seed it is given).
"""

from __future__ import annotations

import math

from cyberins.assess.calibration import Calibration, CostSpec, EventSpec, OutageSpec, Requirement
from cyberins.assess.factors import calibration_factors, control_factors, exposure_factors
from cyberins.assess.firm import Firm
from cyberins.assess.profile import OrganizationProfile
from cyberins.assess.questionnaire import Questionnaire
from cyberins.assess.resources import load_calibration, load_questionnaire, with_overrides
from cyberins.assess.severity import Breach, CostLine, DriverSeverity, Outage, Ransom
from cyberins.catalog import get_catalog
from cyberins.model.ids import Coverage, EventType, Jurisdiction
from cyberins.quant.distributions import NegBin, Poisson
from cyberins.quant.model import EventTypeModel, FrequencyModel, RiskModel


def assess(profile: OrganizationProfile, calibration: Calibration | None = None) -> RiskModel:
    """The risk model of an organisation, in its currency.

    Parameters
    ----------
    profile
        A validated `OrganizationProfile`; its `calibration_overrides` (dotted paths) apply on top of
        `calibration`.
    calibration
        The calibration to use (default: the packaged `assess/data/calibration.yaml`).

    Examples
    --------
    >>> from cyberins.assess import OrganizationProfile, assess
    >>> p = OrganizationProfile(
    ...     name="Demo", industry="manufacturing", annual_revenue=30_000_000, employees=80
    ... )
    >>> model = assess(p)
    >>> len(model.event_types), model.currency
    (9, 'CNY')
    """
    cal = with_overrides(calibration or load_calibration(), profile.calibration_overrides)
    firm = Firm.of(profile, cal)
    questionnaire = load_questionnaire()
    models = tuple(_event_type(et, profile, firm, cal, questionnaire) for et in EventType)
    return RiskModel(currency=profile.currency, event_types=models, kind="assessed", name=profile.name)


def _event_type(
    et: EventType, profile: OrganizationProfile, firm: Firm, cal: Calibration, questionnaire: Questionnaire
) -> EventTypeModel:
    factors = (
        calibration_factors(et, firm, profile, cal)
        + exposure_factors(et, profile, cal)
        + control_factors(et, profile, questionnaire, cal)
    )
    lam = cal.frequency.base[et].value * math.prod(f.frequency for f in factors)
    severity = build_severity(et, firm, profile.jurisdiction, cal).scaled(math.prod(f.severity for f in factors))
    dispersion = cal.size.dispersion.at(firm.revenue_cny)
    return EventTypeModel(et, _frequency(lam, dispersion), severity, tuple(factors))


def _frequency(lam: float, dispersion: float) -> FrequencyModel:
    if dispersion <= 1.0 or lam == 0:
        return Poisson(dist="poisson", lam=lam)
    return NegBin.model_validate({"dist": "negbin", "mean": lam, "var": lam * dispersion})


def build_severity(et: EventType, firm: Firm, jurisdiction: Jurisdiction, cal: Calibration) -> DriverSeverity:
    """The unscaled severity of one event of type `et` for `firm`, in the model currency."""
    spec = cal.event_types.get(et, EventSpec())
    level = cal.jurisdictions[jurisdiction].coverage_multipliers
    costs = [_cost(name, c, firm, cal, level) for name, c in spec.costs.items() if _applies(c, firm)]
    breach = None
    if spec.breach is not None and spec.breach.probability > 0:
        bc = cal.breach_costs
        breach = Breach(
            spec.breach.probability, bc.share_alpha, bc.share_beta, firm.records_held, cal.reference.records,
            bc.records_exponent,
        )  # fmt: skip
        costs += [_cost(name, c, firm, cal, level, records=True) for name, c in bc.costs.items() if _applies(c, firm)]
    ransom = None
    insurable = get_catalog().jurisdictions[jurisdiction].ransom_virtual_currency_indemnifiable
    if spec.ransom is not None and insurable:
        r = spec.ransom
        median = r.median * (firm.revenue_cny / cal.reference.revenue_cny) ** r.revenue_exponent / firm.fx
        ransom = Ransom(r.probability, math.log(median), r.sigma, r.paid_probability, r.settlement_ratio)
    outage = _outage(spec.outage, firm) if spec.outage is not None else None
    hit = {c.coverage for c in costs} | ({Coverage.CYBER_EXTORTION} if ransom else set())
    if outage is not None:
        if outage.dependent_probability < 1:
            hit.add(Coverage.BUSINESS_INTERRUPTION)
        if outage.dependent_probability > 0:
            hit.add(Coverage.DEPENDENT_BUSINESS_INTERRUPTION)
    return DriverSeverity(
        coverages=tuple(c for c in Coverage if c in hit),
        outage=outage,
        breach=breach,
        ransom=ransom,
        costs=tuple(costs),
    )


def _applies(c: CostSpec, firm: Firm) -> bool:
    return {
        None: True,
        Requirement.OPERATIONAL_TECHNOLOGY: firm.operational_technology,
        Requirement.PAYMENT_CARDS: firm.payment_cards,
        Requirement.LISTED: firm.listed,
    }[c.requires]


def _cost(
    name: str, c: CostSpec, firm: Firm, cal: Calibration, level: dict[Coverage, float], records: bool = False
) -> CostLine:
    ref = cal.reference
    revenue = firm.revenue_cny
    median = c.median * level.get(c.coverage, 1.0) / firm.fx
    if records:
        # Records-driven: (E / unit)^b is drawn per event; firm size and record mix scale the median.
        bc = cal.breach_costs
        median *= firm.records_weight * (min(revenue, bc.revenue_cap_cny) / ref.revenue_cny) ** bc.revenue_exponent
    median *= (revenue / ref.revenue_cny) ** c.revenue_exponent * (
        firm.employees / ref.employees
    ) ** c.employees_exponent
    # The cap is the firm's own money (a share of its revenue): no jurisdiction level or size curve applies.
    cap = math.inf if c.cap_revenue_share is None else c.cap_revenue_share * revenue / firm.fx
    return CostLine(name, c.coverage, c.probability, math.log(median), c.sigma, records_driven=records, cap=cap)


def _outage(o: OutageSpec, firm: Firm) -> Outage | None:
    """Income lost per hour = gross profit per hour × the share of operations that need IT × the share stopped."""
    share = firm.online_share
    dependence = share if o.online_only else share + (1 - share) * firm.group.offline_it_dependence
    per_hour = firm.hourly_gross_profit_cny * dependence * o.impairment / firm.fx
    if per_hour <= 0 or o.probability == 0:
        return None
    median = o.median_hours
    if o.rto_driven and firm.rto_median_hours is not None:
        median = min(firm.rto_median_hours, o.cap_hours)
    up = math.prod(1 - o.dependent.get(kind, 0.0) for kind in firm.dependencies)
    return Outage(
        o.probability, math.log(median), o.sigma, o.cap_hours, per_hour, o.extra_expense_share, 1 - up, o.ramp
    )

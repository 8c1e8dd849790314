"""Every multiplier on an event type's frequency and severity, each a `Factor` that says why.

Kinds (name prefixes): `size_band:` (the firm's revenue band as a label; its value is the continuous
`size.frequency` power law of revenue) and `industry:` (calibration), `records_held`, `online_share`,
`mlps:` (等保 level), `history:` (past incidents), `exposure:` (outside-in signals, Coalition 2024),
`control:` (questionnaire answers) and `bound:` (a row that brings a combined product back inside its
bounds, so a long list of answers or signals can never push a factor past `calibration.bounds`).
All are positive and multiply; within each kind better controls and fewer exposures never raise a factor.
"""

from __future__ import annotations

import math

from cyberins.assess.calibration import Calibration
from cyberins.assess.firm import Firm
from cyberins.assess.profile import OrganizationProfile
from cyberins.assess.questionnaire import Questionnaire
from cyberins.catalog.schema import Provenance
from cyberins.model.ids import EventType
from cyberins.quant.model import Factor


def cite(p: Provenance) -> tuple[str, str]:
    """(source, reason) of a provenance block, for a `Factor`."""
    source = ", ".join(p.source_ids) or "assumption"
    reason = p.reason or p.note or ""
    return source, ("assumption: " + reason if p.assumption and p.source_ids else reason)


def _factor(name: str, et: EventType, p: Provenance, frequency: float = 1.0, severity: float = 1.0) -> Factor:
    source, reason = cite(p)
    return Factor(name, et, frequency=frequency, severity=severity, source=source, reason=reason)


def calibration_factors(et: EventType, firm: Firm, profile: OrganizationProfile, cal: Calibration) -> list[Factor]:
    """Size (revenue), industry group, records held, online share, 等保 level and past incidents."""
    freq = cal.frequency
    size = cal.size.frequency
    out = [_factor(f"size_band:{firm.band.id}", et, size, frequency=size.at(firm.revenue_cny))]
    f_ind, s_ind = firm.group.frequency.get(et, 1.0), firm.group.severity.get(et, 1.0)
    if (f_ind, s_ind) != (1.0, 1.0):
        out.append(_factor(f"industry:{firm.group_id}", et, firm.group, frequency=f_ind, severity=s_ind))
    if et in freq.records.event_types:
        r = freq.records
        f = min(max((firm.records_held / r.reference) ** r.exponent, r.low), r.high)
        out.append(_factor("records_held", et, r, frequency=f))
    if et in freq.online.event_types:
        o = freq.online
        out.append(_factor("online_share", et, o, frequency=o.intercept + o.slope * firm.online_share))
    if et in freq.mlps_event_types:
        level = str(profile.mlps_level) if profile.mlps_level is not None else "none"
        fact = freq.mlps[level]
        if fact.value != 1.0:
            out.append(_factor(f"mlps:{level}", et, fact, frequency=fact.value))
    count = sum(1 for i in profile.incidents if i.event_type is et)
    if count:
        h = freq.history
        out.append(_factor(f"history:{et.value}", et, h, frequency=min(h.per_incident**count, h.cap)))
    return out


def exposure_factors(et: EventType, profile: OrganizationProfile, cal: Calibration) -> list[Factor]:
    """Outside-in signals on the intrusion-driven event types, the product bounded by `bounds.exposure`."""
    x = cal.exposure
    if et not in x.event_types:
        return []
    seen = profile.exposure
    out = []
    if seen.rdp_exposed:
        out.append(_factor("exposure:rdp_exposed", et, x.rdp_exposed, frequency=x.rdp_exposed.value))
    if seen.vpn_products:
        # Several gateways are alternative doors to the same network: the worst one counts.
        worst = max(seen.vpn_products, key=lambda v: x.vpn_products[v.product].value)
        fact = x.vpn_products[worst.product]
        out.append(_factor(f"exposure:vpn:{worst.product}", et, fact, frequency=fact.value))
    services = len(set(seen.risky_services))
    if services:
        n = min(services, x.max_counted.value)
        out.append(_factor("exposure:risky_services", et, x.risky_service, frequency=x.risky_service.value**n))
    kev = min(len(seen.kev_unremediated), x.max_counted.value)
    if kev:
        out.append(
            _factor("exposure:kev_unremediated", et, x.kev_unremediated, frequency=x.kev_unremediated.value**kev)
        )
    other = sum(1 for v in seen.vulnerabilities if not v.kev and not v.remediated)
    if other:
        f = x.other_vulnerability.value ** min(other, x.max_counted.value)
        out.append(_factor("exposure:other_vulnerabilities", et, x.other_vulnerability, frequency=f))
    return out + _bound("exposure", et, out, cal.bounds.exposure, cal)


def control_factors(
    et: EventType, profile: OrganizationProfile, questionnaire: Questionnaire, cal: Calibration
) -> list[Factor]:
    """One factor per answered question that affects `et`, the products bounded by `bounds.controls`.

    In the questionnaire's order, never the profile's key order: a profile stored as PostgreSQL jsonb comes
    back with its keys reordered, and the factor rows (and the float products) must not change with it.
    """
    out = []
    for question in questionnaire.questions:
        if question.id not in profile.controls:
            continue
        score = question.score(profile.controls[question.id])
        ident = question.id
        for effect in question.effects:
            if et in effect.event_types:
                f = question.factor(effect.frequency, score)
                s = question.factor(effect.severity, score)
                out.append(_factor(f"control:{ident}", et, effect, frequency=f, severity=s))
    return out + _bound("controls", et, out, cal.bounds.controls, cal)


def _bound(
    kind: str, et: EventType, factors: list[Factor], bounds: tuple[float, float], cal: Calibration
) -> list[Factor]:
    low, high = bounds
    f = math.prod(x.frequency for x in factors)
    s = math.prod(x.severity for x in factors)
    bf = min(max(f, low), high) / f
    bs = min(max(s, low), high) / s
    if (bf, bs) == (1.0, 1.0):
        return []
    return [_factor(f"bound:{kind}", et, cal.bounds, frequency=bf, severity=bs)]

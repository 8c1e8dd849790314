"""Expected losses the model leaves out of every coverage: administrative fines and uninsurable ransoms.

Fines after a breach (PIPL art. 66: up to CNY 50M or 5% of turnover) are not insurable in CN and have no
coverage id elsewhere; a ransom paid in virtual currency cannot be indemnified in CN (the catalog's
jurisdiction rule). Both are real costs of the organisation, so they are reported here, apart from the
model's gross (ground-up insurable) figures, for the insured's own view of its risk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cyberins.assess.calibration import Calibration
from cyberins.assess.firm import Firm
from cyberins.assess.profile import OrganizationProfile
from cyberins.assess.resources import load_calibration, with_overrides
from cyberins.assess.severity import capped_lognormal_mean
from cyberins.catalog import get_catalog
from cyberins.quant.model import RiskModel


@dataclass(frozen=True)
class Uninsured:
    """Expected per year, in the model currency."""

    fines: float
    ransom: float


def uninsured(profile: OrganizationProfile, model: RiskModel, calibration: Calibration | None = None) -> Uninsured:
    """Expected annual fines and uninsurable ransom payments of `profile`, given its assessed `model`."""
    cal = with_overrides(calibration or load_calibration(), profile.calibration_overrides)
    firm = Firm.of(profile, cal)
    # Expected events a year, times the severity factors (controls such as backups cut the ransom paid too).
    lam = {et.event_type: et.frequency.mean() * getattr(et.severity, "scale", 1.0) for et in model.event_types}
    f = cal.fines
    cap = min(f.cap_revenue_share * firm.revenue_cny, f.cap_cny)
    fine = f.probability * capped_lognormal_mean(math.log(f.median_revenue_share * firm.revenue_cny), f.sigma, cap)
    events = {et.event_type: et.frequency.mean() for et in model.event_types}
    breaches = sum(events.get(et, 0.0) * spec.breach.probability for et, spec in cal.event_types.items() if spec.breach)
    ransom = 0.0
    if not get_catalog().jurisdictions[profile.jurisdiction].ransom_virtual_currency_indemnifiable:
        for et, spec in cal.event_types.items():
            if spec.ransom is not None:
                r = spec.ransom
                median = r.median * (firm.revenue_cny / cal.reference.revenue_cny) ** r.revenue_exponent
                paid = r.probability * r.paid_probability * r.settlement_ratio * median * math.exp(r.sigma**2 / 2)
                ransom += lam.get(et, 0.0) * paid
    return Uninsured(fines=breaches * fine / firm.fx, ransom=ransom / firm.fx)

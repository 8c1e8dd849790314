"""Inputs of the security-investment return (pricing's ROI): candidate controls, their cost, and models.

`candidate_controls(profile)` lists the questionnaire's candidate controls (`CANDIDATE_CONTROLS`) that the
profile does not already have fully in place, each with its annual cost at the profile's revenue (`annual_cost`
in questionnaire.yaml gives it at each revenue band's anchor, an assumption; between anchors the cost follows a
power law, so it has no step at a band edge) in the profile's currency. `model_with(profile)` is
the function pricing calls with a set of control ids: the profile assessed with those controls in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from cyberins.assess.calibration import Calibration
from cyberins.assess.engine import assess
from cyberins.assess.profile import OrganizationProfile
from cyberins.assess.questionnaire import CANDIDATE_CONTROLS
from cyberins.assess.resources import load_calibration, load_questionnaire
from cyberins.model.money import from_float
from cyberins.quant.model import RiskModel


@dataclass(frozen=True)
class CandidateControl:
    control_id: str
    #: Per year, in the profile's currency (an assumption, continuous in revenue).
    annual_cost: Decimal
    name: str
    name_zh: str


def candidate_controls(profile: OrganizationProfile, calibration: Calibration | None = None) -> list[CandidateControl]:
    """Candidate controls not yet fully in place, with their annual cost for this organisation."""
    cal = calibration or load_calibration()
    questionnaire = load_questionnaire()
    fx = cal.fx(profile.currency)
    revenue_cny = float(profile.annual_revenue) * fx
    out = []
    for ident in CANDIDATE_CONTROLS:
        q = questionnaire.question(ident)
        answer = profile.controls.get(ident)
        if answer is not None and q.score(answer) >= 1:
            continue
        assert q.annual_cost is not None  # the questionnaire's validator requires it for candidates
        cost = from_float(cal.by_band(q.annual_cost.by_band, revenue_cny) / fx, profile.currency)
        out.append(CandidateControl(ident, cost, q.name.en, q.name.zh))
    return out


def model_with(
    profile: OrganizationProfile, calibration: Calibration | None = None
) -> Callable[[frozenset[str]], RiskModel]:
    """`controls -> RiskModel`: the organisation assessed with `controls` fully in place (pricing's ROI)."""

    def model(controls: frozenset[str]) -> RiskModel:
        return assess(profile.with_controls(controls), calibration)

    return model

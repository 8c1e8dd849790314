"""Re-calibrate the model's base rates from a pool through Bühlmann–Straub credibility (issue 21 §4).

A pool counts incidents with a loss per industry and year; the insurers' exposure file gives the policy-years
behind them and, per segment (an industry group of the calibration), a profile standing for its typical
insured. The model's frequency for that profile (`model_frequency(assess(profile))`, events a year) is the
complement; `reserving.BuhlmannStraub` estimates each segment's credibility Z from the spread of the yearly
frequencies, and the posterior / prior ratio scales the group's frequency multipliers for every event type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from cyberins.assess import assess
from cyberins.assess.calibration import Calibration
from cyberins.assess.profile import OrganizationProfile
from cyberins.assess.resources import load_calibration
from cyberins.catalog import get_catalog
from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import EventType
from cyberins.reserving import BuhlmannStraub, CredibilityEstimate, model_frequency


class Segment(Frozen):
    """One industry group of the calibration: a typical insured's profile and its policy-years by year."""

    profile: str
    policy_years: dict[int, float] = Field(min_length=1)


class Exposure(Frozen):
    """The exposure behind a pool: `segments` keyed by calibration industry group (`manufacturing`)."""

    format: str = "cyberins-pool-exposure"
    version: int = 1
    segments: dict[str, Segment] = Field(min_length=2)


@dataclass(frozen=True)
class SegmentResult:
    group: str
    estimate: CredibilityEstimate
    after_frequency: float

    def to_json(self) -> dict[str, Any]:
        return {**self.estimate.to_json(), "before_frequency": self.estimate.prior_frequency,
                "after_frequency": self.after_frequency}  # fmt: skip


def segment_of(industry: str, cal: Calibration) -> str:
    """The calibration industry group of a released `industry` value (a catalog id or `gbt4754:<section>`)."""
    catalog = get_catalog()
    if industry in catalog.industries:
        return cal.industry_group(industry, catalog.industries[industry].gbt4754.section)[0]
    if industry.startswith("gbt4754:"):
        return cal.industry_group("", industry.removeprefix("gbt4754:"))[0]
    raise InvalidInput.one("industry", Said("input.exchange.generalised", {"industry": repr(industry)}))


def claim_counts(records: list[Mapping[str, Any]], cal: Calibration) -> Counter[tuple[str, int]]:
    """Incidents per (segment, year of the released period)."""
    return Counter((segment_of(str(r["industry"]), cal), int(str(r["period"])[:4])) for r in records)


def recalibrated(cal: Calibration, group: str, multiplier: float) -> Calibration:
    """The calibration with `group`'s frequency multiplier of every event type scaled by `multiplier`."""
    old = cal.industries[group]
    frequency = {et: old.frequency.get(et, 1.0) * multiplier for et in EventType}
    industries = {**cal.industries, group: old.model_copy(update={"frequency": frequency})}
    return cal.model_copy(update={"industries": industries})


def recalibrate(
    pool: Mapping[str, Any], exposure: Exposure, profiles: Mapping[str, OrganizationProfile]
) -> list[SegmentResult]:
    """Each segment's frequency before (the model's, for its profile) and after credibility with the pool."""
    cal = load_calibration()
    counts = claim_counts(list(pool["records"]), cal)
    unknown = sorted({s for s, _ in counts} - set(exposure.segments))
    if unknown:
        raise InvalidInput.one("segments", Said("input.exchange.no_exposure", {"segments": ", ".join(unknown)}))
    claims = {s: [float(counts[s, y]) for y in sorted(seg.policy_years)] for s, seg in exposure.segments.items()}
    years = {s: [seg.policy_years[y] for y in sorted(seg.policy_years)] for s, seg in exposure.segments.items()}
    fitted = BuhlmannStraub().fit(claims, years)
    out = []
    for group in exposure.segments:
        if group not in cal.industries:
            said = Said("input.exchange.not_group", {"known": ", ".join(cal.industries)})
            raise InvalidInput.one(f"segments.{group}", said)
        profile = profiles[group]
        prior = model_frequency(assess(profile, cal))
        estimate = fitted.estimate(group, prior_frequency=prior)
        after = model_frequency(assess(profile, recalibrated(cal, group, estimate.multiplier)))
        out.append(SegmentResult(group, estimate, after))
    return out

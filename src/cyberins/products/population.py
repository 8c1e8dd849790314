"""Synthetic organisations of a segment (industry × size), drawn deterministically from a seed.

A warranty vendor's customer base or a park's SMEs are often known only as counts by industry and size.
Segment `s` draws its organisations from ``default_rng([seed, *s.id bytes])``: the same seed gives the same
organisations, whatever the order of the segments in the file. Revenue and employees are log-uniform in
their ranges (sizes spread evenly across orders of magnitude, as firm sizes are); revenue is rounded to a
whole currency unit, employees to a whole person.
"""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

import numpy as np

from cyberins.assess import OrganizationProfile
from cyberins.model.errors import InvalidInput
from cyberins.model.loading import parse_model
from cyberins.model.policy import Policy
from cyberins.products.spec import Range, SegmentSpec

#: Fields that a segment sets itself; problems in them are named on the segment, others under `profile`.
_SEGMENT_FIELDS = ("name", "industry", "annual_revenue", "employees")


def generate_profiles(segment: SegmentSpec, seed: int, policy: Policy) -> list[OrganizationProfile]:
    """`segment.count` organisation profiles in the policy's currency and (by default) jurisdiction."""
    rng = np.random.default_rng([seed, *segment.id.encode("utf-8")])
    revenue = _log_uniform(rng, segment.annual_revenue, segment.count)
    employees = _log_uniform(rng, segment.employees, segment.count)
    return [
        _profile(segment, k, Decimal(round(r)), max(round(e), 1), policy)
        for k, (r, e) in enumerate(zip(revenue, employees, strict=True))
    ]


def member_id(segment: SegmentSpec, k: int) -> str:
    """The id of the k-th (0-based) organisation of a segment: `segment-001`."""
    return f"{segment.id}-{k + 1:03d}"


def check_segment(segment: SegmentSpec, where: str, policy: Policy, source: str) -> None:
    """Fail early, naming the field, when the segment's organisations could not be valid profiles."""
    _profile(segment, 0, Decimal(round(segment.annual_revenue.low)), max(round(segment.employees.low), 1), policy,
             where=where, source=source)  # fmt: skip


def _log_uniform(rng: np.random.Generator, bounds: Range, n: int) -> list[float]:
    lo, hi = math.log(float(bounds.low)), math.log(float(bounds.high))
    return [float(x) for x in np.exp(rng.uniform(lo, hi, n))]


def _profile(
    segment: SegmentSpec, k: int, revenue: Decimal, employees: int, policy: Policy, where: str = "", source: str = ""
) -> OrganizationProfile:
    ident = member_id(segment, k)
    data = {
        "jurisdiction": policy.jurisdiction.value,
        **segment.profile,
        "name": f"{segment.name or segment.id} {k + 1:03d}" if segment.name else ident,
        "industry": segment.industry,
        "annual_revenue": revenue,
        "employees": employees,
        "currency": policy.currency,
    }
    if segment.name_zh:
        data["name_zh"] = f"{segment.name_zh}{k + 1:03d}"
    try:
        return parse_model(OrganizationProfile, data)
    except InvalidInput as exc:
        problems = [replace(p, field=_field(where or f"segments.{segment.id}", p.field)) for p in exc.problems]
        raise InvalidInput(problems, source) from None


def _field(where: str, field: str) -> str:
    head = field.split(".", 1)[0].split("[", 1)[0]
    if head in _SEGMENT_FIELDS:
        return f"{where}.{field}"
    if head == "currency":
        return "policy.currency"
    return f"{where}.profile.{field}" if field else f"{where}.profile"

"""No size cliffs (trust.md item 2): a 1% larger firm never costs more than 10% more, or less.

Expected annual loss is `explain --json`'s `expected_annual_loss` (`RiskModel.expected_loss`); the premium
is `technical_premium` of a 200,000-year `simulate` with the same seed on both sides. Points sit at and
around the revenue-band edges (CNY 50M, 500M, 5B) and the employee counts 300 and 1,000, in CNY, USD and
EUR, for several industries; a property test draws sizes anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.assess import OrganizationProfile, assess, load_calibration
from cyberins.assess.validation import reference_policy
from cyberins.model.ids import EventType
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.pricing import default_basis, technical_premium
from cyberins.quant.simulate import simulate
from tests.assess.helpers import ROOT, event_type

CLIFF = 1.10
REVENUE_EDGES_CNY = (5e7, 5e8, 5e9)
EMPLOYEE_EDGES = (300, 1000)
INDUSTRIES = ("manufacturing", "ecommerce", "healthcare_hospital", "banking")
CURRENCIES = ("CNY", "USD", "EUR")
#: Around each edge: below, at and above it, so one of the +1% steps crosses it.
AROUND = (0.97, 0.995, 1.0, 1.005, 1.03)


def profile(revenue: float, employees: int, industry: str = "manufacturing", currency: str = "CNY") -> Any:
    return OrganizationProfile.model_validate(
        {
            "name": "Size test",
            "industry": industry,
            "currency": currency,
            "annual_revenue": round(revenue, 2),
            "employees": employees,
            "online_revenue_share": 0.2,
            "records": {"personal_information": 20_000},
            "dependencies": [{"name": "cloud", "kind": "cloud"}],
        }
    )


def eal(revenue: float, employees: int, industry: str = "manufacturing", currency: str = "CNY") -> float:
    return assess(profile(revenue, employees, industry, currency)).expected_loss()


def within(a: float, b: float) -> bool:
    return 1 / CLIFF <= b / a <= CLIFF


@pytest.mark.parametrize("currency", CURRENCIES)
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_one_percent_more_revenue_moves_expected_loss_little(industry: str, currency: str) -> None:
    fx = load_calibration().fx(currency)
    for edge in REVENUE_EDGES_CNY:
        for k in AROUND:
            revenue = edge * k / fx
            a, b = eal(revenue, 400, industry, currency), eal(revenue * 1.01, 400, industry, currency)
            assert within(a, b), (edge, k, b / a)


@pytest.mark.parametrize("currency", CURRENCIES)
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_one_percent_more_staff_moves_expected_loss_little(industry: str, currency: str) -> None:
    revenue = 3e8 / load_calibration().fx(currency)
    for edge in EMPLOYEE_EDGES:
        for k in AROUND:
            staff = round(edge * k)
            a, b = eal(revenue, staff, industry, currency), eal(revenue, round(staff * 1.01), industry, currency)
            assert within(a, b), (edge, staff, b / a)


@settings(max_examples=60, deadline=None)
@given(
    revenue=st.floats(min_value=1e5, max_value=1e12),
    employees=st.integers(min_value=1, max_value=400_000),
    industry=st.sampled_from(INDUSTRIES),
    currency=st.sampled_from(CURRENCIES),
)
def test_no_cliff_anywhere(revenue: float, employees: int, industry: str, currency: str) -> None:
    base = eal(revenue, employees, industry, currency)
    assert within(base, eal(revenue * 1.01, employees, industry, currency))
    assert within(base, eal(revenue, max(round(employees * 1.01), employees + 1), industry, currency))


def test_frequency_keeps_rising_above_the_largest_band() -> None:
    # A USD 0.7B and a USD 50B firm: (50 / 0.7)^0.35 more ransomware events (calibration size.frequency).
    rw = EventType.RANSOMWARE
    lam = [event_type(assess(profile(r, 5000, currency="USD")), rw).frequency.mean() for r in (7e8, 5e10)]
    assert lam[1] / lam[0] == pytest.approx((50 / 0.7) ** 0.35)


def _premium(p: OrganizationProfile, policy: Policy) -> float:
    result = simulate(assess(p), policy, 200_000, seed=15)
    return float(technical_premium(result, policy, default_basis()).premium)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("currency", "industry"), [("CNY", "manufacturing"), ("CNY", "ecommerce"), ("USD", "healthcare_hospital")]
)
def test_premium_at_200k_years_has_no_cliff(currency: str, industry: str) -> None:
    policy = (
        load_model(Policy, Path(ROOT / "examples" / "policies" / "sme-standalone-cny.yaml"))
        if currency == "CNY"
        else reference_policy(1_000_000, 10_000)
    )
    fx = load_calibration().fx(currency)
    for edge in REVENUE_EDGES_CNY:
        a = _premium(profile(edge / fx / 1.005, 400, industry, currency), policy)
        b = _premium(profile(edge / fx * 1.005, 400, industry, currency), policy)
        assert within(a, b), (edge, a, b)
    for staff in EMPLOYEE_EDGES:
        a = _premium(profile(3e8 / fx, staff - 2, industry, currency), policy)
        b = _premium(profile(3e8 / fx, staff + 2, industry, currency), policy)
        assert within(a, b), (staff, a, b)

"""Regression: our reserving report reproduces the published RAA results (Mack 1993, 1994).

The RAA triangle (Reinsurance Association of America, automatic facultative general liability, 1981-1990) is
the example of Mack, "Distribution-free calculation of the standard error of chain ladder reserve estimates"
(ASTIN Bulletin 23, 1993) and "Measuring the variability of chain ladder reserve estimates" (CAS Forum 1994,
p. 130): total chain-ladder IBNR 52,135, Mack standard error 26,909. chainladder's own test suite
(methods/tests/test_mack.py::test_mack1994_hardcode) reconciles the same per-origin standard errors.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cyberins.reserving import ReservingReport, reserving_report
from tests.reserves.helpers import load_raa


@pytest.fixture(scope="module")
def report() -> ReservingReport:
    return reserving_report(load_raa(), "USD")


def test_total_ibnr_and_mack_standard_error_are_the_published_ones(report: ReservingReport) -> None:
    assert round(report.total("ibnr")) == 52_135
    assert report.total_mack_se is not None and round(report.total_mack_se) == 26_909


def test_per_origin_standard_errors_are_mack_1994s(report: ReservingReport) -> None:
    # Mack (1994), p. 130, bottom table: s.e. of each accident year's reserve, 1982-1990.
    published = [206, 623, 747, 1469, 2002, 2209, 5358, 6333, 24566]
    assert report.origins[0].mack_se is None  # 1981 is fully developed
    assert [round(o.mack_se or 0) for o in report.origins[1:]] == published


def test_development_factors_and_ibnr_by_origin(report: ReservingReport) -> None:
    # Volume-weighted age-to-age factors, e.g. 12-24: sum of the 24-month column over the 12-month column of
    # the nine origins that have both = 2.9994 (Mack 1993, table 2).
    expected = [2.999, 1.624, 1.271, 1.172, 1.113, 1.042, 1.033, 1.017, 1.009]
    assert [round(f, 3) for f in report.age_to_age] == expected
    ibnr = {o.origin: o.ibnr for o in report.origins}
    assert ibnr["1981"] == Decimal("0.00")
    assert round(ibnr["1982"]) == 154 and round(ibnr["1990"]) == 16_339
    assert report.origins[-1].latest == Decimal("2063.00")
    assert report.ages_months == (12, 24, 36, 48, 60, 72, 84, 96, 108, 120)


def test_bornhuetter_ferguson_matches_the_package_documentation() -> None:
    # chainladder's BornhuetterFerguson docstring: premium 40,000 for every origin, a-priori loss ratio 0.7.
    # By hand for 1990: expected 28,000 × (1 - 1/8.9202) = 24,861 (8.9202: the 12-month factor to ultimate).
    premium = {str(y): Decimal(40_000) for y in range(1981, 1991)}
    bf = reserving_report(load_raa(), "USD", "bf", premium=premium, apriori_loss_ratio=0.7)
    documented = [
        0,
        255.707763,
        717.772687,
        1596.061515,
        2658.738155,
        5239.441491,
        8574.335344,
        12714.889984,
        18585.219714,
        24861.068855,
    ]
    assert [float(o.ibnr) for o in bf.origins] == pytest.approx(documented, abs=0.006)
    assert all(o.expected_loss == Decimal("28000.00") for o in bf.origins)
    # The chain-ladder and its Mack diagnostics stay in the report as they were.
    assert (
        round(bf.total_mack_se or 0) == 26_909
        and round(bf.total("chainladder_ultimate") - bf.total("latest")) == 52_135
    )

"""Limit adequacy: the tolerance curve against its closed form, the LOSS@RP parser, the recommendation."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.pricing import (
    QuoteGrid,
    ToleranceCurve,
    TolerancePoint,
    default_basis,
    parse_tolerance_point,
    quote_grid,
    recommend_limit,
)
from tests.pricing.helpers import lognormal_model, sme_policy

# Standard normal quantiles from the tables: Φ⁻¹(0.95), Φ⁻¹(0.99), Φ⁻¹(0.999).
Z95, Z99, Z999 = 1.6448536270, 2.3263478740, 3.0902323062


def curve(a: str, b: str) -> ToleranceCurve:
    return ToleranceCurve.through(parse_tolerance_point(a), parse_tolerance_point(b))


def test_the_tolerance_curve_through_two_points_matches_its_closed_form() -> None:
    c = curve("5000000@20", "20000000@100")
    sigma = math.log(4) / (Z99 - Z95)  # ln(20M / 5M) / (z(1 − 1/100) − z(1 − 1/20))
    mu = math.log(5_000_000) - sigma * Z95
    assert c.sigma == pytest.approx(sigma, rel=1e-9) and c.sigma == pytest.approx(2.034198, rel=1e-6)
    assert c.mu == pytest.approx(mu, rel=1e-9)
    assert c.loss_at(20) == pytest.approx(5_000_000, rel=1e-9)
    assert c.loss_at(100) == pytest.approx(20_000_000, rel=1e-9)
    assert c.loss_at(1000) == pytest.approx(math.exp(mu + sigma * Z999), rel=1e-9)
    assert c.loss_at(2) == pytest.approx(math.exp(mu), rel=1e-9)  # the median: z(0.5) = 0
    assert c.exceedance_probability(20_000_000) == pytest.approx(1 / 100, rel=1e-9)
    assert [t for t, _ in c.curve()] == [2, 5, 10, 20, 50, 100, 200, 250, 500, 1000]


def test_the_order_of_the_points_does_not_matter() -> None:
    assert curve("20000000@100", "5000000@20") == curve("5000000@20", "20000000@100")


@pytest.mark.parametrize(
    ("text", "loss", "rp"),
    [("5000000@20", "5000000", 20), (" 5_000_000 @ 20 ", "5000000", 20), ("2,000,000@12.5", "2000000", 12.5)],
)
def test_parse_tolerance_point(text: str, loss: str, rp: float) -> None:
    assert parse_tolerance_point(text) == TolerancePoint(Decimal(loss), rp)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("5000000", "expected LOSS@RETURN_PERIOD"),
        ("5000000@20@3", "expected LOSS@RETURN_PERIOD"),
        ("five@20", "expected LOSS@RETURN_PERIOD"),
        ("5000000@", "expected LOSS@RETURN_PERIOD"),
        ("-5@20", "the loss -5 must be a positive amount"),
        ("5000000@1", "the return period 1 must be more than 1 year"),
        ("5000000@inf", "the return period inf must be more than 1 year"),
    ],
)
def test_malformed_tolerance_points_name_the_value(text: str, words: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_tolerance_point(text, field="--tolerance")
    problem = info.value.problems[0]
    assert problem.field == "--tolerance"
    assert repr(text) in problem.message and words in problem.message


@pytest.mark.parametrize(
    ("a", "b", "words"),
    [
        ("5000000@20", "1000000@100", "a rarer loss is a larger one"),
        ("5000000@20", "6000000@20", "two different"),
    ],
)
def test_inconsistent_points_are_refused(a: str, b: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        curve(a, b)


LIMITS = [Decimal(1_000_000), Decimal(2_000_000), Decimal(5_000_000)]
RETENTIONS = [Decimal(0), Decimal(10_000), Decimal(50_000), Decimal(200_000)]


@pytest.fixture(scope="module")
def grid() -> QuoteGrid:
    return quote_grid(lognormal_model(), sme_policy(), LIMITS, RETENTIONS, default_basis(), years=4_000, seed=5)


def test_the_cheapest_cell_that_stays_under_is_recommended(grid: QuoteGrid) -> None:
    tolerance = curve("1000000@20", "8000000@100")
    result = recommend_limit(grid, tolerance)
    passing = [c for c in result.cells if c.stays_under]
    failing = [c for c in result.cells if not c.stays_under]
    assert passing and failing  # the tolerance separates the options, so the choice means something
    for c in passing:
        assert all(loss <= tolerance.loss_at(t) for t, loss in c.row.retained_aep)
    for c in failing:
        assert all(b.retained > b.tolerance == tolerance.loss_at(b.return_period) for b in c.breaches)
    assert result.recommended is not None
    assert result.recommended.premium == min(c.row.premium for c in passing)
    assert not result.gross_stays_under


def test_a_generous_tolerance_recommends_the_cheapest_cell_of_all(grid: QuoteGrid) -> None:
    result = recommend_limit(grid, curve("1e9@20", "1e10@100"))
    assert result.gross_stays_under
    assert result.recommended is not None
    assert result.recommended.premium == min(r.premium for r in grid.rows)
    assert (result.recommended.aggregate_limit, result.recommended.retention) == (LIMITS[0], RETENTIONS[-1])


def test_a_tolerance_no_option_meets_says_so(grid: QuoteGrid) -> None:
    result = recommend_limit(grid, curve("1000@20", "2000@100"))
    assert result.recommended is None
    assert "no option keeps the retained loss under the tolerance" in result.reason

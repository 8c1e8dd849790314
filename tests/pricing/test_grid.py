"""Quote grid: the option rule, skipped cells, and monotone prices under common random numbers."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.pricing import default_basis, quote_grid, variant_policy
from tests.pricing.helpers import DR, IR, PRIVACY, lognormal_model, sme_policy

LIMITS = [Decimal(1_000_000), Decimal(2_000_000), Decimal(5_000_000)]
RETENTIONS = [Decimal(0), Decimal(10_000), Decimal(50_000), Decimal(200_000), Decimal(300_000)]


def test_a_limit_option_scales_the_sublimits_capped_at_the_aggregate() -> None:
    base = sme_policy(2_000_000)
    half = variant_policy(base, Decimal(1_000_000), Decimal(25_000))
    assert half.aggregate_limit == 1_000_000
    assert half.coverages[DR].sublimit == 500_000 and half.coverages[IR].sublimit == 250_000
    assert half.coverages[PRIVACY].each_claim_limit == 250_000
    assert {t.retention for t in half.coverages.values()} == {Decimal(25_000)}
    wide = variant_policy(base, Decimal(5_000_000), Decimal(10_000))
    assert wide.coverages[DR].sublimit == 2_500_000 and wide.coverages[IR].sublimit == 1_250_000
    assert wide.coverages[PRIVACY].each_claim_limit == 1_250_000
    assert wide.model_dump(exclude={"aggregate_limit", "coverages"}) == base.model_dump(
        exclude={"aggregate_limit", "coverages"}
    )


def test_a_retention_reaching_a_sublimit_is_refused_with_the_coverage_named() -> None:
    with pytest.raises(InvalidInput) as info:
        variant_policy(sme_policy(2_000_000), Decimal(1_000_000), Decimal(300_000))
    fields = {p.field for p in info.value.problems}
    assert "coverages.incident_response" in fields
    assert "could never pay" in str(info.value)


def test_grid_skips_invalid_cells_and_prices_the_rest() -> None:
    grid = quote_grid(lognormal_model(), sme_policy(), LIMITS, RETENTIONS, default_basis(), years=4_000, seed=3)
    assert len(grid.rows) + len(grid.skipped) == len(LIMITS) * len(RETENTIONS)
    skipped = {(s.aggregate_limit, s.retention) for s in grid.skipped}
    assert skipped == {(Decimal(1_000_000), Decimal(300_000))}  # 300,000 reaches the scaled 250,000 sublimit
    assert "incident_response" in grid.skipped[0].reason
    # the same reason for a zh report: each field path as it is, what is wrong in Chinese
    zh = grid.skipped[0].reason_zh
    assert "coverages.incident_response：免赔额 300000 不低于分项限额" in zh
    assert not re.findall(r"[A-Za-z]{2,}", re.sub(r"coverages\.\w+", "", zh))
    assert grid.cell(Decimal(1_000_000), Decimal(300_000)) is None
    row = grid.cell(Decimal(2_000_000), Decimal(10_000))
    assert row is not None
    assert row.premium == row.quote.premium and row.rate_on_line == row.quote.rate_on_line
    assert row.expected_gross_loss == row.expected_insured_loss + row.expected_retained_loss
    assert row.insured_tvar_995 >= row.insured_var_99 > 0
    assert [t for t, _ in row.retained_aep] == [2, 5, 10, 20, 50, 100, 200, 250, 500, 1000]


def test_common_random_numbers_make_premiums_monotone_in_limit_and_retention() -> None:
    """Every cell sees the same simulated years: the gross curve is identical and prices are ordered."""
    grid = quote_grid(lognormal_model(), sme_policy(), LIMITS, RETENTIONS, default_basis(), years=4_000, seed=11)
    assert len({row.gross_aep for row in grid.rows}) == 1
    assert len({row.expected_gross_loss for row in grid.rows}) == 1
    for limit in LIMITS:
        rows = [r for r in (grid.cell(limit, ret) for ret in RETENTIONS) if r is not None]
        assert [r.premium for r in rows] == sorted((r.premium for r in rows), reverse=True)
        assert [r.expected_insured_loss for r in rows] == sorted((r.expected_insured_loss for r in rows), reverse=True)
    for retention in RETENTIONS:
        rows = [r for r in (grid.cell(lim, retention) for lim in LIMITS) if r is not None]
        assert [r.premium for r in rows] == sorted(r.premium for r in rows)
        assert [r.expected_insured_loss for r in rows] == sorted(r.expected_insured_loss for r in rows)
    low, high = grid.cell(LIMITS[0], RETENTIONS[1]), grid.cell(LIMITS[-1], RETENTIONS[1])
    assert low is not None and high is not None and low.premium < high.premium


def test_a_model_in_another_currency_is_refused() -> None:
    with pytest.raises(InvalidInput, match="model is in CNY but the policy is in USD"):
        policy = sme_policy().model_copy(update={"currency": "USD"})
        quote_grid(lognormal_model(), policy, LIMITS, RETENTIONS, default_basis(), years=10, seed=1)

"""The default basis prices the reference book near the market's loss ratio (regression of its calibration)."""

from __future__ import annotations

from scripts.calibrate_pricing import reference_book

from cyberins.pricing import default_basis


def test_reference_book_prices_near_the_us_market_loss_ratio() -> None:
    # AM Best: US cyber direct loss ratio 42% in 2023 (published-figures.md). The diversification share was
    # solved at 200,000 years; at 30,000 years TVaR99.5 is noisier, hence the band.
    basis = default_basis()
    el, capital = reference_book(years=30_000, seed=3)
    r, d = float(basis.risk_load.cost_of_capital_rate.value), float(basis.risk_load.diversification.value)
    keep = 1 - float(basis.expense_ratio.value) - float(basis.profit_margin.value)
    loss_ratio = el * keep / (el + r * d * capital)
    assert 0.34 < loss_ratio < 0.52

"""Technical premium: hand-computed cases, the minimum, the split by coverage, and a closed-form model."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from cyberins.model.errors import InvalidInput
from cyberins.pricing import RiskLoadMethod, default_basis, premium_from_measures, technical_premium
from cyberins.pricing.premium import allocate
from cyberins.quant.metrics import LossMeasures
from cyberins.quant.simulate import simulate
from tests.pricing.helpers import DR, IR, explicit, fixed, poisson, policy, result_from, standalone_basis

POLICY = policy({"incident_response": {"sublimit": 1_000_000}, "data_restoration": {"sublimit": 1_000_000}}, 2_000_000)


def ten_bad_years() -> list[float]:
    """1,000 years: 990 without loss and 10 of 100,000, so EL = 1,000 and VaR = TVaR(99.5%) = 100,000."""
    return [0.0] * 990 + [100_000.0] * 10


def test_cost_of_capital_premium_by_hand() -> None:
    result = result_from(ten_bad_years(), {IR: 300.0, DR: 700.0})
    quote = technical_premium(result, POLICY, standalone_basis())
    # capital = 100,000 − 1,000; load = 10% × 99,000; gross-up = (1,000 + 9,900) / (1 − 0.30 − 0.05)
    assert quote.method is RiskLoadMethod.COST_OF_CAPITAL
    assert quote.expected_loss == Decimal("1000.00")
    assert quote.risk_capital == Decimal("99000.00")
    assert quote.risk_load == Decimal("9900.00")
    assert quote.gross_up == Decimal("16769.23")  # 10,900 / 0.65 = 16,769.2307…
    assert quote.premium == Decimal("16770.00")  # rounded up to a whole yuan
    assert quote.expenses == Decimal("5031.00")  # 30% of the premium
    assert quote.profit == Decimal("839.00")  # the balance: 16,770 − 1,000 − 9,900 − 5,031
    assert not quote.minimum_applied
    assert quote.rate_on_line == Decimal("0.008385")  # 16,770 / 2,000,000
    lines = {line.coverage: line for line in quote.by_coverage}
    assert [line.coverage for line in quote.by_coverage] == [IR, DR]  # the policy's order
    assert lines[IR].expected_loss == Decimal("300.00") and lines[DR].expected_loss == Decimal("700.00")
    assert lines[IR].risk_load == Decimal("2970.00") and lines[DR].risk_load == Decimal("6930.00")
    assert lines[IR].premium == Decimal("5031.00") and lines[DR].premium == Decimal("11739.00")


def test_std_load_premium_by_hand() -> None:
    basis = default_basis().with_overrides(method=RiskLoadMethod.STD_LOAD, std_multiplier=0.5)
    measures = LossMeasures.of(np.array([0.0, 2_000.0]), np.array([0.0, 2_000.0]))
    quote = premium_from_measures(measures, {IR: 1_000.0}, POLICY, basis)
    # EL 1,000; std (ddof 1) of {0, 2,000} = 1,414.2136; load = 707.1068; (1,707.1068) / 0.65 = 2,626.3181
    assert quote.risk_capital == Decimal("1414.21")
    assert quote.risk_load == Decimal("707.11")
    assert quote.premium == Decimal("2627.00")


def test_the_minimum_premium_lifts_a_tiny_risk_and_profit_takes_the_difference() -> None:
    quote = technical_premium(result_from([0.0] * 99 + [1_000.0], {IR: 10.0}), POLICY, default_basis())
    assert quote.minimum_applied
    assert quote.premium == quote.minimum_premium == Decimal("2000.00")
    assert quote.expected_loss + quote.risk_load + quote.expenses + quote.profit == quote.premium
    assert sum(line.premium for line in quote.by_coverage) == quote.premium


def test_without_any_insured_loss_the_premium_is_split_by_sublimit() -> None:
    p = policy({"incident_response": {"sublimit": 300_000}, "data_restoration": {"sublimit": 100_000}}, 400_000)
    quote = technical_premium(result_from([0.0] * 10, {}), p, default_basis())
    assert [line.premium for line in quote.by_coverage] == [Decimal("1500.00"), Decimal("500.00")]


def test_a_simulation_in_another_currency_is_refused() -> None:
    with pytest.raises(InvalidInput, match="simulation is in USD but the policy is in CNY"):
        technical_premium(result_from([1.0], {IR: 1.0}, currency="USD"), POLICY, default_basis())


def test_allocate_adds_up_by_largest_remainder() -> None:
    assert allocate(Decimal("100.00"), [1, 1, 1], "CNY") == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert allocate(Decimal("10"), [0, 0], "JPY") == [Decimal("5"), Decimal("5")]
    assert allocate(Decimal("1.00"), [], "CNY") == []


def test_poisson_fixed_model_matches_its_closed_form() -> None:
    """N ~ Poisson(0.5) events of 100,000 less a 20,000 retention: EL = 40,000; TVaR from the Poisson tail."""
    lam, size, retention = 0.5, 100_000.0, 20_000.0
    model = explicit({"ransomware": {"frequency": poisson(lam), "losses": {"incident_response": fixed(size)}}})
    p = policy({"incident_response": {"sublimit": 5_000_000, "retention": retention}}, 5_000_000)
    quote = technical_premium(simulate(model, p, 40_000, seed=7), p, standalone_basis())

    paid = size - retention
    counts = stats.poisson(lam)
    k_var = int(counts.ppf(0.995))  # 3 events: the 99.5% quantile of the count
    above = np.arange(k_var + 1, 60)
    # expected shortfall (rule 13): the worst 0.5% of years, i.e. every year with N > 3 and, for the rest of
    # the 0.5%, years with N = 3
    tvar = paid * float((above * counts.pmf(above)).sum() + k_var * (counts.cdf(k_var) - 0.995)) / 0.005
    el = lam * paid
    expected = (el + 0.10 * (tvar - el)) / 0.65
    assert float(quote.expected_loss) == pytest.approx(el, rel=0.03)
    assert float(quote.risk_capital) == pytest.approx(tvar - el, rel=0.03)
    assert float(quote.premium) == pytest.approx(expected, rel=0.03)


def test_a_gross_only_simulation_cannot_be_priced() -> None:
    model = explicit({"ransomware": {"frequency": poisson(0.5), "losses": {"incident_response": fixed(1.0)}}})
    with pytest.raises(InvalidInput, match="without a policy"):
        technical_premium(simulate(model, None, 10, seed=1), POLICY, default_basis())

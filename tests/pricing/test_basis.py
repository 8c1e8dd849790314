"""The pricing basis: every number sourced, overridable by file and by keyword, validated."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.pricing import PricingBasis, RiskLoadMethod, Sourced, default_basis, load_basis


def sourced_numbers(basis: PricingBasis) -> list[Sourced]:
    risk = basis.risk_load
    return [
        risk.capital_level,
        risk.cost_of_capital_rate,
        risk.std_multiplier,
        basis.expense_ratio,
        basis.profit_margin,
        basis.rounding.increment,
        basis.quote_validity_days,
        *basis.minimum_premium.values(),
    ]


def test_default_basis_has_a_source_or_a_reasoned_assumption_for_every_number() -> None:
    basis = default_basis()
    for number in sourced_numbers(basis):
        assert number.source.strip() or (number.assumption and number.reason.strip())
    assert basis.risk_load.method is RiskLoadMethod.COST_OF_CAPITAL
    assert basis.risk_load.cost_of_capital_rate.assumption  # 10% is ours, not a published rate
    assert basis.risk_load.capital_key == "0.995"
    assert basis.gross_up_divisor == Decimal("0.65")


def test_a_number_without_provenance_is_rejected() -> None:
    with pytest.raises(ValueError, match="source"):
        Sourced(value=Decimal("0.3"))
    with pytest.raises(ValueError, match="reason"):
        Sourced(value=Decimal("0.3"), assumption=True)


def test_keyword_overrides_replace_only_the_named_numbers_and_mark_them() -> None:
    basis = default_basis().with_overrides(
        expense_ratio=0.25,
        cost_of_capital_rate=Decimal("0.08"),
        minimum_premium={"CNY": 5000},
        reason="broker deal",
    )
    assert basis.expense_ratio.value == Decimal("0.25")
    assert basis.expense_ratio.assumption and basis.expense_ratio.reason == "broker deal"
    assert basis.risk_load.cost_of_capital_rate.value == Decimal("0.08")
    assert basis.minimum_for("CNY") == 5000
    assert basis.minimum_for("USD") == default_basis().minimum_for("USD")
    assert basis.profit_margin == default_basis().profit_margin


def test_a_file_overrides_part_of_the_default(tmp_path: Path) -> None:
    path = tmp_path / "basis.yaml"
    path.write_text(
        "name: my-basis\nrisk_load: {method: std_load, std_multiplier: {value: 0.3, source: 'board minute 2026-04'}}\n",
        encoding="utf-8",
    )
    basis = load_basis(path)
    assert basis.name == "my-basis"
    assert basis.risk_load.method is RiskLoadMethod.STD_LOAD
    assert basis.risk_load.std_multiplier.value == Decimal("0.3")
    assert basis.risk_load.capital_level == default_basis().risk_load.capital_level  # merged, not replaced
    assert load_basis() == default_basis()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"expense_ratio": 0.7, "profit_margin": 0.3}, "", "below 1"),
        ({"capital_level": 0.97}, "risk_load", "not one of the levels"),
        ({"cost_of_capital_rate": 1.5}, "risk_load", "outside [0, 1]"),
        ({"rounding_increment": 0}, "rounding", "must be positive"),
        ({"minimum_premium": {"XYZ": 10}}, "minimum_premium", "unknown currency"),
        ({"quote_validity_days": 0}, "", "whole number of days from 1 to 366"),
    ],
)
def test_invalid_overrides_name_the_field(changes: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as info:
        default_basis().with_overrides(**changes)  # type: ignore[arg-type]
    problem = info.value.problems[0]
    assert problem.field == field
    assert words in problem.message


def test_a_currency_without_a_minimum_premium_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="no minimum premium in JPY"):
        default_basis().minimum_for("JPY")


@pytest.mark.parametrize(
    ("increment", "direction", "amount", "expected"),
    [
        (1, "up", "1000.01", "1001.00"),
        (100, "up", "1000.01", "1100.00"),
        (1, "half_up", "1000.49", "1000.00"),
    ],
)
def test_rounding(increment: int, direction: str, amount: str, expected: str) -> None:
    data = default_basis().model_dump()
    data["rounding"] = {"increment": {"value": increment, "source": "test"}, "direction": direction}
    basis = PricingBasis.model_validate(data)
    assert basis.round_premium(Decimal(amount), "CNY") == Decimal(expected)

"""Money helpers: one conversion from simulated floats, one rounding, one display format (model/money.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cyberins.model.money import format_money, from_float, to_minor


def test_rounding_follows_the_currency_minor_unit() -> None:
    assert to_minor(Decimal("1234.565"), "CNY") == Decimal("1234.57")  # half up, 2 decimals
    assert to_minor(Decimal("1234.5"), "JPY") == Decimal(1235)  # no minor unit
    assert to_minor(Decimal("1.2345"), "KWD") == Decimal("1.235")  # three decimals (fils)


def test_a_simulated_float_converts_through_its_shortest_decimal() -> None:
    # 2.675 is stored as 2.67499999999999982236431605997495353221893310546875: its exact expansion would round
    # down; the decimal a reader sees rounds up.
    assert Decimal(2.675).quantize(Decimal("0.01")) == Decimal("2.67")
    assert from_float(2.675, "CNY") == Decimal("2.68")
    assert from_float(1_234.5, "JPY") == Decimal(1235)


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "text"),
    [
        (Decimal("1234567.891"), "CNY", "en", "1,234,567.89"),
        (Decimal("1234567.891"), "CNY", "zh", "1,234,567.89"),
        (Decimal("1234567.5"), "JPY", "en", "1,234,568"),
        (1234.5, "USD", "en", "1,234.50"),
        (Decimal(0), "KWD", "en", "0.000"),
        (None, "CNY", "en", "—"),
    ],
)
def test_display_uses_thousands_separators_and_the_minor_digits(
    amount: Decimal | float | None, currency: str, lang: str, text: str
) -> None:
    assert format_money(amount, currency, lang) == text  # type: ignore[arg-type]

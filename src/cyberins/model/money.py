"""Money in records: `Decimal` amounts with an ISO 4217 currency (simulations use float64 elsewhere)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Annotated

from babel.numbers import format_decimal, get_currency_precision, list_currencies
from pydantic import AfterValidator, Field

from cyberins.model.errors import InvalidValue
from cyberins.model.ids import Lang


@cache
def _iso_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    """Accept an ISO 4217 code known to CLDR (via Babel), e.g. ``CNY``, ``USD``."""
    if code not in _iso_currencies():
        raise InvalidValue("input.service.unknown_currency", code=repr(code))
    return code


def minor_units(currency: str) -> int:
    """Decimal places of the currency's minor unit (CNY 2, JPY 0), from CLDR."""
    return int(get_currency_precision(currency))


def to_minor(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half up as settlement statements do."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def from_float(value: float, currency: str) -> Decimal:
    """A simulated float64 amount as money at the currency's minor unit.

    The float's shortest round-tripping decimal (its `repr`) is rounded, not its exact binary expansion: a mean
    printed as ``2.675`` rounds to ``2.68`` as a reader expects, where ``Decimal(2.675)`` would give ``2.67``.
    """
    return to_minor(Decimal(repr(float(value))), currency)


_LOCALES: dict[Lang, str] = {"en": "en_US", "zh": "zh_CN"}


def format_money(amount: Decimal | float | None, currency: str, lang: Lang = "en") -> str:
    """An amount for people: thousands separators and the currency's minor digits (``1,234.50`` CNY, ``1,235`` JPY).

    A float (a simulated figure) is converted with `from_float`; None (not estimated) shows as ``—``.
    """
    if amount is None:
        return "—"
    money = to_minor(amount, currency) if isinstance(amount, Decimal) else from_float(amount, currency)
    digits = minor_units(currency)
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return str(format_decimal(money, format=pattern, locale=_LOCALES[lang]))


#: Every amount is below 10^16: the store keeps money as NUMERIC(20, 4) (`store/types.py`), 16 digits before
#: the point, and that is also where float64 stops holding whole currency units exactly (2^53 ≈ 9.007 × 10^15
#: is the last exact one; 10^16 rounds cent amounts). No policy, loss or revenue comes near: the world's
#: largest company has a revenue under 10^13 in any currency that has minor units.
MAX_AMOUNT = Decimal(10) ** 16


def check_amount(value: Decimal) -> Decimal:
    """Refuse an amount of 10^16 or more (`MAX_AMOUNT`), e.g. `1e300`, before arithmetic overflows on it."""
    if value >= MAX_AMOUNT:
        raise ValueError(f"{value:.3g} is too large: amounts must be below 10^16 (the store's NUMERIC(20, 4))")
    return value


Currency = Annotated[str, AfterValidator(check_currency)]
#: A non-negative amount of money in the record's currency.
Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), AfterValidator(check_amount)]
#: A positive amount of money (a revenue, a loss that defines a point of a curve).
PositiveAmount = Annotated[Decimal, Field(gt=0, allow_inf_nan=False), AfterValidator(check_amount)]


def money_text(amount: Decimal | float, currency: str) -> str | None:
    """An amount as a document shows it: a decimal string at the currency's minor unit (a float through its
    shortest repr, so 0.1 stays 0.1); None for a non-finite simulated amount, which has no decimal form."""
    if isinstance(amount, float):
        return format(from_float(amount, currency), "f") if math.isfinite(amount) else None
    return format(to_minor(amount, currency), "f")

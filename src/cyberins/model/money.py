"""Money in records: `Decimal` amounts with an ISO 4217 currency (simulations use float64 elsewhere)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Annotated

from babel.numbers import get_currency_precision, list_currencies
from pydantic import AfterValidator, Field


@cache
def _iso_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def check_currency(code: str) -> str:
    """Accept an ISO 4217 code known to CLDR (via Babel), e.g. ``CNY``, ``USD``."""
    if code not in _iso_currencies():
        raise ValueError(f"unknown currency {code!r}: use an ISO 4217 code such as CNY, USD, EUR, HKD")
    return code


def minor_units(currency: str) -> int:
    """Decimal places of the currency's minor unit (CNY 2, JPY 0), from CLDR."""
    return int(get_currency_precision(currency))


def to_minor(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half up as settlement statements do."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


Currency = Annotated[str, AfterValidator(check_currency)]
#: A non-negative amount of money in the record's currency.
Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]

"""The pricing basis as data: risk-load method, expenses, profit, minimum premium and rounding.

Every number carries its `source`, or `assumption: true` with a `reason` (STYLE.md, "Habits"). The default
basis ships in `cyberins/pricing/data/basis.yaml`; a YAML file of the same shape may override any part of it
(`load_basis(path)`), and keyword arguments override single numbers (`PricingBasis.with_overrides`).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from cyberins.catalog.provenance import Cited
from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.loading import parse_model, read_document, read_packaged
from cyberins.model.money import check_currency, to_minor
from cyberins.quant.metrics import LEVELS

#: The basis shipped with the package.
DEFAULT_BASIS_RESOURCE = "data/basis.yaml"


class Sourced(Cited):
    """A number with its provenance: a `source`, or `assumption: true` with the `reason` for it."""

    value: Decimal = Field(allow_inf_nan=False)


class RiskLoadMethod(StrEnum):
    #: rate × (TVaR at the capital level − expected loss) of the insured annual loss.
    COST_OF_CAPITAL = "cost_of_capital"
    #: multiplier × standard deviation of the insured annual loss.
    STD_LOAD = "std_load"


class RoundingDirection(StrEnum):
    UP = "up"
    HALF_UP = "half_up"


class RiskLoad(Frozen):
    method: RiskLoadMethod = RiskLoadMethod.COST_OF_CAPITAL
    capital_level: Sourced
    cost_of_capital_rate: Sourced
    #: Share of a policy's stand-alone capital (TVaR − EL) that it consumes in a diversified book.
    diversification: Sourced
    std_multiplier: Sourced

    @model_validator(mode="after")
    def _ranges(self) -> RiskLoad:
        if str(float(self.capital_level.value)) not in {str(q) for q in LEVELS}:
            levels = ", ".join(str(q) for q in LEVELS)
            raise ValueError(f"capital_level {self.capital_level.value} is not one of the levels {levels} (rule 13)")
        # A rate above 1 would make the premium fall as expected loss rises (premium ∝ (1 − r)·EL + r·TVaR).
        if not 0 <= self.cost_of_capital_rate.value <= 1:
            raise ValueError(f"cost_of_capital_rate {self.cost_of_capital_rate.value} is outside [0, 1]")
        if not 0 < self.diversification.value <= 1:
            raise ValueError(f"diversification {self.diversification.value} is outside (0, 1]")
        if self.std_multiplier.value < 0:
            raise ValueError(f"std_multiplier {self.std_multiplier.value} is negative")
        return self

    @property
    def capital_key(self) -> str:
        """The capital level as a rule-13 level key (`"0.995"`), to read `LossMeasures.tvar`."""
        return str(float(self.capital_level.value))


class Rounding(Frozen):
    increment: Sourced
    direction: RoundingDirection = RoundingDirection.UP

    @model_validator(mode="after")
    def _positive(self) -> Rounding:
        if self.increment.value <= 0:
            raise ValueError(f"increment {self.increment.value} must be positive")
        return self


class PricingBasis(Frozen):
    """How a technical premium is built from simulated insured losses (docs/pricing.md)."""

    name: str
    risk_load: RiskLoad
    expense_ratio: Sourced
    profit_margin: Sourced
    minimum_premium: dict[str, Sourced]
    rounding: Rounding
    #: Days a quote stands after the day it is given (the risk it priced may change after that).
    quote_validity_days: Sourced

    @field_validator("minimum_premium")
    @classmethod
    def _currencies(cls, value: dict[str, Sourced]) -> dict[str, Sourced]:
        for code, amount in value.items():
            check_currency(code)
            if amount.value < 0:
                raise ValueError(f"{code} {amount.value} is negative")
        return value

    @model_validator(mode="after")
    def _loadings(self) -> PricingBasis:
        e, p = self.expense_ratio.value, self.profit_margin.value
        if e < 0 or p < 0:
            raise ValueError(f"expense_ratio {e} and profit_margin {p} must not be negative")
        if e + p >= 1:
            raise ValueError(f"expense_ratio {e} + profit_margin {p} must stay below 1 for the gross-up")
        days = self.quote_validity_days.value
        if days != days.to_integral_value() or not 1 <= days <= 366:
            raise ValueError(f"quote_validity_days {days} must be a whole number of days from 1 to 366")
        return self

    @property
    def gross_up_divisor(self) -> Decimal:
        """1 − expense ratio − profit margin: the share of premium left to pay losses and the risk load."""
        return 1 - self.expense_ratio.value - self.profit_margin.value

    def minimum_for(self, currency: str) -> Decimal:
        """The minimum premium in `currency` (an `InvalidInput` when the basis has none)."""
        if currency not in self.minimum_premium:
            known = ", ".join(sorted(self.minimum_premium))
            said = Said("input.pricing.no_minimum", {"name": repr(self.name), "currency": currency, "known": known})
            raise InvalidInput.one(f"minimum_premium.{currency}", said)
        return self.minimum_premium[currency].value

    def round_premium(self, amount: Decimal, currency: str) -> Decimal:
        """Round to a multiple of the basis increment, then to the currency's minor unit."""
        step = self.rounding.increment.value
        mode = ROUND_CEILING if self.rounding.direction is RoundingDirection.UP else ROUND_HALF_UP
        return to_minor((amount / step).quantize(Decimal(1), rounding=mode) * step, currency)

    def with_overrides(
        self,
        *,
        reason: str = "caller override",
        method: RiskLoadMethod | None = None,
        capital_level: Decimal | float | None = None,
        cost_of_capital_rate: Decimal | float | None = None,
        diversification: Decimal | float | None = None,
        std_multiplier: Decimal | float | None = None,
        expense_ratio: Decimal | float | None = None,
        profit_margin: Decimal | float | None = None,
        minimum_premium: dict[str, Decimal | float] | None = None,
        rounding_increment: Decimal | float | None = None,
        quote_validity_days: int | None = None,
    ) -> PricingBasis:
        """A copy with the given numbers replaced, each marked `assumption: true` with `reason`.

        Raises `InvalidInput` naming the field when the result is not a valid basis.
        """

        def sourced(value: Decimal | float) -> dict[str, Any]:
            return {"value": Decimal(str(value)), "assumption": True, "reason": reason}

        data = self.model_dump(mode="python")
        risk = data["risk_load"]
        if method is not None:
            risk["method"] = method
        for key, value in (
            ("capital_level", capital_level),
            ("cost_of_capital_rate", cost_of_capital_rate),
            ("diversification", diversification),
            ("std_multiplier", std_multiplier),
        ):
            if value is not None:
                risk[key] = sourced(value)
        if expense_ratio is not None:
            data["expense_ratio"] = sourced(expense_ratio)
        if profit_margin is not None:
            data["profit_margin"] = sourced(profit_margin)
        if minimum_premium is not None:
            extra = {code: sourced(v) for code, v in minimum_premium.items()}
            data["minimum_premium"] = {**data["minimum_premium"], **extra}
        if rounding_increment is not None:
            data["rounding"]["increment"] = sourced(rounding_increment)
        if quote_validity_days is not None:
            data["quote_validity_days"] = sourced(quote_validity_days)
        return parse_model(PricingBasis, data, "pricing basis override")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Override `base` key by key; nested mappings merge, anything else replaces."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _default_data() -> dict[str, Any]:
    data = read_packaged(resources.files("cyberins.pricing").joinpath(DEFAULT_BASIS_RESOURCE))
    assert isinstance(data, dict)
    return data


def default_basis() -> PricingBasis:
    """The basis shipped with the package (`cyberins/pricing/data/basis.yaml`)."""
    return parse_model(PricingBasis, _default_data(), DEFAULT_BASIS_RESOURCE)


def load_basis(path: Path | None = None) -> PricingBasis:
    """The default basis, with the parts that the YAML/JSON file at `path` gives replacing its own.

    The file has the shape of the default (see docs/pricing.md); nested sections merge, so a file holding
    only `expense_ratio: {value: 0.25, source: ...}` changes just that number.
    """
    if path is None:
        return default_basis()
    override = read_document(path)
    if not isinstance(override, dict):
        raise InvalidInput.one("", Said("input.pricing.basis_mapping"), str(path))
    return parse_model(PricingBasis, _merge(_default_data(), override), str(path))

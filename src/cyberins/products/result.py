"""The priced product, whatever its form: totals, lines and the form's own figures; its JSON document.

Words follow DESIGN.md rule 13: `gross` is the ground-up loss, `insured` what the policies pay. Expected
losses are float64 currency per year (simulation outputs); premiums and other money are `Decimal` in the
policy currency, rounded to its minor unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

import numpy as np

from cyberins.model.errors import Said
from cyberins.model.ids import PolicyForm
from cyberins.model.policy import Policy
from cyberins.pricing import PricingBasis, RiskLoadMethod, TechnicalPremium, premium_from_measures
from cyberins.pricing.premium import allocate
from cyberins.products.spec import ProductBase
from cyberins.quant.metrics import LossMeasures, tail_weights
from cyberins.quant.model import Factor, FloatArray
from cyberins.quant.scheme import SchemeMember, SchemeResult, simulate_scheme


class FormDetails(Protocol):
    """What a form adds to the result (bundle price, rates per licence, the scheme aggregate…)."""

    def as_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ProductLine:
    """One line of a result: a with/without-services variant, a customer or segment, a scheme member.

    `details` holds the form's extra figures for the line, JSON-ready (numbers, strings, lists).
    """

    id: str
    name: str
    name_zh: str
    expected_gross_loss: float
    expected_insured_loss: float
    technical_premium: Decimal
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProductResult:
    """A priced product: the top-level figures (see each form for what they cover) and its lines."""

    product: str
    name: str
    name_zh: str
    form: PolicyForm
    currency: str
    years: int
    seed: int
    expected_gross_loss: float
    expected_insured_loss: float
    premium: TechnicalPremium
    insured: LossMeasures
    lines: tuple[ProductLine, ...]
    details: FormDetails
    #: What the figures leave out, said in either language (the JSON document gives the English).
    notes: tuple[Said, ...] = ()

    @property
    def technical_premium(self) -> Decimal:
        return self.premium.premium


def factor_dict(f: Factor) -> dict[str, Any]:
    return {
        "name": f.name,
        "event_type": f.event_type.value,
        "frequency": f.frequency,
        "severity": f.severity,
        "source": f.source,
        "reason": f.reason,
    }


def product_document(result: ProductResult) -> dict[str, Any]:
    """The `product price --json` document (issue 12 contract): totals, `lines`, then the form's figures."""
    p = result.premium
    doc: dict[str, Any] = {
        "product": result.product,
        "name": result.name,
        "name_zh": result.name_zh,
        "form": result.form.value,
        "currency": result.currency,
        "years": result.years,
        "seed": result.seed,
        "expected_gross_loss": result.expected_gross_loss,
        "expected_insured_loss": result.expected_insured_loss,
        "expected_insured_loss_se": result.insured.aal_se,
        "technical_premium": str(p.premium),
        "premium": {
            "basis": p.basis,
            "method": p.method.value,
            "expected_loss": str(p.expected_loss),
            "risk_load": str(p.risk_load),
            "expenses": str(p.expenses),
            "profit": str(p.profit),
            "minimum_applied": p.minimum_applied,
        },
        "insured": {k: v for k, v in result.insured.as_dict().items() if k in ("aal", "aal_se", "std", "var", "tvar")},
        "lines": [
            {
                "id": line.id,
                "name": line.name,
                "name_zh": line.name_zh,
                "expected_gross_loss": line.expected_gross_loss,
                "expected_insured_loss": line.expected_insured_loss,
                "technical_premium": str(line.technical_premium),
                **line.details,
            }
            for line in result.lines
        ],
    }
    doc.update(result.details.as_dict())
    doc["notes"] = [str(note) for note in result.notes]
    return doc


def line_premiums(
    premium: TechnicalPremium, total: FloatArray, lines: FloatArray, basis: PricingBasis
) -> list[Decimal]:
    """Split a group's premium across its lines so that the parts add up to it exactly.

    Each line is weighted by its own expected loss plus its Euler share of the group's risk load:

        cost_of_capital:  w_l = EL_l + r · d · (coTVaR_α(X_l | S) − EL_l)
        std_load:         w_l = EL_l + k · Cov(X_l, S) / std(S)

    with X_l the line's annual insured loss, S the group's (the column sums of `lines`), r, d and k the
    basis' rate, diversification share and multiplier and α its capital level. coTVaR_α(X_l | S) is the line's
    mean over the same tail years, with the same weights, as the expected shortfall of S (rule 13:
    `quant.metrics.tail_weights`, the boundary year at its fractional weight), so the co-TVaR shares of
    TVaR_α(S) add up to it exactly (Tasche,
    "Risk contributions and performance measurement", 1999), so the weights add up to the group's EL plus
    risk load; the premium (with its minimum and rounding) is then split in proportion to them by largest
    remainder (`cyberins.pricing.premium.allocate`). A line that is light in the bad years pays less than
    its stand-alone premium: that is the diversification the group brings.

    Parameters
    ----------
    premium
        The group's technical premium (priced on `total`).
    total
        Annual insured loss of the group (currency per year), one entry per simulated year.
    lines
        Lines × years: each line's annual insured loss; columns add up to `total`.
    basis
        The pricing basis the premium used.

    Examples
    --------
    Four years, r·d = 10%, α such that the tail is the worst year only: line A loses 100 every year, line B
    400 in the worst year. EL_A = 100, EL_B = 100; the tail year has A = 100, B = 400, so
    w_A = 100 + 0.1·(100 − 100) = 100 and w_B = 100 + 0.1·(400 − 100) = 130: B carries all the load.
    """
    el = lines.mean(axis=1)
    if basis.risk_load.method is RiskLoadMethod.COST_OF_CAPITAL:
        risk = basis.risk_load
        co_tvar = lines @ tail_weights(total, float(risk.capital_level.value))
        load = float(risk.cost_of_capital_rate.value * risk.diversification.value) * (co_tvar - el)
    else:
        sd = float(total.std(ddof=1)) if total.size > 1 else 0.0
        cov = (lines - el[:, np.newaxis]) @ (total - total.mean()) / max(total.size - 1, 1)
        load = float(basis.risk_load.std_multiplier.value) * (cov / sd if sd > 0 else np.zeros_like(el))
    weights = [max(float(w), 0.0) for w in el + load]
    return allocate(premium.premium, weights, premium.currency)


@dataclass(frozen=True)
class PricedScheme:
    """Members simulated together and priced as one policy (a warranty's customers, a group scheme's members):
    the scheme's measures and premium, and each line's share of the premium (they add up to it)."""

    result: SchemeResult
    insured: LossMeasures
    premium: TechnicalPremium
    shares: list[Decimal]

    @classmethod
    def of(
        cls,
        members: Sequence[SchemeMember],
        policy: Policy,
        basis: PricingBasis,
        *,
        years: int,
        seed: int,
        aggregate_limit: float | None,
    ) -> PricedScheme:
        result = simulate_scheme(members, years, seed, aggregate_limit=aggregate_limit)
        insured = result.insured()
        premium = premium_from_measures(insured, result.insured_by_coverage, policy, basis)
        return cls(result, insured, premium, line_premiums(premium, result.ylt.insured, result.line_insured, basis))

    def product_result(
        self,
        spec: ProductBase,
        form: PolicyForm,
        lines: tuple[ProductLine, ...],
        details: FormDetails,
        notes: tuple[Said, ...],
    ) -> ProductResult:
        """The priced product: the scheme's totals, with the form's `lines`, `details` and `notes`."""
        return ProductResult(
            product=spec.id,
            name=spec.name,
            name_zh=spec.name_zh,
            form=form,
            currency=self.premium.currency,
            years=self.result.years,
            seed=self.result.seed,
            expected_gross_loss=float(self.result.ylt.gross.mean()),
            expected_insured_loss=self.insured.aal,
            premium=self.premium,
            insured=self.insured,
            lines=lines,
            details=details,
            notes=notes,
        )

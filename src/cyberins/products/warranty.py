"""Pricing of a product warranty (网络安全防护产品+保险) over a vendor's customer base.

White paper 2021, section 3(2): a security product is sold with insurance as its backstop (风险兜底). The
warranty pays, under the policy template, for losses of the event types the product protects against that
happen although the product is deployed. So each customer's risk model is (1) restricted to those event
types and (2) multiplied by the product's factors; the customers are simulated together over the same
years (`cyberins.quant.scheme`, no shared aggregate), each under the template, and the base is priced as
one book. Lines are the named customers and the synthetic segments; their premiums are the base premium
split by contribution (`line_premiums`), so they add up to it. Rates: base premium / customers and base
premium / licences. The warranty conditions are assumed to hold (a breach would void the claim).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from cyberins.assess import assess
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import EventType, PolicyForm
from cyberins.model.money import to_minor
from cyberins.pricing import PricingBasis
from cyberins.pricing.grid import Progress
from cyberins.products.categories import SecurityCategory, security_catalog
from cyberins.products.forms import ProductWarrantySpec, WarrantyConditions
from cyberins.products.population import generate_profiles, member_id
from cyberins.products.product import Product
from cyberins.products.result import PricedScheme, ProductLine, ProductResult, factor_dict
from cyberins.quant.model import Factor, RiskModel
from cyberins.quant.scheme import SchemeMember


@dataclass(frozen=True)
class WarrantyDetails:
    """The warranty's own figures; money per policy year in the policy currency."""

    category: SecurityCategory
    spec: ProductWarrantySpec
    factors: tuple[Factor, ...]
    conditions: WarrantyConditions
    customers: int
    licences: int | None
    rate_per_customer: Decimal
    rate_per_licence: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        p = self.spec.product
        return {
            "security_product": {
                "name": p.name,
                "name_zh": p.name_zh,
                "vendor": p.vendor,
                "category": p.category.value,
                "category_label": self.category.label.model_dump(),
                "event_types": [et.value for et in self.category.event_types],
                "factors": [factor_dict(f) for f in self.factors],
            },
            "conditions": self.conditions.model_dump(mode="json"),
            "customers": self.customers,
            "licences": self.licences,
            "rate_per_customer": str(self.rate_per_customer),
            "rate_per_licence": None if self.rate_per_licence is None else str(self.rate_per_licence),
        }


def protected_model(model: RiskModel, event_types: tuple[EventType, ...], factors: list[Factor]) -> RiskModel:
    """The part of `model` a warranty covers: the protected event types, with the product's factors."""
    kept = tuple(et for et in model.event_types if et.event_type in event_types)
    return replace(model, event_types=kept).adjusted(factors)


def price_product_warranty(
    product: Product, years: int, seed: int, basis: PricingBasis, progress: Progress
) -> ProductResult:
    """Price a `product_warranty` product over its customer base.

    Parameters
    ----------
    product
        A loaded product of form `product_warranty`.
    years, seed
        Simulated years and seed; the seed also draws the synthetic segments unless the file fixes
        `population_seed`.
    basis
        The pricing basis.
    progress
        Hears `(0, 1)` at the start and `(1, 1)` once the members' simulation is done.

    Returns
    -------
    ProductResult
        Top-level figures for the whole base (expected claims cost, its VaR/TVaR, the base premium); one
        line per named customer and per segment with its share of the premium; rates per customer and per
        licence in `details`.
    """
    spec = product.spec
    assert isinstance(spec, ProductWarrantySpec)
    policy = product.policy
    category = security_catalog().categories[spec.product.category]
    specs = spec.product.factors if spec.product.factors is not None else category.factors
    outside = [f.event_type.value for f in specs if f.event_type not in category.event_types]
    if outside:
        label = {"zh": category.label.zh, "en": category.label.en}
        said = Said("input.products.not_protected", {"event_type": repr(outside[0]), "category": label})
        raise InvalidInput.one("product.factors", said)
    factors = [f.to_factor(f"product:{spec.product.category.value}") for f in specs]
    members, names, licences = _members(product, spec, seed, category.event_types, factors)
    progress(0, 1)
    priced = PricedScheme.of(members, policy, basis, years=years, seed=seed, aggregate_limit=None)
    progress(1, 1)  # the members simulated together, once
    result, premium, shares = priced.result, priced.premium, priced.shares
    counts = {line: sum(1 for m in members if m.line_id == line) for line in result.lines}
    lines = []
    for i, line in enumerate(result.lines):
        name, name_zh = names[line]
        lic = licences.get(line)
        lines.append(
            ProductLine(
                id=line,
                name=name,
                name_zh=name_zh,
                expected_gross_loss=float(result.member_gross[[m.line_id == line for m in members]].sum()),
                expected_insured_loss=float(result.line_insured[i].mean()),
                technical_premium=shares[i],
                details={
                    "customers": counts[line],
                    "licences": lic,
                    "rate_per_customer": str(_rate(shares[i], counts[line], policy.currency)),
                    "rate_per_licence": None if lic is None else str(_rate(shares[i], lic, policy.currency)),
                },
            )
        )
    total_licences = sum(licences.values()) if len(licences) == len(result.lines) else None
    notes = [Said("cli.products.notes.independent_customers")]
    if total_licences is None:
        notes.append(Said("cli.products.notes.no_licences"))
    return priced.product_result(
        spec,
        PolicyForm.PRODUCT_WARRANTY,
        tuple(lines),
        WarrantyDetails(
            category=category,
            spec=spec,
            factors=tuple(factors),
            conditions=spec.conditions,
            customers=len(members),
            licences=total_licences,
            rate_per_customer=_rate(premium.premium, len(members), policy.currency),
            rate_per_licence=None
            if total_licences is None
            else _rate(premium.premium, total_licences, policy.currency),
        ),
        tuple(notes),
    )


def _members(
    product: Product, spec: ProductWarrantySpec, seed: int, event_types: tuple[EventType, ...], factors: list[Factor]
) -> tuple[list[SchemeMember], dict[str, tuple[str, str]], dict[str, int]]:
    """The base as scheme members, with line names and licences per line."""
    policy = product.policy
    members, names, licences = [], {}, {}
    for i, c in enumerate(spec.customers):
        insured = product.insureds[f"customers[{i}]"]
        model = protected_model(insured.model, event_types, factors)
        if not model.event_types:
            raise InvalidInput.one(f"customers[{i}]", Said("input.products.none_protected"))
        if insured.id in names:
            raise InvalidInput.one(
                f"customers[{i}].id", Said("input.products.customer_twice", {"id": repr(insured.id)})
            )
        members.append(SchemeMember(insured.id, model, policy))
        zh = insured.profile.name_zh if insured.profile and insured.profile.name_zh else ""
        names[insured.id] = (insured.name, zh)
        if c.licences is not None:
            licences[insured.id] = c.licences
    population = spec.population_seed if spec.population_seed is not None else seed
    taken = set(names)
    for i, seg in enumerate(spec.segments):
        ids = [member_id(seg, k) for k in range(seg.count)]
        if taken & {seg.id, *ids}:
            raise InvalidInput.one(f"segments[{i}].id", Said("input.products.segment_clash", {"id": repr(seg.id)}))
        for ident, profile in zip(ids, generate_profiles(seg, population, policy), strict=True):
            model = protected_model(assess(profile), event_types, factors)
            members.append(SchemeMember(ident, model, policy, line=seg.id))
        names[seg.id] = (seg.name or seg.id, seg.name_zh)
        if seg.licences_per_customer is not None:
            licences[seg.id] = seg.licences_per_customer * seg.count
    return members, names, licences


def _rate(amount: Decimal, per: int, currency: str) -> Decimal:
    return to_minor(amount / per, currency)

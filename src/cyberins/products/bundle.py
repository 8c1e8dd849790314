"""Pricing of a service bundle (安全服务绑定保险): the same insured and policy, without and with the services.

White paper 2021, section 3(2): security firms bring assessment, monitoring and response to underwriting,
loss reduction and claims, while the insurer prices the cover. Here each bundled service puts controls in
place (or applies its own factors); the insured's model with them is simulated under the same policy and
seed as the model without them (common random numbers), and both are priced. The services pay for
themselves when what they save the insured exceeds what they cost:

    premium saving + drop in retained expected loss (gross − insured)  >  annual cost of the services
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cyberins.catalog import get_catalog
from cyberins.model.errors import Said
from cyberins.model.ids import PolicyForm
from cyberins.model.policy import Policy
from cyberins.pricing import PricingBasis, TechnicalPremium
from cyberins.pricing.grid import Progress
from cyberins.pricing.roi import Outcome, compare, outcome_of
from cyberins.products.forms import ServiceBundleSpec, ServiceSpec
from cyberins.products.product import Insured, Product
from cyberins.products.result import ProductLine, ProductResult, factor_dict
from cyberins.quant.metrics import LossMeasures
from cyberins.quant.model import Factor, RiskModel
from cyberins.quant.simulate import SimulationResult, simulate


@dataclass(frozen=True)
class BundleDetails:
    """The bundle's own figures; money per policy year in the policy currency."""

    services: tuple[ServiceSpec, ...]
    services_cost: Decimal
    #: Premium with the services plus their cost: what the insured pays for the bundle.
    bundle_price: Decimal
    premium_saving: Decimal
    retained_loss_drop: Decimal
    #: premium saving + retained-loss drop − services cost.
    net_benefit: Decimal
    pays_for_itself: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "services_cost": str(self.services_cost),
            "bundle_price": str(self.bundle_price),
            "premium_saving": str(self.premium_saving),
            "retained_loss_drop": str(self.retained_loss_drop),
            "net_benefit": str(self.net_benefit),
            "pays_for_itself": self.pays_for_itself,
            "services": [
                {
                    "id": s.id,
                    "name": s.name,
                    "name_zh": s.name_zh,
                    "kind": s.kind.value,
                    "provider": s.provider.value,
                    "annual_cost": str(s.annual_cost),
                    "controls": list(s.controls),
                    "factors": [factor_dict(f) for f in service_factors(s)],
                }
                for s in self.services
            ],
        }


def service_factors(service: ServiceSpec) -> list[Factor]:
    """The explicit factors of one service, named after it."""
    return [f.to_factor(f"service:{service.id}") for f in service.factors]


def model_with_services(insured: Insured, services: tuple[ServiceSpec, ...] | list[ServiceSpec]) -> RiskModel:
    """The insured's model with every service in place: their controls, then their own factors."""
    controls = {c for s in services for c in s.controls}
    factors = [f for s in services for f in service_factors(s)]
    model = insured.with_controls(controls)
    return model.adjusted(factors) if factors else model


def price_service_bundle(
    product: Product, years: int, seed: int, basis: PricingBasis, progress: Progress
) -> ProductResult:
    """Price a `service_bundle` product: lines `without_services` and `with_services`, totals with them.

    Parameters
    ----------
    product
        A loaded product of form `service_bundle`.
    years, seed
        Simulated years and seed; both variants use the same seed (common random numbers), so a service that
        changes only severities changes every simulated year's loss and nothing else.
    basis
        The pricing basis.
    progress
        Hears `(0, 2)` at the start and `(1, 2)`, `(2, 2)` after each variant's simulation.

    Returns
    -------
    ProductResult
        Top-level figures are the bundle's (with services); `details` holds the services' cost, the bundle
        price and whether the services pay for themselves.
    """
    spec = product.spec
    assert isinstance(spec, ServiceBundleSpec)
    policy, currency = product.policy, product.policy.currency
    insured = product.insureds["insured"]
    progress(0, 2)
    without = _Variant.of(simulate(insured.model, policy, years, seed), policy, basis)
    progress(1, 2)
    with_ = _Variant.of(simulate(model_with_services(insured, spec.services), policy, years, seed), policy, basis)
    progress(2, 2)
    cost = sum((s.annual_cost for s in spec.services), Decimal(0))
    # The services are a security investment: their return is the pricing module's, figure for figure.
    change = compare(without.outcome, with_.outcome, cost)
    lines = (
        without.line("without_services", "Without services", "不含服务", Decimal(0)),
        with_.line("with_services", "With services", "含服务", cost),
    )
    return ProductResult(
        product=spec.id,
        name=spec.name,
        name_zh=spec.name_zh,
        form=PolicyForm.SERVICE_BUNDLE,
        currency=currency,
        years=years,
        seed=seed,
        expected_gross_loss=with_.gross.aal,
        expected_insured_loss=with_.insured.aal,
        premium=with_.quote,
        insured=with_.insured,
        lines=lines,
        details=BundleDetails(
            services=tuple(spec.services),
            services_cost=cost,
            bundle_price=with_.quote.premium + cost,
            premium_saving=change.premium_drop,
            retained_loss_drop=change.retained_loss_drop,
            net_benefit=change.net_benefit,
            pays_for_itself=change.net_benefit > 0,
        ),
        notes=_notes(with_.result),
    )


@dataclass(frozen=True)
class _Variant:
    """One simulated variant (without or with the services), its measures and its quote."""

    result: SimulationResult
    gross: LossMeasures
    insured: LossMeasures
    outcome: Outcome

    @classmethod
    def of(cls, result: SimulationResult, policy: Policy, basis: PricingBasis) -> _Variant:
        return cls(result, result.gross(), result.insured(), outcome_of(result, frozenset(), policy, basis))

    @property
    def quote(self) -> TechnicalPremium:
        return self.outcome.quote

    def line(self, ident: str, name: str, name_zh: str, cost: Decimal) -> ProductLine:
        retained = self.outcome.expected_retained_loss
        return ProductLine(
            id=ident,
            name=name,
            name_zh=name_zh,
            expected_gross_loss=self.gross.aal,
            expected_insured_loss=self.insured.aal,
            technical_premium=self.quote.premium,
            details={
                "expected_retained_loss": float(retained),
                "services_cost": str(cost),
                "total_cost_of_risk": str(retained + self.quote.premium + cost),
            },
        )


def _notes(result: SimulationResult) -> tuple[Said, ...]:
    labels = get_catalog().coverages
    return tuple(
        Said("cli.products.notes.money_only", {"coverage": {"zh": labels[c].label.zh, "en": c.value}})
        for c in result.money_only_time_element
    )

"""`price_product`: the pricing of a product's form, on one pricing basis."""

from __future__ import annotations

from collections.abc import Callable

from cyberins.pricing import PricingBasis, default_basis
from cyberins.pricing.grid import Progress
from cyberins.products.bundle import price_service_bundle
from cyberins.products.group import price_group_scheme
from cyberins.products.product import Product
from cyberins.products.result import ProductResult
from cyberins.products.warranty import price_product_warranty

Pricer = Callable[[Product, int, int, PricingBasis, Progress], ProductResult]

#: The pricing of each form.
PRICERS: dict[str, Pricer] = {
    "service_bundle": price_service_bundle,
    "product_warranty": price_product_warranty,
    "group_scheme": price_group_scheme,
}


def price_product(
    product: Product, years: int, seed: int, basis: PricingBasis | None = None, progress: Progress | None = None
) -> ProductResult:
    """Price `product` from `years` simulated years drawn from `seed` (the default basis unless given);
    `progress` hears `(done, total)` after each of its simulations (a bundle runs two).

    The same product, years and seed give the same numbers, lines included.
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    return PRICERS[product.form](product, years, seed, basis or default_basis(), progress or _unheard)


def _unheard(done: int, total: int) -> None:
    """No one follows the progress."""

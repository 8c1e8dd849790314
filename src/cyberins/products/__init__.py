"""Products: the market's business models priced on the shared risk model and terms engine (DESIGN.md "Products").

White paper 2021, section 3(2) names three ways security firms and insurers work together; each is a
product `form` here:

- `service_bundle` (安全服务绑定保险): cover sold with assessment, monitoring and response services;
- `product_warranty` (网络安全防护产品+保险): a security product with insurance as its backstop;
- `group_scheme` (园区保): one master policy for the SMEs of an industrial park, each with a certificate.

>>> from pathlib import Path
>>> from cyberins.products import load_product, price_product
>>> result = price_product(load_product(Path("examples/products/service-bundle-sme.yaml")), 20_000, 1)
>>> round(result.expected_insured_loss), result.technical_premium
(2094, Decimal('8628.00'))

`docs/products.md` describes the file format, the pricing of each form and the allocation to lines.
"""

from cyberins.products.bundle import BundleDetails, model_with_services, price_service_bundle
from cyberins.products.categories import ProductCategory, SecurityCategory, security_catalog
from cyberins.products.forms import (
    FORMS,
    GroupSchemeSpec,
    ProductSpec,
    ProductWarrantySpec,
    ServiceBundleSpec,
    ServiceSpec,
)
from cyberins.products.group import SchemeDetails, price_group_scheme
from cyberins.products.loader import load_product, parse_product
from cyberins.products.population import generate_profiles
from cyberins.products.pricing import price_product
from cyberins.products.product import Insured, Product, control_factors
from cyberins.products.result import ProductLine, ProductResult, line_premiums, product_document
from cyberins.products.warranty import WarrantyDetails, price_product_warranty, protected_model

__all__ = [
    "FORMS",
    "BundleDetails",
    "GroupSchemeSpec",
    "Insured",
    "Product",
    "ProductCategory",
    "ProductLine",
    "ProductResult",
    "ProductSpec",
    "ProductWarrantySpec",
    "SchemeDetails",
    "SecurityCategory",
    "ServiceBundleSpec",
    "ServiceSpec",
    "WarrantyDetails",
    "control_factors",
    "generate_profiles",
    "line_premiums",
    "load_product",
    "model_with_services",
    "parse_product",
    "price_group_scheme",
    "price_product",
    "price_product_warranty",
    "price_service_bundle",
    "product_document",
    "protected_model",
    "security_catalog",
]

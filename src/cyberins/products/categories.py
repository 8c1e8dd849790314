"""Security-product categories of a product warranty (防护产品+保险): what each protects against, and how.

The packaged file `products/data/security_products.yaml` names, per category, the event types the product
protects against and its frequency and severity factors, each with a source or an assumption and its
reason. A product file may replace the factors (a vendor's own test results) but not widen the category.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from importlib import resources

from pydantic import Field, model_validator

from cyberins.catalog.schema import Label, SnakeId, Source
from cyberins.model.base import Frozen
from cyberins.model.ids import EventType
from cyberins.model.loading import parse_model, read_packaged
from cyberins.products.spec import FactorSpec


class ProductCategory(StrEnum):
    ANTI_RANSOMWARE = "anti_ransomware"
    ANTI_DDOS = "anti_ddos"
    EDR = "edr"
    MANAGED_CLOUD = "managed_cloud"


class SecurityCategory(Frozen):
    label: Label
    description: str = ""
    event_types: tuple[EventType, ...] = Field(min_length=1)
    #: Source id for the choice of event types.
    event_types_source: SnakeId
    factors: tuple[FactorSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _factors_inside(self) -> SecurityCategory:
        outside = [f.event_type.value for f in self.factors if f.event_type not in self.event_types]
        if outside:
            raise ValueError(f"factors name {outside[0]!r}, which is not one of the category's event_types")
        return self


class SecurityCatalog(Frozen):
    version: str
    sources: tuple[Source, ...] = Field(min_length=1)
    categories: dict[ProductCategory, SecurityCategory]

    @model_validator(mode="after")
    def _complete(self) -> SecurityCatalog:
        missing = [c.value for c in ProductCategory if c not in self.categories]
        if missing:
            raise ValueError(f"categories: {missing[0]!r} is missing")
        declared = {s.id for s in self.sources}
        for cid, cat in self.categories.items():
            cited = [cat.event_types_source] + [f.source for f in cat.factors if f.source]
            unknown = [s for s in cited if s not in declared]
            if unknown:
                raise ValueError(f"categories.{cid.value}: unknown source {unknown[0]!r}; declare it under `sources`")
        return self


@functools.cache
def security_catalog() -> SecurityCatalog:
    """The packaged security-product categories (validated once, cached)."""
    path = resources.files("cyberins.products").joinpath("data", "security_products.yaml")
    data = read_packaged(path)
    return parse_model(SecurityCatalog, data, "cyberins/products/data/security_products.yaml")

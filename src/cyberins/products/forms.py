"""The schema of each product form (DESIGN.md "Products"; white paper 2021, section 3(2)).

- `service_bundle` (安全服务绑定保险): one insured, a policy and the security services sold with it.
- `product_warranty` (网络安全防护产品+保险): a security product, its warranty conditions, and the vendor's
  customer base that the warranty is priced over.
- `group_scheme` (园区保): a master policy for the members of an industrial park or association, each with a
  certificate, all sharing one scheme aggregate limit.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, PositiveInt, field_validator, model_validator

from cyberins.assess import load_questionnaire
from cyberins.model.base import Frozen
from cyberins.model.money import Amount
from cyberins.products.categories import ProductCategory
from cyberins.products.spec import FactorSpec, Ident, InsuredRef, ProductBase, SegmentSpec, unique_ids

# ---- service bundle --------------------------------------------------------------------------------------


class ServiceKind(StrEnum):
    RISK_ASSESSMENT = "risk_assessment"
    CONTINUOUS_MONITORING = "continuous_monitoring"
    INCIDENT_RESPONSE_RETAINER = "incident_response_retainer"
    AWARENESS_TRAINING = "awareness_training"
    BACKUP_HARDENING = "backup_hardening"
    VULNERABILITY_MANAGEMENT = "vulnerability_management"
    MANAGED_DETECTION = "managed_detection"
    OTHER = "other"


class ProviderKind(StrEnum):
    """Who delivers a bundled service (the parties of DESIGN.md "Lifecycle and parties")."""

    SECURITY_SERVICE_PROVIDER = "security_service_provider"
    INSURTECH = "insurtech"
    INCIDENT_RESPONDER = "incident_responder"
    INSURER = "insurer"
    BROKER = "broker"


class ServiceSpec(Frozen):
    """A service sold with the policy: its cost, who provides it, and what it changes in the risk model.

    `controls` are questionnaire ids the service puts fully in place (the assessor turns them into
    factors); `factors` act directly, for explicit models or effects the questionnaire does not hold.
    A service with neither (an assessment that only informs underwriting) costs money and changes nothing.
    """

    id: Ident
    name: str = ""
    name_zh: str = ""
    kind: ServiceKind
    provider: ProviderKind
    #: Per policy year, in the policy currency.
    annual_cost: Amount
    controls: tuple[str, ...] = ()
    factors: tuple[FactorSpec, ...] = ()

    @field_validator("controls")
    @classmethod
    def _known_controls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known = load_questionnaire().ids
        unknown = [c for c in value if c not in known]
        if unknown:
            raise ValueError(f"unknown control {unknown[0]!r}: not a question of the controls questionnaire")
        return value


class ServiceBundleSpec(ProductBase):
    form: Literal["service_bundle"]
    insured: InsuredRef
    services: list[ServiceSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ServiceBundleSpec:
        unique_ids(self.services, "service")
        return self


# ---- product warranty ------------------------------------------------------------------------------------


class SecurityProductSpec(Frozen):
    """The warranted product: its category fixes the event types; `factors` may replace the category's."""

    name: str
    name_zh: str = ""
    vendor: str = ""
    category: ProductCategory
    factors: tuple[FactorSpec, ...] | None = None


class WarrantyConditions(Frozen):
    """What the customer must do for the warranty to pay (shown in the output; pricing assumes they hold)."""

    deployed_on_covered_systems: bool = True
    kept_updated: bool = True
    updates_within_days: PositiveInt | None = None
    alerts_handled_within_hours: PositiveInt


class CustomerSpec(InsuredRef):
    """A named customer of the vendor; it is its own line."""

    id: Ident | None = None
    licences: PositiveInt | None = None


class CustomerSegment(SegmentSpec):
    """Synthetic customers of one industry and size; the segment is one line."""

    licences_per_customer: PositiveInt | None = None


class ProductWarrantySpec(ProductBase):
    form: Literal["product_warranty"]
    product: SecurityProductSpec
    conditions: WarrantyConditions
    customers: list[CustomerSpec] = Field(default_factory=list)
    segments: list[CustomerSegment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _base(self) -> ProductWarrantySpec:
        if not self.customers and not self.segments:
            raise ValueError("the customer base is empty: list `customers`, `segments` or both")
        unique_ids(self.segments, "segment")
        return self


# ---- group scheme ----------------------------------------------------------------------------------------


class SchemeTerms(Frozen):
    """Terms of the master policy that sit above the certificates."""

    #: Shared by all members: the most the scheme pays in a policy year, in the policy currency.
    aggregate_limit: Amount


class MemberSpec(InsuredRef):
    """A named member; `certificate` overrides the template's terms for it (merged key by key)."""

    id: Ident
    certificate: dict[str, Any] = Field(default_factory=dict)


class MemberSegment(SegmentSpec):
    """Generated members (SMEs of one industry and size); `certificate` overrides apply to each of them."""

    certificate: dict[str, Any] = Field(default_factory=dict)


class GroupSchemeSpec(ProductBase):
    form: Literal["group_scheme"]
    scheme: SchemeTerms
    members: list[MemberSpec] = Field(default_factory=list)
    segments: list[MemberSegment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _base(self) -> GroupSchemeSpec:
        if not self.members and not self.segments:
            raise ValueError("the scheme has no members: list `members`, `segments` or both")
        unique_ids([*self.members, *self.segments], "member or segment")
        return self


ProductSpec = ServiceBundleSpec | ProductWarrantySpec | GroupSchemeSpec
#: The schema of each form, by the `form` id of the file.
FORMS: dict[str, type[ProductSpec]] = {
    "service_bundle": ServiceBundleSpec,
    "product_warranty": ProductWarrantySpec,
    "group_scheme": GroupSchemeSpec,
}

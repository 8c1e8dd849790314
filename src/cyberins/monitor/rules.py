"""The alert table (`monitor/data/event_types.yaml`): which covered event types and ATT&CK techniques a
vulnerability on an asset raises, and which products are VPN gateways of the risk model.

Every rule cites a source of the file or is an assumption with its reason; `EventTypeRules.event_types`
returns each event type with the rule that raised it, so an alert can say why.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from cyberins.catalog.provenance import SourcedFile
from cyberins.catalog.schema import Provenance
from cyberins.model.base import Frozen
from cyberins.model.ids import EventType
from cyberins.model.loading import load_model, parse_model, read_packaged

VpnProductId = Literal["cisco_asa", "fortinet", "palo_alto", "ivanti", "sangfor"]


class CweRule(Provenance):
    cwes: tuple[str, ...] = Field(min_length=1)
    event_types: tuple[EventType, ...] = Field(min_length=1)


class AssetRule(Provenance):
    #: `vendor:product` of the asset's CPE; `vendor:*` is any product of the vendor.
    products: tuple[str, ...] = ()
    #: Words of the asset's role (whole words, case-insensitive).
    roles: tuple[str, ...] = ()
    event_types: tuple[EventType, ...] = Field(min_length=1)

    def applies(self, vendor: str, product: str, role: str) -> bool:
        if any(_product_is(p, vendor, product) for p in self.products):
            return True
        text = role.lower()
        return any(re.search(rf"\b{re.escape(word.lower())}\b", text) for word in self.roles)


class FixedRule(Provenance):
    event_types: tuple[EventType, ...] = Field(min_length=1)


class AttackRule(Provenance):
    technique: str = Field(pattern=r"^T\d{4}(\.\d{3})?$")
    #: CVSS Attack Vector letters (N, A, L, P); absent: any.
    attack_vector: tuple[Literal["N", "A", "L", "P"], ...] | None = None
    user_interaction: bool | None = None
    internet_facing: bool | None = None

    def applies(self, vector: CvssVector, internet_facing: bool) -> bool:
        return (
            (self.attack_vector is None or vector.attack_vector in self.attack_vector)
            and (self.user_interaction is None or vector.user_interaction == self.user_interaction)
            and (self.internet_facing is None or internet_facing == self.internet_facing)
        )


class Raised(Frozen):
    """One event type an alert raises and the rule that raised it."""

    event_type: EventType
    rule: str
    reason: str
    source: str


class CvssVector(Frozen):
    """The two metrics of a CVSS vector the technique rules read (v2 has no User Interaction)."""

    attack_vector: str | None = None
    user_interaction: bool = False

    @classmethod
    def parse(cls, vector: str | None) -> CvssVector:
        metrics = dict(m.split(":", 1) for m in (vector or "").split("/") if ":" in m)
        return cls(attack_vector=metrics.get("AV"), user_interaction=metrics.get("UI") == "R")


class EventTypeRules(SourcedFile):
    """The table: CWE and asset rules, KEV's ransomware rule, the fallback, ATT&CK rules, VPN products."""

    cwe: tuple[CweRule, ...]
    assets: tuple[AssetRule, ...]
    ransomware: FixedRule
    fallback: FixedRule
    attack: tuple[AttackRule, ...]
    vpn_products: dict[VpnProductId, tuple[str, ...]]

    @model_validator(mode="after")
    def _cited(self) -> EventTypeRules:
        for field in ("cwe", "assets", "ransomware", "fallback", "attack"):
            self.require_cited(field)
        return self

    def event_types(
        self, cwes: tuple[str, ...], vendor: str, product: str, role: str, ransomware: bool
    ) -> list[Raised]:
        """The event types of a vulnerability with these CWEs on this asset, each once, with its first reason."""
        out: dict[EventType, Raised] = {}

        def add(rule: Provenance, types: tuple[EventType, ...], name: str) -> None:
            for et in types:
                out.setdefault(et, Raised(event_type=et, rule=name, reason=rule.reason or "", source=_cited(rule)))

        for r in self.cwe:
            matched = [c for c in cwes if c in r.cwes]
            if matched:
                add(r, r.event_types, f"cwe:{','.join(matched)}")
        for a in self.assets:
            if a.applies(vendor, product, role):
                add(a, a.event_types, "asset")
        if ransomware:
            add(self.ransomware, self.ransomware.event_types, "kev:ransomware")
        if not out:
            add(self.fallback, self.fallback.event_types, "fallback")
        return list(out.values())

    def techniques(self, vector: str | None, internet_facing: bool) -> list[str]:
        """ATT&CK technique ids the exploitation of a vulnerability with this CVSS vector is, on this asset."""
        parsed = CvssVector.parse(vector)
        return list(dict.fromkeys(r.technique for r in self.attack if r.applies(parsed, internet_facing)))

    def vpn_product(self, vendor: str, product: str) -> VpnProductId | None:
        """The risk model's VPN product id of a CPE vendor:product, or None."""
        for ident, names in self.vpn_products.items():
            if any(_product_is(n, vendor, product) for n in names):
                return ident
        return None


def _product_is(pattern: str, vendor: str, product: str) -> bool:
    want_vendor, _, want_product = pattern.lower().partition(":")
    return want_vendor == vendor.lower() and want_product in ("*", product.lower())


def _cited(rule: Provenance) -> str:
    ids = ", ".join(rule.source_ids)
    return f"{ids} (assumption)" if rule.assumption and ids else ids or "assumption"


@functools.cache
def load_rules(path: Path | None = None) -> EventTypeRules:
    """The packaged table (`monitor/data/event_types.yaml`), or another file of the same shape."""
    if path is not None:
        return load_model(EventTypeRules, path)
    data = resources.files("cyberins.monitor").joinpath("data", "event_types.yaml")
    return parse_model(EventTypeRules, read_packaged(data), "cyberins/monitor/data/event_types.yaml")

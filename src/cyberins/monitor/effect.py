"""Re-scoring: what a scan adds to the insured's exposure signals, and what that does to its expected loss.

No second model: the effect is `assess(profile)` against `assess(profile)` with its `exposure` extended by
the scan's signals (confirmed alerts as vulnerabilities, internet-facing VPN gateways, exposed RDP, risky
services), both through `RiskModel.expected_loss()`. The factor rows of the re-scored model say why.

With a policy and a `Pricing`, the renewal premium moves the same way: both models are simulated under the
policy with the same seed (common random numbers: each event type draws from its own streams, so the change
is the signals', not the sampling's) and priced by the one `technical_premium`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cyberins.assess.engine import assess
from cyberins.assess.profile import ExposureSignals, OrganizationProfile, VpnProduct, Vulnerability
from cyberins.model.errors import Said
from cyberins.model.money import money_text
from cyberins.model.policy import Policy
from cyberins.monitor.alerts import Alert, AlertEffect, vendor_product
from cyberins.monitor.cpe import logical, parse_cpe
from cyberins.monitor.inventory import Inventory
from cyberins.monitor.rules import EventTypeRules
from cyberins.pricing.basis import PricingBasis
from cyberins.pricing.premium import TechnicalPremium, require_currency, technical_premium
from cyberins.quant.model import RiskModel
from cyberins.quant.simulate import simulate

#: Factor names of the risk model that come from exposure signals (`assess/factors.py` exposure_factors).
EXPOSURE_FACTORS = ("exposure:", "bound:exposure")


def scan_exposure(alerts: Iterable[Alert], inventory: Inventory, rules: EventTypeRules) -> ExposureSignals:
    """The signals a scan adds: confirmed alerts (one per CVE and host), internet-facing VPN gateways by the
    table's `vpn_products`, and from Nmap's open ports exposed RDP and risky services."""
    vulnerabilities: dict[tuple[str, str], Vulnerability] = {}
    for a in alerts:
        if a.match == "confirmed":
            vulnerabilities.setdefault(
                (a.cve, a.asset.hostname), Vulnerability(cve=a.cve, kev=a.kev.listed, asset=a.asset.hostname)
            )
    vpn: dict[tuple[str, str | None], VpnProduct] = {}
    for row in inventory.rows:
        ident = rules.vpn_product(*vendor_product(row.cpe)) if row.internet_facing else None
        if ident is not None:
            named = logical(parse_cpe(row.cpe).version)  # the CPE wins over the version column
            version = None if named in ("*", "-") else named
            vpn.setdefault((ident, version), VpnProduct(product=ident, version=version))
    return ExposureSignals(
        rdp_exposed=inventory.rdp_exposed,
        vpn_products=tuple(vpn.values()),
        risky_services=tuple(inventory.risky_services),
        vulnerabilities=tuple(vulnerabilities.values()),
    )


def extended(base: ExposureSignals, added: ExposureSignals) -> ExposureSignals:
    """`base` with `added`'s signals: flags or-ed, lists extended by what `base` does not already hold."""
    return ExposureSignals(
        rdp_exposed=base.rdp_exposed or added.rdp_exposed,
        vpn_products=_union(base.vpn_products, added.vpn_products),
        risky_services=_union(base.risky_services, added.risky_services),
        vulnerabilities=_union(
            base.vulnerabilities, added.vulnerabilities, key=lambda v: (v.cve, v.asset)
        ),  # a CVE the profile already lists for the same asset counts once
    )


def _union(base: Sequence[Any], added: Sequence[Any], key: Any = None) -> tuple[Any, ...]:
    keyed = key or (lambda v: v)
    seen = {keyed(v) for v in base}
    out = list(base)
    for v in added:
        if keyed(v) not in seen:
            seen.add(keyed(v))
            out.append(v)
    return tuple(out)


@dataclass(frozen=True)
class FrequencyChange:
    before: float
    after: float


@dataclass(frozen=True)
class FactorRow:
    id: str
    event_type: str
    frequency: float
    before: float
    source: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "event_type": self.event_type, "frequency": self.frequency, "before": self.before,
                "source": self.source, "reason": self.reason}  # fmt: skip


@dataclass(frozen=True)
class Pricing:
    """How a renewal is priced: the pricing basis, the simulated years and the seed (one for both runs). The
    default 100,000 years take a fraction of a second for one insured."""

    basis: PricingBasis
    seed: int
    years: int = 100_000


@dataclass(frozen=True)
class RenewalChange:
    """The technical premium of the policy's renewal before and after the scan's signals."""

    policy_number: str | None
    before: TechnicalPremium
    after: TechnicalPremium
    years: int
    seed: int

    @property
    def change(self) -> Decimal:
        return self.after.premium - self.before.premium

    def to_json(self) -> dict[str, Any]:
        b, a = self.before, self.after
        ratio = (self.change / b.premium).quantize(Decimal("0.0001")) if b.premium > 0 else None
        return {
            "policy": self.policy_number,
            "currency": b.currency,
            "premium_before": format(b.premium, "f"),
            "premium_after": format(a.premium, "f"),
            "premium_change": format(self.change, "f"),
            "premium_change_ratio": None if ratio is None else format(ratio, "f"),
            "expected_insured_loss_before": format(b.expected_loss, "f"),
            "expected_insured_loss_after": format(a.expected_loss, "f"),
            "basis": b.basis,
            "years": self.years,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class Effect:
    """The insured's expected annual loss before and after the scan's signals, per event type and factor, and
    (with a policy to renew) the renewal premium before and after."""

    currency: str
    expected_loss_before: float
    expected_loss_after: float
    frequency: dict[str, FrequencyChange]
    factors: tuple[FactorRow, ...]
    renewal: RenewalChange | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "expected_loss_before": money_text(self.expected_loss_before, self.currency),
            "expected_loss_after": money_text(self.expected_loss_after, self.currency),
            "frequency": {et: {"before": f.before, "after": f.after} for et, f in self.frequency.items()},
            "factors": [f.to_json() for f in self.factors],
            "renewal": None if self.renewal is None else self.renewal.to_json(),
        }


class Rescorer:
    """Re-scores one profile: `assess` once for the profile as it is, once per set of added signals."""

    def __init__(self, profile: OrganizationProfile) -> None:
        self.profile = profile
        self.before = assess(profile)

    def model_with(self, added: ExposureSignals) -> RiskModel:
        exposure = extended(self.profile.exposure, added)
        return assess(self.profile.model_copy(update={"exposure": exposure}))

    def effect(self, added: ExposureSignals, policy: Policy | None = None, pricing: Pricing | None = None) -> Effect:
        """The effect of `added`; with `policy` and `pricing`, the renewal premium's change too."""
        after = self.model_with(added)
        frequency = {
            b.event_type.value: FrequencyChange(b.frequency.mean(), a.frequency.mean())
            for b, a in zip(self.before.event_types, after.event_types, strict=True)
        }
        old = {(f.name, f.event_type): f.frequency for et in self.before.event_types for f in et.factors}
        factors = tuple(
            FactorRow(f.name, f.event_type.value, f.frequency, old.get((f.name, f.event_type), 1.0), f.source, f.reason)
            for et in after.event_types
            for f in et.factors
            if f.name.startswith(EXPOSURE_FACTORS) and old.get((f.name, f.event_type)) != f.frequency
        )
        renewal = None
        if policy is not None and pricing is not None:
            require_currency(self.before.currency, policy, Said("input.service.the.profile"))
            before_premium, after_premium = (
                technical_premium(simulate(m, policy, pricing.years, pricing.seed), policy, pricing.basis)
                for m in (self.before, after)
            )
            renewal = RenewalChange(policy.policy_number, before_premium, after_premium, pricing.years, pricing.seed)
        return Effect(
            self.before.currency, self.before.expected_loss(), after.expected_loss(), frequency, factors, renewal
        )

    def alert_effect(self, alert: Alert) -> AlertEffect | None:
        """This alert alone: the profile with only its vulnerability added (confirmed alerts only)."""
        if alert.match != "confirmed":
            return None
        added = ExposureSignals(
            vulnerabilities=(Vulnerability(cve=alert.cve, kev=alert.kev.listed, asset=alert.asset.hostname),)
        )
        currency = self.before.currency
        return AlertEffect(
            currency,
            money_text(self.before.expected_loss(), currency) or "",
            money_text(self.model_with(added).expected_loss(), currency) or "",
        )

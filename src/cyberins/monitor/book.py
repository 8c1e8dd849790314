"""The insurer's book view (contract §3): for a CVE or a product, every insured and policy exposed, their
limits, and the total over confirmed exposures — the accumulation lens the portfolio builds on.

A book file (YAML or JSON) lists `insureds: [{id, name, assets, policies: [...]}]`, paths relative to it.
Each insured's inventory is scanned against one snapshot (the index built once).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field

from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.loading import load_model
from cyberins.model.money import money_text
from cyberins.model.policy import Policy
from cyberins.monitor.alerts import Alert, vendor_product
from cyberins.monitor.feeds import Snapshot
from cyberins.monitor.inventory import read_assets
from cyberins.monitor.scan import matcher_for, scan

#: Tier order, best first: an item's `match` is the best tier among its alerts.
TIER_ORDER = ("confirmed", "possible")
#: The least advanced state among an item's alerts is the item's (open before acknowledged...).
STATE_ORDER = ("open", "acknowledged", "risk_accepted", "remediated", "verified")


class BookInsured(Frozen):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    name_zh: str | None = None
    assets: str = Field(min_length=1)
    policies: tuple[str, ...] = ()


class BookFile(Frozen):
    insureds: tuple[BookInsured, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Target:
    """What the book is asked about: one CVE, or a product `vendor:product` (case-insensitive)."""

    cve: str | None = None
    vendor: str | None = None
    product: str | None = None

    @classmethod
    def parse(cls, cve: str | None, product: str | None) -> Target:
        if (cve is None) == (product is None):
            raise InvalidInput.one("CVE-ID", Said("input.monitor.cve_or_product", {"option": "--product"}))
        if cve is not None:
            if not re.fullmatch(r"CVE-\d{4}-\d{4,}", cve.strip().upper()):
                raise InvalidInput.one("CVE-ID", Said("input.monitor.not_cve", {"value": repr(cve)}))
            return cls(cve=cve.strip().upper())
        vendor, sep, name = (product or "").partition(":")
        if not sep or not vendor.strip() or not name.strip():
            raise InvalidInput.one("--product", Said("input.monitor.not_vendor_product", {"value": repr(product)}))
        return cls(vendor=vendor.strip().lower(), product=name.strip().lower())

    def hits(self, alert: Alert) -> bool:
        if self.cve is not None:
            return alert.cve == self.cve
        return vendor_product(alert.asset.cpe) == (self.vendor, self.product)


@dataclass(frozen=True)
class BookItem:
    insured: str
    name: str
    name_zh: str | None
    policy: str | None
    limit: Decimal | None
    currency: str | None
    alerts: tuple[Alert, ...]

    @property
    def match(self) -> str:
        return min((a.match for a in self.alerts), key=TIER_ORDER.index)

    @property
    def state(self) -> str:
        return min((a.state for a in self.alerts), key=lambda s: STATE_ORDER.index(s) if s in STATE_ORDER else 0)

    def to_json(self) -> dict[str, Any]:
        rows = {a.asset.where or f"{a.asset.hostname} {a.asset.cpe}": a.asset for a in self.alerts}
        return {
            "insured": self.insured,
            "name": self.name,
            "policy": self.policy,
            "limit": None if self.limit is None or self.currency is None else money_text(self.limit, self.currency),
            "currency": self.currency,
            "assets": [
                {"hostname": r.hostname, "ip": r.ip, "cpe": r.cpe, "internet_facing": r.internet_facing,
                 "criticality": r.criticality}
                for r in rows.values()
            ],
            "match": self.match,
            "state": self.state,
            "alerts": len(self.alerts),
            "cves": sorted({a.cve for a in self.alerts}),
        }  # fmt: skip


@dataclass(frozen=True)
class BookView:
    target: Target
    items: tuple[BookItem, ...]

    def totals(self) -> dict[str, Any]:
        """Confirmed items only: insureds, policies and the sum of their aggregate limits by currency."""
        confirmed = [i for i in self.items if i.match == "confirmed"]
        sums: dict[str, Decimal] = {}
        for i in confirmed:
            if i.limit is not None and i.currency is not None:
                sums[i.currency] = sums.get(i.currency, Decimal(0)) + i.limit
        return {
            "insureds": len({i.insured for i in confirmed}),
            "policies": sum(1 for i in confirmed if i.policy is not None),
            "limits_sum": {c: money_text(v, c) for c, v in sorted(sums.items())},
        }

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cve": self.target.cve}
        if self.target.product is not None:
            out["product"] = f"{self.target.vendor}:{self.target.product}"
        out["insureds"] = [i.to_json() for i in self.items]
        out["totals"] = self.totals()
        return out


def read_book(path: Path) -> tuple[BookFile, list[tuple[BookInsured, Path, list[tuple[str, Policy]]]]]:
    """The book file and, per insured, its inventory path and its policies (paths relative to the book)."""
    book = load_model(BookFile, path)
    base = path.parent
    out = []
    seen: set[str] = set()
    for n, ins in enumerate(book.insureds):
        if ins.id in seen:
            raise InvalidInput.one(
                f"insureds[{n}].id", Said("input.monitor.insured_twice", {"id": repr(ins.id)}), str(path)
            )
        seen.add(ins.id)
        policies = [(p, load_model(Policy, base / p)) for p in ins.policies]
        out.append((ins, base / ins.assets, policies))
    return book, out


def book_view(path: Path, snapshot: Snapshot, target: Target, *, opened_at: datetime) -> BookView:
    """Every (insured, policy) of the book with an alert for the target; an insured without a policy file is
    one item with no policy and no limit."""
    _, insureds = read_book(path)
    matcher = matcher_for(snapshot)
    items: list[BookItem] = []
    for ins, assets, policies in insureds:
        result = scan(read_assets(assets), snapshot, opened_at=opened_at, matcher=matcher, insured=ins.id)
        hits = tuple(a for a in result.alerts if target.hits(a))
        if not hits:
            continue
        items.extend(_items(ins, policies, hits))
    return BookView(target, tuple(items))


def _items(ins: BookInsured, policies: Sequence[tuple[str, Policy]], hits: tuple[Alert, ...]) -> list[BookItem]:
    if not policies:
        return [BookItem(ins.id, ins.name, ins.name_zh, None, None, None, hits)]
    return [
        BookItem(ins.id, ins.name, ins.name_zh, p.policy_number or file, p.aggregate_limit, p.currency, hits)
        for file, p in policies
    ]

"""Alerts tied to cover: one per (inventory row, CVE) that matches `confirmed` or `possible` (contract §2).

An alert names the asset, the vulnerability (CVSS, KEV listing and due date, known ransomware use, EPSS), the
covered event types it raises and why (`monitor/data/event_types.yaml`), the ATT&CK techniques its
exploitation is, its priority with the reason, and when it is due. Its effect on the expected loss comes from
`cyberins.monitor.effect` (the same `assess`). Pure: the caller gives the time the alert opens.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from cyberins.model.ids import Lang
from cyberins.monitor.cpe import logical, parse_cpe
from cyberins.monitor.feeds import AttackIndex
from cyberins.monitor.inventory import AssetRow
from cyberins.monitor.rules import EventTypeRules, Raised

Tier = Literal["confirmed", "possible"]
#: EPSS percentile from which a vulnerability counts as likely to be exploited (contract §2, priorities 3-4).
EPSS_HIGH = 0.95
#: CVSS base score from which a vulnerability is critical (FIRST CVSS v3.1 rating scale: 9.0-10.0 Critical).
CVSS_CRITICAL = 9.0


@dataclass(frozen=True)
class Cvss:
    version: str
    base_score: float
    severity: str
    vector: str

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "base_score": self.base_score, "severity": self.severity,
                "vector": self.vector}  # fmt: skip


@dataclass(frozen=True)
class KevListing:
    listed: bool
    date_added: date | None = None
    due_date: date | None = None
    ransomware: Literal["Known", "Unknown"] | None = None

    @property
    def ransomware_known(self) -> bool:
        return self.listed and self.ransomware == "Known"

    def to_json(self) -> dict[str, Any]:
        return {"listed": self.listed, "date_added": _iso(self.date_added), "due_date": _iso(self.due_date),
                "ransomware": self.ransomware}  # fmt: skip


@dataclass(frozen=True)
class Epss:
    score: float
    percentile: float
    score_date: date | None

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "percentile": self.percentile, "score_date": _iso(self.score_date)}


@dataclass(frozen=True)
class Matched:
    """Why the row matched: the feed's entry, its range, the configuration, the platform and what is uncertain."""

    criteria: str
    range: Mapping[str, str]
    configuration: int
    platform: tuple[str, ...]
    uncertain: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"criteria": self.criteria, "range": dict(self.range), "configuration": self.configuration,
                "platform": list(self.platform), "uncertain": list(self.uncertain)}  # fmt: skip


@dataclass(frozen=True)
class Priority:
    """1 (highest) … 5, with the sentence that explains it in both languages."""

    level: int
    reason_en: str
    reason_zh: str

    def reason(self, lang: Lang) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


@dataclass(frozen=True)
class AlertEffect:
    """The alert's own effect on the insured's expected annual loss (this vulnerability alone)."""

    currency: str
    expected_loss_before: str
    expected_loss_after: str

    def to_json(self) -> dict[str, Any]:
        return {"currency": self.currency, "expected_loss_before": self.expected_loss_before,
                "expected_loss_after": self.expected_loss_after}  # fmt: skip


@dataclass(frozen=True)
class Alert:
    id: str
    insured: str | None
    cve: str
    match: Tier
    asset: AssetRow
    matched: Matched
    cvss: Cvss | None
    kev: KevListing
    epss: Epss | None
    cwe: tuple[str, ...]
    attack_techniques: tuple[str, ...]
    event_types: tuple[Raised, ...]
    priority: Priority
    opened_at: datetime
    due_by: date | None
    provenance: Mapping[str, Any]
    effect: AlertEffect | None = None
    state: str = "open"

    def to_json(self) -> dict[str, Any]:
        a = self.asset
        return {
            "id": self.id,
            "insured": self.insured,
            "cve": self.cve,
            "match": self.match,
            "asset": {"hostname": a.hostname, "ip": a.ip, "cpe": a.cpe, "internet_facing": a.internet_facing,
                      "criticality": a.criticality, "role": a.role},
            "matched": self.matched.to_json(),
            "cvss": None if self.cvss is None else self.cvss.to_json(),
            "kev": self.kev.to_json(),
            "epss": None if self.epss is None else self.epss.to_json(),
            "cwe": list(self.cwe),
            "attack_techniques": list(self.attack_techniques),
            "event_types": [r.event_type.value for r in self.event_types],
            "event_type_reasons": [
                {"event_type": r.event_type.value, "rule": r.rule, "reason": r.reason, "source": r.source}
                for r in self.event_types
            ],
            "priority": self.priority.level,
            "priority_reason": self.priority.reason_en,
            "effect": None if self.effect is None else self.effect.to_json(),
            "state": self.state,
            "opened_at": self.opened_at.isoformat(),
            "due_by": _iso(self.due_by),
            "provenance": dict(self.provenance),
        }  # fmt: skip


def alert_id(insured: str | None, hostname: str, cpe: str, cve: str) -> str:
    """A stable id of (insured or "", hostname, cpe, cve): the same from CSV or JSON and across feed updates.

    >>> alert_id(None, "web-1", "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", "CVE-2021-44228")
    'alert-5ea8f989c125a9752c91eb0a'
    """
    key = "\x1f".join((insured or "", hostname, cpe, cve)).encode("utf-8")
    return "alert-" + hashlib.sha256(key).hexdigest()[:24]


def cvss_severity_v2(score: float) -> str:
    """NVD's CVSS v2 bands: LOW below 4.0, MEDIUM below 7.0, HIGH from 7.0."""
    return "LOW" if score < 4.0 else "MEDIUM" if score < 7.0 else "HIGH"


#: The contract's priority bases: (level, reason en, reason zh) before criticality and tier adjust the level.
_BASES: dict[str, tuple[int, str, str]] = {
    "kev_ransomware_internet": (
        1, "KEV-listed with known ransomware use, on an internet-facing asset",
        "已列入 KEV 且已知被勒索软件利用，资产面向互联网",
    ),
    "kev_internet": (2, "KEV-listed, on an internet-facing asset", "已列入 KEV，资产面向互联网"),
    "kev_ransomware_internal": (
        2, "KEV-listed with known ransomware use, on an internal asset", "已列入 KEV 且已知被勒索软件利用，内部资产"
    ),
    "kev_internal": (3, "KEV-listed, on an internal asset", "已列入 KEV，内部资产"),
    "epss_internet": (
        3, "EPSS percentile {pct} ≥ {epss}, on an internet-facing asset", "EPSS 百分位 {pct} ≥ {epss}，资产面向互联网"
    ),
    "epss": (4, "EPSS percentile {pct} ≥ {epss}", "EPSS 百分位 {pct} ≥ {epss}"),
    "cvss": (4, "CVSS {score} ≥ {critical}", "CVSS {score} ≥ {critical}"),
    "rest": (
        5, "not KEV-listed, EPSS percentile below {epss}, CVSS below {critical}",
        "未列入 KEV，EPSS 百分位低于 {epss}，CVSS 低于 {critical}",
    ),
}  # fmt: skip


def priority(
    tier: Tier,
    kev: KevListing,
    internet_facing: bool,
    epss: Epss | None,
    cvss: Cvss | None,
    criticality: str,
    uncertain: tuple[str, ...] = (),
) -> Priority:
    """The contract's priority rules (§2): KEV with ransomware on an internet-facing asset first, then KEV, then
    EPSS percentile, then CVSS; criticality high raises one level, low lowers one; possible is never above 3.

    >>> priority("confirmed", KevListing(True, ransomware="Known"), True, None, None, "medium").level
    1
    >>> priority("possible", KevListing(True, ransomware="Known"), True, None, None, "high").level
    3
    """
    high_epss = epss is not None and epss.percentile >= EPSS_HIGH
    values = {
        "pct": f"{epss.percentile:.3f}" if epss is not None else "", "epss": EPSS_HIGH,
        "score": cvss.base_score if cvss is not None else "", "critical": CVSS_CRITICAL,
    }  # fmt: skip
    if kev.ransomware_known:
        basis = "kev_ransomware_internet" if internet_facing else "kev_ransomware_internal"
    elif kev.listed:
        basis = "kev_internet" if internet_facing else "kev_internal"
    elif high_epss:
        basis = "epss_internet" if internet_facing else "epss"
    elif cvss is not None and cvss.base_score >= CVSS_CRITICAL:
        basis = "cvss"
    else:
        basis = "rest"
    level, en, zh = _BASES[basis]
    en, zh = en.format(**values), zh.format(**values)
    if criticality == "high" and level > 1:
        level -= 1
        en, zh = f"{en}; raised one level: criticality high", f"{zh}；资产重要性高，提高一级"
    elif criticality == "low" and level < 5:
        level += 1
        en, zh = f"{en}; lowered one level: criticality low", f"{zh}；资产重要性低，降低一级"
    if tier == "possible" and level < 3:
        level = 3
        missing = ", ".join(uncertain) or "attributes"
        en = f"{en}; a possible match (uncertain: {missing}) is never above 3"
        zh = f"{zh}；可能匹配（不确定：{missing}）最高为 3 级"
    return Priority(level, en[0].upper() + en[1:] + ".", zh + "。")


def due_by(kev: KevListing, opened_at: datetime, kev_patch_days: int | None) -> date | None:
    """When a KEV-listed vulnerability must be fixed: the later of its listing and the alert's opening plus the
    policy's `minimum_security.kev_patch_days` when a policy is known, else CISA's due date; None if not listed.

    >>> due_by(KevListing(True, date(2021, 12, 10), date(2021, 12, 24)), datetime(2026, 1, 5), 14)
    datetime.date(2026, 1, 19)
    >>> due_by(KevListing(True, date(2021, 12, 10), date(2021, 12, 24)), datetime(2026, 1, 5), None)
    datetime.date(2021, 12, 24)
    """
    if not kev.listed:
        return None
    if kev_patch_days is None:
        return kev.due_date
    start = max(d for d in (kev.date_added, opened_at.date()) if d is not None)
    return start + timedelta(days=kev_patch_days)


def build_alert(
    row: AssetRow,
    cve: str,
    tier: Tier,
    matched: Matched,
    *,
    rules: EventTypeRules,
    cvss: Cvss | None,
    kev: KevListing,
    epss: Epss | None,
    cwe: tuple[str, ...],
    attack: AttackIndex | None,
    provenance: Mapping[str, Any],
    opened_at: datetime,
    insured: str | None = None,
    kev_patch_days: int | None = None,
) -> Alert:
    """One alert from a match and what the feeds say about its CVE. ATT&CK techniques: the table's (from the
    CVSS vector and the asset), kept when the snapshot's bundle has them active, plus the techniques the bundle
    itself links to the CVE or its CWEs; without a bundle, the table's."""
    vendor, product = vendor_product(row.cpe)
    raised = rules.event_types(cwe, vendor, product, row.role, kev.ransomware_known)
    techniques = rules.techniques(cvss.vector if cvss else None, row.internet_facing)
    if attack is not None:
        active = [t for t in techniques if t in attack.techniques and attack.techniques[t].active]
        techniques = list(dict.fromkeys([*active, *attack.techniques_for(cve, cwe)]))
    return Alert(
        id=alert_id(insured, row.hostname, row.cpe, cve),
        insured=insured,
        cve=cve,
        match=tier,
        asset=row,
        matched=matched,
        cvss=cvss,
        kev=kev,
        epss=epss,
        cwe=cwe,
        attack_techniques=tuple(techniques),
        event_types=tuple(raised),
        priority=priority(tier, kev, row.internet_facing, epss, cvss, row.criticality, matched.uncertain),
        opened_at=opened_at,
        due_by=due_by(kev, opened_at, kev_patch_days),
        provenance=provenance,
    )


def vendor_product(cpe: str) -> tuple[str, str]:
    """Vendor and product of a row's CPE as matching compares them (lower case, escapes removed)."""
    name = parse_cpe(cpe)
    return logical(name.vendor), logical(name.product)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()

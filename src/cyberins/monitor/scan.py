"""`scan`: an inventory against one feeds snapshot → alerts, the exposure signals they add and their effect.

Uses exactly the snapshot it is given (`cyberins.monitor.feeds.read_feeds(DIR)`): every NVD record, KEV-listed
or not, through the indexed `Matcher`; KEV, EPSS and ATT&CK only enrich. Pure: the caller reads the files and
gives the time the alerts open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from cyberins.assess.profile import ExposureSignals, OrganizationProfile
from cyberins.model.errors import InvalidInput
from cyberins.model.policy import Policy
from cyberins.monitor.alerts import Alert, Cvss, Epss, KevListing, Matched, Tier, build_alert, cvss_severity_v2
from cyberins.monitor.effect import Effect, Rescorer, scan_exposure
from cyberins.monitor.feeds import Snapshot
from cyberins.monitor.inventory import Inventory
from cyberins.monitor.matching import Matcher
from cyberins.monitor.rules import EventTypeRules, load_rules

TIERS: tuple[Tier, ...] = ("confirmed", "possible")


@dataclass(frozen=True)
class ScanResult:
    snapshot: Snapshot
    inventory: Inventory
    alerts: tuple[Alert, ...]
    exposure: ExposureSignals
    effect: Effect | None

    def count(self, tier: Tier) -> int:
        return sum(1 for a in self.alerts if a.match == tier)

    def to_json(self) -> dict[str, Any]:
        """The contract's `--json` object: snapshot, assets, alerts, exposure, effect."""
        return {
            "snapshot": snapshot_json(self.snapshot),
            "assets": [r.to_json() for r in self.inventory.rows],
            "alerts": [a.to_json() for a in self.alerts],
            "exposure": self.exposure.model_dump(mode="json"),
            "effect": None if self.effect is None else self.effect.to_json(),
        }


def snapshot_json(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "dir": str(snapshot.dir),
        "sources": [
            {"source": s.source, "file": s.file, "sha256": s.sha256, "snapshot_date": _text(s.snapshot_date),
             "records": s.records}
            for s in snapshot.sources
        ],
    }  # fmt: skip


def matcher_for(snapshot: Snapshot) -> Matcher:
    """The index of every NVD record of the snapshot (build once, scan many inventories)."""
    if not snapshot.nvd:
        raise InvalidInput.one(
            "--feeds", f"{snapshot.dir} holds no NVD file (*.jsonl or *.jsonl.gz); the scan needs one"
        )
    return Matcher((cve, record.configurations) for cve, record in snapshot.nvd.items())


def scan(
    inventory: Inventory,
    snapshot: Snapshot,
    *,
    opened_at: datetime,
    matcher: Matcher | None = None,
    insured: str | None = None,
    profile: OrganizationProfile | None = None,
    policy: Policy | None = None,
    rules: EventTypeRules | None = None,
) -> ScanResult:
    """Match every row against every NVD record of `snapshot` and build the alerts (priority order).

    `profile` gives the effects (the scan's and each confirmed alert's), `policy` the due dates
    (`minimum_security.kev_patch_days`).
    """
    rules = rules or load_rules()
    matcher = matcher or matcher_for(snapshot)
    rows = inventory.rows
    security = policy.conditions.minimum_security if policy is not None else None
    days = security.kev_patch_days if security is not None else None
    known = _techniques(snapshot)
    alerts = []
    for m in matcher.scan([(r.hostname, r.cpe) for r in rows]):
        tier = str(getattr(m.tier, "value", m.tier))
        if tier not in TIERS:
            continue
        record = snapshot.nvd[m.cve]
        alerts.append(
            build_alert(
                rows[m.row], m.cve, tier,  # type: ignore[arg-type]  # checked against TIERS
                Matched(m.criteria, dict(m.range), m.configuration, tuple(m.platform), tuple(m.uncertain)),
                rules=rules, cvss=cvss_of(record), kev=kev_of(snapshot.kev.get(m.cve)),
                epss=epss_of(snapshot.epss.get(m.cve)), cwe=tuple(record.cwes), known_techniques=known,
                provenance=provenance(record, snapshot), opened_at=opened_at, insured=insured, kev_patch_days=days,
            )
        )  # fmt: skip
    effect = None
    exposure = scan_exposure(alerts, inventory, rules)
    if profile is not None:
        rescorer = Rescorer(profile)
        alerts = [replace(a, effect=rescorer.alert_effect(a)) for a in alerts]
        effect = rescorer.effect(exposure)
    alerts.sort(key=lambda a: (a.priority.level, a.match != "confirmed", a.asset.hostname, a.cve))
    return ScanResult(snapshot, inventory, tuple(alerts), exposure, effect)


def provenance(record: Any, snapshot: Snapshot) -> dict[str, Any]:
    return {
        "nvd_file": record.file,
        "nvd_source": _plain(record.source),
        "kev_catalog_version": snapshot.kev_catalog_version,
        "epss_score_date": _text(snapshot.epss_score_date),
    }


def cvss_of(record: Any) -> Cvss | None:
    """`cvssV3`, else `cvssV2` (version "2.0", NVD's v2 severity bands), else None."""
    v3, v2 = _plain(record.cvss_v3), _plain(record.cvss_v2)
    if v3:
        return Cvss(
            str(_get(v3, "version")), float(_get(v3, "base_score", "baseScore")),
            str(_get(v3, "base_severity", "baseSeverity", "severity")), str(_get(v3, "vector", "vector_string", "vectorString")),
        )  # fmt: skip
    if v2:
        score = float(_get(v2, "base_score", "baseScore"))
        return Cvss("2.0", score, cvss_severity_v2(score), str(_get(v2, "vector", "vector_string", "vectorString")))
    return None


def kev_of(entry: Any) -> KevListing:
    if entry is None:
        return KevListing(False)
    ransomware = entry.ransomware
    if isinstance(ransomware, bool):
        ransomware = "Known" if ransomware else "Unknown"
    return KevListing(
        True, _date(entry.date_added), _date(entry.due_date), "Known" if ransomware == "Known" else "Unknown"
    )


def epss_of(score: Any) -> Epss | None:
    if score is None:
        return None
    return Epss(float(score.score), float(score.percentile), _date(score.score_date))


def _techniques(snapshot: Snapshot) -> frozenset[str] | None:
    """Active ATT&CK technique ids of the snapshot's bundle; None without one (then no filtering)."""
    attack = getattr(snapshot, "attack", None)
    if not attack:
        return None
    return frozenset(str(k) for k in attack)


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _plain(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json")
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    return value


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _text(value: Any) -> str | None:
    return None if value is None else value.isoformat() if isinstance(value, date) else str(value)


def scan_many(
    inventories: Iterable[tuple[str, Inventory]], snapshot: Snapshot, *, opened_at: datetime
) -> dict[str, ScanResult]:
    """Scan several insureds' inventories against one snapshot, the index built once (the book view)."""
    matcher = matcher_for(snapshot)
    return {
        ident: scan(inv, snapshot, opened_at=opened_at, matcher=matcher, insured=ident) for ident, inv in inventories
    }

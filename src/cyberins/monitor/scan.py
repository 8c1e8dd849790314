"""`scan`: an inventory against one feeds snapshot → alerts, the exposure signals they add and their effect.

Uses exactly the snapshot it is given (`cyberins.monitor.feeds.read_feeds(DIR)`): every NVD record, KEV-listed
or not, through the indexed `Matcher`; KEV, EPSS and ATT&CK only enrich. Pure: the caller reads the files and
gives the time the alerts open.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from cyberins.assess.profile import ExposureSignals, OrganizationProfile
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.policy import Policy
from cyberins.monitor.alerts import Alert, Cvss, Epss, KevListing, Matched, Tier, build_alert, cvss_severity_v2
from cyberins.monitor.effect import Effect, Pricing, Rescorer, scan_exposure
from cyberins.monitor.feeds import NVD_PATTERNS, EpssScore, KevEntry, NvdRecord, Snapshot
from cyberins.monitor.inventory import Inventory
from cyberins.monitor.matching import Matcher
from cyberins.monitor.rules import EventTypeRules, load_rules


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
            {"source": s.source, "file": s.file, "sha256": s.sha256, "snapshot_date": _iso(s.snapshot_date),
             "records": s.records}
            for s in snapshot.sources
        ],
    }  # fmt: skip


def matcher_for(snapshot: Snapshot) -> Matcher:
    """The index of every NVD record of the snapshot (build once, scan many inventories)."""
    if not snapshot.nvd:
        raise InvalidInput.one("--feeds", Said("input.no_nvd", {"path": snapshot.dir, "patterns": NVD_PATTERNS}))
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
    pricing: Pricing | None = None,
) -> ScanResult:
    """Match every row against every NVD record of `snapshot` and build the alerts (priority order).

    `profile` gives the effects (the scan's and each confirmed alert's), `policy` the due dates
    (`minimum_security.kev_patch_days`), both with `pricing` the renewal premium's change.
    """
    rules = rules or load_rules()
    matcher = matcher or matcher_for(snapshot)
    rows = inventory.rows
    security = policy.conditions.minimum_security if policy is not None else None
    days = security.kev_patch_days if security is not None else None
    alerts = []
    for m in matcher.scan([(r.hostname, r.cpe) for r in rows]):
        record = snapshot.nvd[m.cve]
        alerts.append(
            build_alert(
                rows[m.row], m.cve, m.tier,
                Matched(m.criteria, dict(m.range), m.configuration, tuple(m.platform), tuple(m.uncertain)),
                rules=rules, cvss=cvss_of(record), kev=kev_of(snapshot.kev.get(m.cve)),
                epss=epss_of(snapshot.epss.get(m.cve)), cwe=tuple(record.cwes), attack=snapshot.attack,
                provenance=provenance(record, snapshot), opened_at=opened_at, insured=insured, kev_patch_days=days,
            )
        )  # fmt: skip
    effect = None
    exposure = scan_exposure(alerts, inventory, rules)
    if profile is not None:
        rescorer = Rescorer(profile)
        alerts = [replace(a, effect=rescorer.alert_effect(a)) for a in alerts]
        effect = rescorer.effect(exposure, policy, pricing)
    alerts.sort(key=lambda a: (a.priority.level, a.match != "confirmed", a.asset.hostname, a.cve))
    return ScanResult(snapshot, inventory, tuple(alerts), exposure, effect)


def provenance(record: NvdRecord, snapshot: Snapshot) -> dict[str, Any]:
    return {
        "nvd_file": record.file,
        "nvd_source": dict(record.source),
        "kev_catalog_version": snapshot.kev_catalog_version,
        "epss_score_date": _iso(snapshot.epss_score_date),
    }


def cvss_of(record: NvdRecord) -> Cvss | None:
    """`cvssV3`, else `cvssV2` (version "2.0", NVD's v2 severity bands), else None."""
    v3, v2 = record.cvss_v3, record.cvss_v2
    if v3:
        return Cvss(str(v3["version"]), float(v3["baseScore"]), str(v3["baseSeverity"]), str(v3["vectorString"]))
    if v2:
        score = float(v2["baseScore"])
        return Cvss("2.0", score, cvss_severity_v2(score), str(v2["vectorString"]))
    return None


def kev_of(entry: KevEntry | None) -> KevListing:
    if entry is None:
        return KevListing(False)
    return KevListing(True, entry.date_added, entry.due_date, "Known" if entry.ransomware == "Known" else "Unknown")


def epss_of(score: EpssScore | None) -> Epss | None:
    return None if score is None else Epss(score.score, score.percentile, score.score_date)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()

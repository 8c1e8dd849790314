"""MITRE ATT&CK techniques indexed from an Enterprise bundle's objects, with their links to CVEs, CWEs, CAPEC.

The bundle is read with `json` (`cyberins.monitor.feeds`), not `stix2.parse`: parsing all 24,771 objects of
Enterprise v18.1 with `stix2` takes tens of seconds, and only the techniques are needed (feeds README §4).
ATT&CK ids are in ``external_references[source_name == "mitre-attack"].external_id``; tactics are the
``kill_chain_phases`` of ``kill_chain_name == "mitre-attack"``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

#: A CVE id (CVE-YYYY-NNNN, four or more digits).
CVE_ID = re.compile(r"CVE-\d{4}-\d{4,}")


@dataclass(frozen=True)
class Technique:
    """An ATT&CK technique or sub-technique (STIX ``attack-pattern``)."""

    id: str
    stix_id: str
    name: str
    tactics: tuple[str, ...]
    revoked: bool
    deprecated: bool
    subtechnique: bool
    #: CAPEC / CWE ids in its ``external_references``; CVE ids in its references or description
    capec: tuple[str, ...] = ()
    cwes: tuple[str, ...] = ()
    cves: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return not (self.revoked or self.deprecated)


@dataclass(frozen=True)
class AttackIndex:
    """ATT&CK techniques by id, with the links to CVEs, CWEs and CAPEC an alert's ``attack_techniques`` uses."""

    techniques: Mapping[str, Technique]
    by_cve: Mapping[str, tuple[str, ...]]
    by_cwe: Mapping[str, tuple[str, ...]]
    by_capec: Mapping[str, tuple[str, ...]]
    objects: int

    def techniques_for(self, cve: str, cwes: Collection[str] = ()) -> tuple[str, ...]:
        """Active technique ids linked to the CVE or to one of its CWEs, sorted; ``()`` when none is mapped."""
        found = set(self.by_cve.get(cve, ()))
        for cwe in cwes:
            found.update(self.by_cwe.get(cwe, ()))
        return tuple(sorted(t for t in found if self.techniques[t].active))


def attack_index(objects: Collection[Mapping[str, Any]]) -> AttackIndex:
    """Index the techniques of an ATT&CK bundle's objects (read with `json`: `stix2.parse` of the whole
    Enterprise bundle takes tens of seconds, README §4). An id kept by a revoked and an active object names
    the active one."""
    techniques: dict[str, Technique] = {}
    for o in objects:
        if o.get("type") != "attack-pattern":
            continue
        refs = [r for r in o.get("external_references", ()) if isinstance(r, Mapping)]
        ids = [str(r.get("external_id")) for r in refs if r.get("source_name") == "mitre-attack"]
        if not ids:
            continue
        cves = {str(r["external_id"]) for r in refs if CVE_ID.fullmatch(str(r.get("external_id", "")))}
        cves.update(CVE_ID.findall(str(o.get("description", ""))))
        technique = Technique(
            id=ids[0],
            stix_id=str(o.get("id", "")),
            name=str(o.get("name", "")),
            tactics=tuple(
                str(p.get("phase_name"))
                for p in o.get("kill_chain_phases", ())
                if p.get("kill_chain_name") == "mitre-attack"
            ),
            revoked=bool(o.get("revoked", False)),
            deprecated=bool(o.get("x_mitre_deprecated", False)),
            subtechnique=bool(o.get("x_mitre_is_subtechnique", False)),
            capec=_ref_ids(refs, "capec"),
            cwes=_ref_ids(refs, "cwe"),
            cves=tuple(sorted(cves)),
        )
        if technique.id not in techniques or technique.active:
            techniques[technique.id] = technique
    return AttackIndex(
        techniques=techniques,
        by_cve=_invert(techniques, "cves"),
        by_cwe=_invert(techniques, "cwes"),
        by_capec=_invert(techniques, "capec"),
        objects=len(objects),
    )


def _ref_ids(refs: list[Mapping[str, Any]], source_name: str) -> tuple[str, ...]:
    return tuple(sorted({str(r["external_id"]) for r in refs if r.get("source_name") == source_name}))


def _invert(techniques: Mapping[str, Technique], attribute: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    for t in techniques.values():
        for key in getattr(t, attribute):
            out.setdefault(key, set()).add(t.id)
    return {k: tuple(sorted(v)) for k, v in out.items()}

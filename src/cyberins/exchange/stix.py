"""Incidents as one STIX 2.1 bundle (issue 21 §3, contract (e); docs/stix.md).

Each incident file becomes an `incident` whose `external_references` name the GB/T 20986-2023 category of each
of its event types, with the level as `x_cyberins_gbt20986_level` (`gbt20986_level`), and, where the file holds
the data, the objects around it: the victim `identity` (the embedded policy's insured, else the policy number),
`attack-pattern`s by ATT&CK id with the `course-of-action` that mitigates each, the `vulnerability` of a CVE
root cause, the `threat-actor` of an attribution, one `observed-data` per outage, and the relationships
between them. Ids are UUIDv5 of the object's content, timestamps the incident's own, so the same files give
the same bundle byte for byte.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import stix2

from cyberins.assess.resources import load_calibration
from cyberins.catalog import Label, Provenance, Source, get_catalog
from cyberins.claims.quantify import hours_between
from cyberins.model.base import Frozen
from cyberins.model.ids import Confidence
from cyberins.model.incident import Incident
from cyberins.model.loading import parse_model, read_packaged
from cyberins.model.money import to_minor

#: The namespace of every id this module makes (a UUIDv5 of the project's name in the URL namespace).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/cyberins/cyberins/stix")
GBT20986 = "GB/T 20986-2023"
#: STIX 2.1 Appendix A, the "Low/Med/High" confidence scale: Low 15, Med 50, High 85.
CONFIDENCE = {Confidence.LOW: 15, Confidence.MEDIUM: 50, Confidence.HIGH: 85}


class Level(Frozen):
    id: str
    label: Label
    personal_information: int | None = None
    direct_loss_cny: int | None = None


class Technique(Frozen):
    name: str
    mitigation: str


class StixData(Frozen):
    """`exchange/data/stix.yaml`."""

    version: str
    sources: list[Source]
    levels: list[Level]
    levels_provenance: Provenance
    techniques: dict[str, Technique]
    mitigations: dict[str, str]
    root_causes: dict[str, list[str]]
    event_types: dict[str, list[str]]
    techniques_provenance: Provenance


@cache
def load_stix_data() -> StixData:
    path = resources.files("cyberins.exchange").joinpath("data", "stix.yaml")
    return parse_model(StixData, read_packaged(path), "cyberins/exchange/data/stix.yaml")


@dataclass(frozen=True)
class LevelFinding:
    """The GB/T 20986-2023 level an incident file supports, and the two figures it was read from."""

    level: Level
    personal_information: int
    direct_loss: Decimal
    currency: str

    def basis(self) -> dict[str, Any]:
        return {
            "personal_information": self.personal_information,
            "direct_loss": str(to_minor(self.direct_loss, self.currency)),
            "currency": self.currency,
            "floor": True,
        }


def direct_loss(incident: Incident) -> Decimal:
    """What the incident cost as its file states it, before any policy term: invoices, income lost in the outages
    (hours × hourly gross profit × revenue share) and extra expense, the ransom paid, funds not recovered,
    third-party settlements and fines."""
    income = sum(
        (hours_between(o.start, o.end) * incident.financials.per_hour * o.revenue_share for o in incident.outages),
        Decimal(0),
    )
    parts = [
        income,
        incident.financials.extra_expense,
        *(c.amount for c in incident.costs),
        incident.ransom.paid if incident.ransom else Decimal(0),
        incident.fraud.amount_transferred - incident.fraud.recovered if incident.fraud else Decimal(0),
        *(t.amount_settled or Decimal(0) for t in incident.third_party_claims),
        *(f.amount for f in incident.fines),
    ]
    return sum(parts, Decimal(0))


def gbt20986_level(incident: Incident, currency: str) -> LevelFinding:
    """The first level of `stix.yaml` whose personal-information or direct-loss threshold the incident reaches."""
    records = incident.records_affected
    people = records.personal_information + records.sensitive_personal_information
    loss = direct_loss(incident)
    loss_cny = loss * Decimal(str(load_calibration().fx(currency)))
    for level in load_stix_data().levels:
        if (level.personal_information is not None and people >= level.personal_information) or (
            level.direct_loss_cny is not None and loss_cny >= level.direct_loss_cny
        ):
            return LevelFinding(level, people, loss, currency)
    return LevelFinding(load_stix_data().levels[-1], people, loss, currency)


def stix_id(kind: str, *content: Any) -> str:
    """`kind--<UUIDv5 of the content>` in the project's namespace: the same content, the same id."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, json.dumps([kind, *content], sort_keys=True, default=str))}"


class StixObjects:
    """The bundle's objects by id: an object two incidents share (a technique) is written once, stamped with the
    earliest incident that names it, so the bundle does not depend on the order of the files."""

    def __init__(self) -> None:
        self.by_id: dict[str, Any] = {}

    def add(self, obj: Any) -> str:
        kept = self.by_id.get(obj.id)
        if kept is None or getattr(obj, "created", None) and obj.created < kept.created:
            self.by_id[obj.id] = obj
        return str(obj.id)

    def bundle(self) -> str:
        """The bundle of every object, sorted by id, its own id from theirs: serialised JSON text."""
        ordered = [self.by_id[i] for i in sorted(self.by_id)]
        bundle = stix2.v21.Bundle(id=stix_id("bundle", sorted(self.by_id)), objects=ordered, allow_custom=True)
        return str(bundle.serialize(pretty=True))

    def relate(self, source: str, kind: str, target: str, when: str) -> None:
        self.add(
            stix2.v21.Relationship(
                id=stix_id("relationship", source, kind, target), relationship_type=kind, source_ref=source,
                target_ref=target, created=when, modified=when,
            )
        )  # fmt: skip


def _technique(objects: StixObjects, technique_id: str, when: str) -> str:
    data = load_stix_data()
    technique = data.techniques[technique_id]
    ref = {"source_name": "mitre-attack", "external_id": technique_id,
           "url": f"https://attack.mitre.org/techniques/{technique_id}/"}  # fmt: skip
    pattern = objects.add(
        stix2.v21.AttackPattern(
            id=stix_id("attack-pattern", technique_id), name=technique.name, external_references=[ref],
            created=when, modified=when,
        )
    )  # fmt: skip
    mitigation = technique.mitigation
    course = objects.add(
        stix2.v21.CourseOfAction(
            id=stix_id("course-of-action", mitigation), name=data.mitigations[mitigation], created=when, modified=when,
            external_references=[{"source_name": "mitre-attack", "external_id": mitigation,
                                  "url": f"https://attack.mitre.org/mitigations/{mitigation}/"}],
        )
    )  # fmt: skip
    objects.relate(course, "mitigates", pattern, when)
    return pattern


def stamp(moment: Any) -> str:
    """A STIX timestamp (UTC, `Z`) of an aware datetime."""
    return str(stix2.utils.format_datetime(moment))


def add_incident(objects: StixObjects, incident: Incident) -> str:
    """Add one incident and its related objects; returns the incident's id."""
    catalog = get_catalog()
    currency = incident.currency or (incident.policy.currency if incident.policy else None) or "CNY"
    when = stamp(incident.reported_at)
    finding = gbt20986_level(incident, currency)
    content = incident.model_dump(mode="json")
    refs = [{"source_name": GBT20986, "external_id": catalog.event_types[e].gbt20986.code,
             "description": catalog.event_types[e].gbt20986.name.en} for e in incident.event_types]  # fmt: skip
    labels = ", ".join(catalog.label(e, "en") for e in incident.event_types)
    incident_id = objects.add(
        stix2.v21.Incident(
            id=stix_id("incident", content), name=incident.description or labels, created=when, modified=when,
            description=incident.description, external_references=refs, allow_custom=True,
            x_cyberins_event_types=[e.value for e in incident.event_types],
            x_cyberins_gbt20986_level=finding.level.id,
            x_cyberins_gbt20986_level_basis=finding.basis(),
            x_cyberins_occurred_at=stamp(incident.occurred_at),
            x_cyberins_discovered_at=stamp(incident.discovered_at),
            x_cyberins_reported_at=when,
            **present(x_cyberins_policy_number=_policy_number(incident)),
        )
    )  # fmt: skip
    victim = _victim(objects, incident, when)
    techniques = [t for e in incident.event_types for t in load_stix_data().event_types.get(e.value, [])]
    if incident.root_cause is not None:
        techniques = [*load_stix_data().root_causes.get(incident.root_cause.kind, []), *techniques]
    patterns = [_technique(objects, t, when) for t in dict.fromkeys(techniques)]
    for pattern in patterns:
        objects.relate(incident_id, "related-to", pattern, when)
        if victim is not None:
            objects.relate(pattern, "targets", victim, when)
    if victim is not None:
        objects.relate(incident_id, "related-to", victim, when)
    if incident.root_cause is not None and incident.root_cause.cve is not None:
        _vulnerability(objects, incident, incident_id, patterns, when)
    if incident.attribution.actor is not None:
        actor = objects.add(
            stix2.v21.ThreatActor(
                id=stix_id("threat-actor", incident.attribution.actor), name=incident.attribution.actor,
                created=when, modified=when, confidence=CONFIDENCE[incident.attribution.confidence],
                allow_custom=True, x_cyberins_state_backed=incident.attribution.state_backed,
            )
        )  # fmt: skip
        objects.relate(incident_id, "related-to", actor, when)
        for pattern in patterns:
            objects.relate(actor, "uses", pattern, when)
    for outage in incident.outages:
        software = objects.add(stix2.v21.Software(name=outage.system))
        observed = objects.add(
            stix2.v21.ObservedData(
                id=stix_id("observed-data", content, outage.model_dump(mode="json")), created=when, modified=when,
                first_observed=stamp(outage.start), last_observed=stamp(outage.end), number_observed=1,
                object_refs=[software], allow_custom=True, x_cyberins_outage_revenue_share=str(outage.revenue_share),
            )
        )  # fmt: skip
        objects.relate(incident_id, "related-to", observed, when)
    return incident_id


def _policy_number(incident: Incident) -> str | None:
    return incident.policy_number or (incident.policy.policy_number if incident.policy else None)


def present(**properties: Any) -> dict[str, Any]:
    """Custom properties that have a value (STIX has no null: an absent property is left out)."""
    return {k: v for k, v in properties.items() if v is not None}


def _victim(objects: StixObjects, incident: Incident, when: str) -> str | None:
    policy = incident.policy
    name = policy.insured.name if policy and policy.insured else None
    number = _policy_number(incident)
    if name is None and number is None:
        return None
    return objects.add(
        stix2.v21.Identity(
            id=stix_id("identity", name, number), name=name or f"insured of policy {number}",
            identity_class="organization", created=when, modified=when, allow_custom=True,
            **present(x_cyberins_policy_number=number),
        )
    )  # fmt: skip


def _vulnerability(objects: StixObjects, incident: Incident, incident_id: str, patterns: list[str], when: str) -> None:
    assert incident.root_cause is not None and incident.root_cause.cve is not None
    cve = incident.root_cause.cve
    since = incident.root_cause.known_exploited_since
    vulnerability = objects.add(
        stix2.v21.Vulnerability(
            id=stix_id("vulnerability", cve), name=cve, created=when, modified=when, allow_custom=True,
            external_references=[{"source_name": "cve", "external_id": cve}],
            **present(x_cyberins_known_exploited_since=since.isoformat() if since else None),
        )
    )  # fmt: skip
    objects.relate(incident_id, "related-to", vulnerability, when)
    for pattern in patterns:
        objects.relate(pattern, "targets", vulnerability, when)


def incidents_bundle(incidents: Sequence[Incident]) -> str:
    """The STIX 2.1 bundle of the incidents, serialised (JSON text); same incidents, same text.

    >>> import stix2
    >>> from pathlib import Path
    >>> from cyberins.model.incident import Incident
    >>> from cyberins.model.loading import load_model
    >>> text = incidents_bundle([load_model(Incident, Path("examples/incidents/sme-ransomware-erp.yaml"))])
    >>> [o.type for o in stix2.parse(text, allow_custom=True).objects if o.type == "incident"]
    ['incident']
    """
    objects = StixObjects()
    for incident in incidents:
        add_incident(objects, incident)
    return objects.bundle()

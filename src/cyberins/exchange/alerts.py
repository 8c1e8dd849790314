"""Monitoring alerts as one STIX 2.1 bundle (issue 18; docs/stix.md "Monitoring alerts").

Reads alerts in the monitoring contract's JSON (`monitor scan --json`, `monitor alerts --insured ORG --json`):
per CVE a `vulnerability` (its `cve` external reference, CVSS and CWEs as `x_cyberins_` properties); per alert
a `sighting` of it, where sighted at the insured's `identity` when the alert names one, observed on the asset (a
`software` SCO with the row's CPE, through `observed-data`), and a `note` with the EPSS score and the KEV
listing behind its priority. Ids come from the alert's stable id and the CVE, timestamps from its opening time,
so the same alerts give the same bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

import stix2
from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints

from cyberins.exchange.stix import StixObjects, present, stamp, stix_id


class _Read(BaseModel):
    """The fields this export reads; the contract's others are left as they are."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class AlertAsset(_Read):
    hostname: str
    cpe: Annotated[str, StringConstraints(pattern=r"^cpe:2\.3:[aho\*\-]:")]
    internet_facing: bool = False


class Kev(_Read):
    listed: bool
    date_added: date | None = None
    due_date: date | None = None
    ransomware: str | None = None


class Epss(_Read):
    score: float
    percentile: float
    score_date: date | None = None


class AlertDoc(_Read):
    id: str
    insured: str | None = None
    cve: Annotated[str, StringConstraints(pattern=r"^CVE-\d{4}-\d{4,}$")]
    match: str
    asset: AlertAsset
    cvss: dict[str, Any] | None = None
    kev: Kev
    epss: Epss | None = None
    cwe: list[str] = []
    event_types: list[str] = []
    priority: int
    priority_reason: str = ""
    state: str = "open"
    opened_at: AwareDatetime
    due_by: date | None = None


class Alerts(_Read):
    """A document with `alerts`, as the monitoring commands print it."""

    alerts: list[AlertDoc]


def _vulnerability(objects: StixObjects, alert: AlertDoc, when: str) -> str:
    return objects.add(
        stix2.v21.Vulnerability(
            id=stix_id("vulnerability", alert.cve), name=alert.cve, created=when, modified=when, allow_custom=True,
            external_references=[{"source_name": "cve", "external_id": alert.cve,
                                  "url": f"https://nvd.nist.gov/vuln/detail/{alert.cve}"}],
            **present(x_cyberins_cvss=alert.cvss, x_cyberins_cwe=alert.cwe or None),
        )
    )  # fmt: skip


def note_text(alert: AlertDoc) -> str:
    """The note's content: the KEV listing, the EPSS score and the priority they gave."""
    kev = alert.kev
    listed = (
        f"CISA KEV: listed {kev.date_added}, due {kev.due_date}, known ransomware use: {kev.ransomware}"
        if kev.listed
        else "CISA KEV: not listed"
    )
    epss = alert.epss
    scored = f"EPSS {epss.score:g} (percentile {epss.percentile:g}, {epss.score_date})" if epss else "EPSS: no score"
    why = f": {alert.priority_reason.rstrip('.')}" if alert.priority_reason else ""
    return f"{listed}. {scored}. Priority {alert.priority}{why}."


def add_alert(objects: StixObjects, alert: AlertDoc) -> str:
    """Add one alert (vulnerability, asset, sighting, note); returns the sighting's id."""
    when = stamp(alert.opened_at)
    vulnerability = _vulnerability(objects, alert, when)
    parts = alert.asset.cpe.split(":")
    software = objects.add(
        stix2.v21.Software(name=parts[4] if len(parts) > 4 else alert.asset.cpe, cpe=alert.asset.cpe)
    )
    observed = objects.add(
        stix2.v21.ObservedData(
            id=stix_id("observed-data", alert.id), created=when, modified=when, first_observed=when,
            last_observed=when, number_observed=1, object_refs=[software], allow_custom=True,
            x_cyberins_hostname=alert.asset.hostname, x_cyberins_internet_facing=alert.asset.internet_facing,
        )
    )  # fmt: skip
    where = None
    if alert.insured is not None:
        where = [objects.add(stix2.v21.Identity(
            id=stix_id("identity", alert.insured), name=alert.insured, identity_class="organization",
            created=when, modified=when,
        ))]  # fmt: skip
    sighting = objects.add(
        stix2.v21.Sighting(
            id=stix_id("sighting", alert.id), sighting_of_ref=vulnerability, observed_data_refs=[observed],
            created=when, modified=when, first_seen=when, last_seen=when, count=1, allow_custom=True,
            x_cyberins_alert_id=alert.id, x_cyberins_match=alert.match, x_cyberins_priority=alert.priority,
            x_cyberins_event_types=alert.event_types, x_cyberins_state=alert.state,
            **present(where_sighted_refs=where, x_cyberins_due_by=alert.due_by.isoformat() if alert.due_by else None),
        )
    )  # fmt: skip
    objects.add(
        stix2.v21.Note(
            id=stix_id("note", alert.id), content=note_text(alert), object_refs=[vulnerability, sighting],
            created=when, modified=when, allow_custom=True, x_cyberins_kev=alert.kev.model_dump(mode="json"),
            **present(x_cyberins_epss=alert.epss.model_dump(mode="json") if alert.epss else None),
        )
    )  # fmt: skip
    return sighting


def alerts_bundle(alerts: Sequence[AlertDoc]) -> str:
    """The STIX 2.1 bundle of the alerts, serialised (JSON text)."""
    objects = StixObjects()
    for alert in alerts:
        add_alert(objects, alert)
    return objects.bundle()

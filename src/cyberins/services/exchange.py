"""Export and import of parties, policies, claims and payments as one exchange document (contract (d)).

Export reads the whole store, or one tenant's records as the API's access rules show them to it
(`services.access.VISIBILITY`), with every party those records name. Import is one transaction: each record
absent from the store is inserted (with one audit entry, so it reconciles); one present and identical is
kept, so importing again changes nothing; one present but different, a policy number another policy holds,
or an id referred to that is neither in the file nor in the store is a problem that names the record's
field, and nothing is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cyberins.exchange import records as fmt
from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.vocab import OrgKind
from cyberins.services import audit
from cyberins.services.access import VISIBILITY, Principal
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.errors import NotFound
from cyberins.services.uow import unit_of_work
from cyberins.store.models import Incident, Organization, Payment, PolicyRecord
from cyberins.store.repos.aggregates import PartyScope, Repository

#: Document list -> (stored model, audited entity type, access aggregate).
STORED: dict[str, tuple[type[Any], str, str | None]] = {
    "parties": (Organization, "organization", None),
    "policies": (PolicyRecord, "policy", "policy"),
    "claims": (Incident, "incident", "incident"),
    "payments": (Payment, "payment", "payment"),
}
#: Columns of each record that name a party.
PARTY_COLUMNS = ("insured_org_id", "insurer_org_id", "broker_org_id", "responder_org_id")


@dataclass
class ImportReport:
    inserted: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)


def export_records(session: Session, tenant: str | None = None, clock: Clock = SYSTEM_CLOCK) -> dict[str, Any]:
    """The exchange document of the store, or of what `tenant` may see."""
    with unit_of_work(session):
        scope = _scope_of(session, tenant)
        found: dict[str, list[Any]] = {}
        for kind in ("policies", "claims", "payments"):
            model, _, aggregate = STORED[kind]
            found[kind] = Repository(model).all_visible(session, scope(aggregate))
        named = {tenant} if tenant else set()
        for rows in found.values():
            named |= {getattr(r, c) for r in rows for c in PARTY_COLUMNS if getattr(r, c, None)}
        orgs = select(Organization).order_by(Organization.created_at, Organization.id)
        if tenant:
            orgs = orgs.where(Organization.id.in_(sorted(named)))
        found["parties"] = list(session.scalars(orgs))
    document: dict[str, Any] = {
        "format": fmt.FORMAT,
        "version": fmt.FORMAT_VERSION,
        "exported_at": clock.now().isoformat(),
    }
    for kind in fmt.KINDS:
        document[kind] = [fmt.plain(fmt.record_of(kind, row)) for row in found[kind]]
    return document


def _scope_of(session: Session, tenant: str | None) -> Any:
    if tenant is None:
        return lambda aggregate: PartyScope((), "", unrestricted=True)
    org = session.get(Organization, tenant)
    if org is None:
        raise NotFound("organization", tenant)
    kind = OrgKind(org.kind)
    return lambda aggregate: PartyScope(VISIBILITY[aggregate].get(kind, ()), tenant)


def import_records(session: Session, data: Any, source: str = "", clock: Clock = SYSTEM_CLOCK) -> ImportReport:
    """Insert the document's missing records in one transaction, or nothing when any record conflicts."""
    document = fmt.parse_exchange(data, source)
    report = ImportReport()
    system = Principal.system_actor()
    with unit_of_work(session):
        incoming = {kind: getattr(document, kind) for kind in fmt.KINDS}
        problems = _conflicts(session, incoming, report)
        if problems:
            raise InvalidInput(problems, source)
        for kind, records in incoming.items():
            model, entity_type, _ = STORED[kind]
            for record in _insert_order(kind, records):
                if session.get(model, record.id) is not None:
                    continue
                row = model(**_columns(session, kind, record, incoming))
                session.add(row)
                audit.record(
                    session, system, "exchange.import", entity_type, record.id, before=None, after=row, clock=clock
                )
                report.inserted[kind] += 1
    return report


def _conflicts(session: Session, incoming: dict[str, list[Any]], report: ImportReport) -> list[Problem]:
    problems: list[Problem] = []
    ids = {kind: {r.id for r in records} for kind, records in incoming.items()}
    refers = {"insured_org_id": "parties", "insurer_org_id": "parties", "broker_org_id": "parties",
              "responder_org_id": "parties", "renewal_of_id": "policies", "policy_id": "policies",
              "incident_id": "claims"}  # fmt: skip
    for kind, records in incoming.items():
        model = STORED[kind][0]
        seen: set[str] = set()
        for i, record in enumerate(records):
            where = f"{kind}[{i}]"
            if record.id in seen:
                problems.append(Problem.of(f"{where}.id", Said("input.exchange.id_twice", {"id": record.id})))
            seen.add(record.id)
            stored = session.get(model, record.id)
            if stored is not None:
                if fmt.plain(fmt.record_of(kind, stored)) == fmt.plain(record):
                    report.present[kind] += 1
                else:
                    differ = _differences(fmt.plain(fmt.record_of(kind, stored)), fmt.plain(record))
                    said = Said("input.exchange.exists_other", {"id": record.id, "fields": ", ".join(differ)})
                    problems.append(Problem.of(f"{where}.{differ[0]}", said))
                continue
            for column, target in refers.items():
                value = getattr(record, column, None)
                if value and value not in ids[target] and session.get(STORED[target][0], value) is None:
                    problems.append(Problem.of(f"{where}.{column}", Said("input.exchange.not_found", {"value": value})))
            if kind == "policies":
                taken = session.scalars(
                    select(PolicyRecord.id).where(
                        PolicyRecord.insurer_org_id == record.insurer_org_id,
                        PolicyRecord.policy_number == record.policy_number,
                        PolicyRecord.id != record.id,
                    )
                ).first()
                if taken is not None:
                    said = Said("input.exchange.other_number", {"number": record.policy_number})
                    problems.append(Problem.of(f"{where}.policy_number", said))
    return problems


def _differences(stored: dict[str, Any], given: dict[str, Any]) -> list[str]:
    return [name for name in given if stored.get(name) != given[name]]


def _insert_order(kind: str, records: list[Any]) -> list[Any]:
    """Policies after the policy each renews (a foreign key into the same table); others as given."""
    if kind != "policies":
        return records
    ordered: list[Any] = []
    placed: set[str] = set()
    pending = list(records)
    known = {r.id for r in records}
    while pending:
        ready = [
            r for r in pending if r.renewal_of_id is None or r.renewal_of_id in placed or r.renewal_of_id not in known
        ]
        if not ready:  # a cycle cannot be stored anyway; the database refuses it
            ready = pending
        ordered += ready
        placed |= {r.id for r in ready}
        pending = [r for r in pending if r.id not in placed]
    return ordered


def _columns(session: Session, kind: str, record: Any, incoming: dict[str, list[Any]]) -> dict[str, Any]:
    values: dict[str, Any] = record.model_dump()
    if kind == "payments":
        # not public, so not exchanged: the broker comes from the claim; the retry key is the payment's own id
        claims = {c.id: c for c in incoming["claims"]}
        claim = claims.get(record.incident_id) or session.get(Incident, record.incident_id)
        values["broker_org_id"] = claim.broker_org_id if claim else None
        values["idempotency_key"] = f"exchange:{record.id}"
        values["paid_by"] = Principal.system_actor().actor
    return values

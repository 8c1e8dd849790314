"""Backup and restore of one tenant as JSON lines: a header line, then one `{"table", "row"}` per line.

Restore inserts the rows that are missing and keeps those already present, so restoring twice changes
nothing the second time. The audit chain is not exported (it belongs to the source database), but the
header records the head of the tenant's chain as the export saw it, so an operator can publish it and later
check the chain against it (`cyberins audit verify --heads-file BACKUP`). The export is appended to the
audit log; the import appends one `restore` entry per row it inserts, so restored rows reconcile.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said, english_only
from cyberins.services import audit, audit_check
from cyberins.services.access import Principal
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.errors import NotFound
from cyberins.services.uow import unit_of_work
from cyberins.store import dump
from cyberins.store.migrate import head_revision
from cyberins.store.repos import parties as party_repo

FORMAT = "cyberins-backup"
FORMAT_VERSION = 1


@dataclass
class RestoreReport:
    tenant: str
    inserted: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)


def export_tenant(session: Session, org_id: str, clock: Clock = SYSTEM_CLOCK) -> list[str]:
    """The tenant's backup, line by line (each line one JSON document)."""
    system = Principal.system_actor()
    with unit_of_work(session):
        org = party_repo.organizations.get(session, org_id)
        if org is None:
            raise NotFound("organization", org_id)
        header = {"format": FORMAT, "version": FORMAT_VERSION, "tenant": org_id, "schema": head_revision(),
                  "created_at": clock.now().isoformat(),
                  "audit_heads": audit_check.published_heads(session, [org_id])}  # fmt: skip
        lines = [json.dumps(header, ensure_ascii=False)]
        lines += [json.dumps({"table": t, "row": r}, ensure_ascii=False) for t, r in dump.tenant_rows(session, org_id)]
        audit.record(session, system, "tenant.backup", "organization", org_id, before=None, after=org, clock=clock)
    return lines


def _parse(lines: Iterable[str]) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    header: dict[str, Any] | None = None
    rows: list[tuple[str, dict[str, Any]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput.one(
                f"line {number}", Said("input.not_json", {"detail": english_only(exc.msg)})
            ) from None
        if header is None:
            header = item
            if not isinstance(item, dict) or item.get("format") != FORMAT or item.get("version") != FORMAT_VERSION:
                raise InvalidInput.one(
                    "line 1", Said("input.service.not_backup", {"format": FORMAT, "version": FORMAT_VERSION})
                )
            if item.get("schema") != head_revision():
                raise InvalidInput.one(
                    "schema",
                    Said("input.service.backup_schema", {"schema": item.get("schema"), "head": head_revision()}),
                )
            continue
        if (
            not isinstance(item, dict)
            or item.get("table") not in dump.TENANT_TABLES
            or not isinstance(item.get("row"), dict)
        ):
            raise InvalidInput.one(f"line {number}", Said("input.service.backup_line"))
        rows.append((item["table"], item["row"]))
    if header is None:
        raise InvalidInput.one("line 1", Said("input.service.empty_file"))
    return header, rows


def restore_tenant(session: Session, lines: Iterable[str]) -> RestoreReport:
    """Import a backup in one transaction: missing rows are inserted, present rows kept as they are."""
    header, rows = _parse(lines)
    report = RestoreReport(str(header["tenant"]))
    system = Principal.system_actor()
    with unit_of_work(session):
        for table in dump.TENANT_TABLES:
            batch = [row for name, row in rows if name == table]
            if batch:
                inserted, present = dump.insert_missing(session, table, batch)
                report.inserted[table] += len(inserted)
                report.present[table] += present
                _audit_restored(session, system, table, inserted)
        org = party_repo.organizations.get(session, report.tenant)
        audit.record(session, system, "tenant.restore", "organization", report.tenant, before=None, after=org)
    return report


def _audit_restored(session: Session, system: Principal, table: str, ids: list[str]) -> None:
    """One entry per restored row of an audited table: the row's digest as restored, so it reconciles (the
    source database's entries about it stay there)."""
    entity_type = audit_check.ENTITY_OF_TABLE.get(table)
    if entity_type is None:
        return
    model = audit_check.AUDITED[entity_type].model
    for entity_id in ids:
        row = session.get(model, entity_id)
        audit.record(session, system, "tenant.restore_row", entity_type, entity_id, before=None, after=row)

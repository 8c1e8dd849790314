"""Rows of one tenant as plain JSON values, and their re-import (insert what is missing, keep what exists).

A tenant's rows are those that name its organization in a party column, closed over foreign keys (the
counterparties' organization rows, a renewed policy's predecessor ...) so the rows restore on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from cyberins.store.base import Base
from cyberins.store.models import Organization  # noqa: F401  (registers the tables)

#: Tables in an order where every foreign key points backwards; the column(s) that tie a row to a tenant.
TENANT_TABLES: dict[str, tuple[str, ...]] = {
    "organizations": ("id",),
    "users": ("org_id",),
    "api_keys": ("org_id",),
    "relationships": ("from_org_id", "to_org_id"),
    "submissions": ("insured_org_id", "insurer_org_id", "broker_org_id"),
    "policies": ("insured_org_id", "insurer_org_id", "broker_org_id"),
    "incidents": ("insured_org_id", "insurer_org_id", "broker_org_id", "responder_org_id"),
    "payments": ("insured_org_id", "insurer_org_id", "broker_org_id"),
    "case_reserves": ("insured_org_id", "insurer_org_id", "broker_org_id"),
    "services": ("provider_org_id",),
    "service_subscriptions": ("insured_org_id",),
    "asset_rows": ("insured_org_id",),
    "monitoring_alerts": ("insured_org_id",),
    "alert_notifications": ("insured_org_id",),
    "reinsurance_programmes": ("insurer_org_id",),
    "idempotency_keys": ("scope",),
}


def _table(name: str) -> Table:
    if name not in TENANT_TABLES:
        raise KeyError(name)
    return Base.metadata.tables[name]


def to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def from_json(table: Table, column: str, value: Any) -> Any:
    if value is None:
        return None
    kind = table.c[column].type.python_type if column in table.c else None
    if kind is Decimal:
        return Decimal(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


def tenant_rows(session: Session, org_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) for every row of the tenant, foreign keys closed, in `TENANT_TABLES` order."""
    rows: dict[str, dict[Any, dict[str, Any]]] = {name: {} for name in TENANT_TABLES}
    for name, columns in TENANT_TABLES.items():
        table = _table(name)
        query = select(table).where(or_(*(table.c[c] == org_id for c in columns)))
        for found in session.execute(query).mappings():
            rows[name][found[_pk(table)]] = dict(found)
    _close_over_foreign_keys(session, rows)
    for name in TENANT_TABLES:
        pk = _pk(_table(name))
        for row in sorted(rows[name].values(), key=lambda r: (str(r.get("created_at", "")), str(r[pk]))):
            yield name, {k: to_json(v) for k, v in row.items()}


def _pk(table: Table) -> str:
    return next(iter(table.primary_key.columns)).name


def _close_over_foreign_keys(session: Session, rows: dict[str, dict[Any, dict[str, Any]]]) -> None:
    changed = True
    while changed:
        changed = False
        for name in TENANT_TABLES:
            for fk in _table(name).foreign_keys:
                target = fk.column.table.name
                if fk.parent.name not in _table(name).c or target not in rows:
                    continue
                wanted = {r[fk.parent.name] for r in rows[name].values() if r[fk.parent.name] is not None}
                missing = wanted - set(rows[target])
                if missing:
                    for row in session.execute(select(_table(target)).where(fk.column.in_(list(missing)))).mappings():
                        rows[target][row[fk.column.name]] = dict(row)
                        changed = True


def insert_missing(session: Session, name: str, batch: Iterable[dict[str, Any]]) -> tuple[list[Any], int]:
    """Insert the rows whose primary key is absent; return (their keys, how many were present already)."""
    table = _table(name)
    pk = _pk(table)
    values = [{c: from_json(table, c, v) for c, v in row.items() if c in table.c} for row in batch]
    present = set(session.scalars(select(table.c[pk]).where(table.c[pk].in_([v[pk] for v in values]))))
    fresh = [v for v in values if v[pk] not in present]
    for row in fresh:
        session.execute(table.insert().values(**row))
    return [v[pk] for v in fresh], len(values) - len(fresh)

"""Feed records and loads: the stored (key, hash) of a source read in one query, bulk inserts and updates.

360,000 EPSS rows go through the driver directly: PostgreSQL's COPY for new rows, an `executemany` elsewhere,
with the provenance columns (the same for every row of a file) converted once by the columns' own types, and
the payload as its canonical JSON text (already made for its content hash, so serialised once).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from datetime import date
from itertools import islice
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cyberins.store.models import FeedLoad, FeedRecord

#: Rows per executemany batch: bounds the memory of building 360,000 EPSS rows.
BATCH = 5_000
_TABLE = FeedRecord.__table__
#: The provenance columns, the same for every record of one file.
PROVENANCE = ("file", "sha256", "snapshot_date", "load_id", "loaded_at")


#: What a load compares an incoming record with: its (content hash, version, file).
Stored = tuple[str, str, str]


class Incoming(NamedTuple):
    """A record to write: its key, content hash, version and the payload's canonical JSON text."""

    key: str
    content_hash: str
    version: str
    payload_json: str


def _cursor(session: Session) -> Any:
    """A DB-API cursor on the session's connection, inside its transaction (close it: `contextlib.closing`)."""
    return session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]


def stored(session: Session, source: str) -> dict[str, Stored]:
    """Key → (hash, version, file) of every stored record of `source`, in one query (no payloads), read
    through the driver: 360,000 rows of four strings need no ORM."""
    connection = session.connection()
    mark = "%s" if connection.dialect.name == "postgresql" else "?"
    with closing(_cursor(session)) as cursor:
        cursor.execute(f"SELECT key, content_hash, version, file FROM feed_records WHERE source = {mark}", (source,))
        return {key: (h, v, f) for key, h, v, f in cursor.fetchall()}


def _driver_values(session: Session, values: Mapping[str, Any]) -> tuple[Any, ...]:
    """The provenance values as the driver takes them, converted by each column's type for this dialect."""
    dialect = session.get_bind().dialect
    out = []
    for column in PROVENANCE:
        processor = _TABLE.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        out.append(processor(values[column]) if processor else values[column])
    return tuple(out)


def _batches(rows: Iterable[Any]) -> Iterator[list[Any]]:
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        yield batch


def insert_records(session: Session, source: str, provenance: Mapping[str, Any], rows: Iterable[Incoming]) -> None:
    """Insert new records of `source` with one file's `provenance` (`PROVENANCE` columns)."""
    columns = "source, key, content_hash, version, payload, " + ", ".join(PROVENANCE)
    with closing(_cursor(session)) as cursor:
        if session.get_bind().dialect.name == "postgresql":
            const = tuple(provenance[c] for c in PROVENANCE)  # COPY takes Python values through psycopg's dumpers
            with cursor.copy(f"COPY feed_records ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((source, *row, *const))
            return
        const = _driver_values(session, provenance)
        sql = f"INSERT INTO feed_records ({columns}) VALUES ({', '.join(['?'] * (5 + len(PROVENANCE)))})"
        for batch in _batches(rows):
            cursor.executemany(sql, [(source, *row, *const) for row in batch])


def update_records(session: Session, source: str, provenance: Mapping[str, Any], rows: Iterable[Incoming]) -> None:
    """Replace stored records of `source` by key, with one file's `provenance`."""
    pg = session.get_bind().dialect.name == "postgresql"
    mark = "%s" if pg else "?"
    payload = f"{mark}::jsonb" if pg else mark
    sets = ", ".join(
        [f"content_hash = {mark}", f"version = {mark}", f"payload = {payload}"] + [f"{c} = {mark}" for c in PROVENANCE]
    )
    sql = f"UPDATE feed_records SET {sets} WHERE source = {mark} AND key = {mark}"
    const = tuple(provenance[c] for c in PROVENANCE) if pg else _driver_values(session, provenance)
    with closing(_cursor(session)) as cursor:
        for batch in _batches(rows):
            cursor.executemany(sql, [(r.content_hash, r.version, r.payload_json, *const, source, r.key) for r in batch])


def record(session: Session, source: str, key: str) -> FeedRecord | None:
    return session.get(FeedRecord, (source, key))


def count(session: Session, source: str) -> int:
    return session.scalar(select(func.count()).select_from(FeedRecord).where(FeedRecord.source == source)) or 0


def loads(session: Session, source: str | None = None) -> list[FeedLoad]:
    """Loads, oldest first (optionally of one source)."""
    query = select(FeedLoad).order_by(FeedLoad.loaded_at, FeedLoad.id)
    if source is not None:
        query = query.where(FeedLoad.source == source)
    return list(session.scalars(query))


def held(session: Session, source: str) -> Iterator[tuple[str, dict[str, Any], str, date]]:
    """(key, payload, file, snapshot date) of every stored record of `source`, streamed."""
    query = select(FeedRecord.key, FeedRecord.payload, FeedRecord.file, FeedRecord.snapshot_date).where(
        FeedRecord.source == source
    )
    yield from session.execute(query.execution_options(yield_per=BATCH))


def latest_loads(session: Session) -> list[FeedLoad]:
    """The last load of each (source, file), in load order."""
    last: dict[tuple[str, str], FeedLoad] = {}
    for load in loads(session):
        last.pop((load.source, load.file), None)
        last[(load.source, load.file)] = load
    return list(last.values())

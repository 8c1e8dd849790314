"""Loading threat-intelligence feeds into the store: incremental, idempotent, audited, one transaction per file.

Each file of a feeds DIR (`cyberins.monitor.feeds`, contract §1) is compared record by record with what the
store holds for its source, by content hash: a key not stored is **added**; a stored key whose content differs
is **updated** when the incoming copy is newer (a later version: NVD ``lastModified``, else the file's
snapshot date; or the same version from the same file, a corrected delivery); anything else is **unchanged**
(the same content, or an older copy of a record a newer file already gave). So loading a DIR twice changes
nothing the second time, and two NVD files that both carry a CVE do not overwrite each other back and forth.
A record keeps the provenance (file, sha256, snapshot date, load) of the file that brought its current content.

The stored (key, hash) pairs of a source are read once per file; inserts and updates go in batches. Every
file loaded is a `FeedLoad` row, audited (`feeds.load`) in the caller's chain (`platform` for the operator).
`load_feeds_job` runs a load on the platform's queue; `FeedSource` fetches the four files into a DIR in
production (`HttpFeedSource`), with an in-memory fake in tests.
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.monitor.feeds import SOURCES, Held, Snapshot, SourceFile, SourceRead, feed_files, read_source, snapshot_of
from cyberins.services import audit
from cyberins.services.access import Action, Principal, require
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.queue import JobHandle, JobQueue
from cyberins.services.uow import unit_of_work
from cyberins.store.models import FeedLoad
from cyberins.store.repos import feeds as repo


@dataclass(frozen=True)
class LoadResult:
    """One file loaded: its provenance and how many of its records were added, updated or unchanged."""

    file: SourceFile
    load_id: str
    added: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        """The contract's item of ``feeds load --json``: source, file, sha256, snapshot_date, records, added,
        updated, unchanged."""
        f = self.file
        return {
            "source": f.source,
            "file": f.file,
            "sha256": f.sha256,
            "snapshot_date": f.snapshot_date.isoformat(),
            "records": f.records,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "version": f.version,
            "load_id": self.load_id,
        }


def load_feeds(
    session: Session,
    actor: Principal,
    dir: Path,
    *,
    sources: Collection[str] | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> list[LoadResult]:
    """Load every feed file of `dir` (or those of `sources`), each in its own transaction.

    Every file is read and checked before the first is written, so a bad file (`InvalidInput` naming it)
    loads nothing at all.
    """
    require(actor, Action.RUN_JOBS)
    files = feed_files(dir, sources)
    if not files:
        raise InvalidInput.one("", Said("input.service.no_feed_files"), str(dir))
    reads = [read_source(source, path) for source, path in files]
    return [load_file(session, actor, read, clock=clock) for read in reads]


def load_file(session: Session, actor: Principal, read: SourceRead, *, clock: Clock = SYSTEM_CLOCK) -> LoadResult:
    """Load one file's records in one transaction; audited as a `feed_load`."""
    require(actor, Action.RUN_JOBS)
    f = read.file
    with unit_of_work(session):
        now = clock.now().astimezone(UTC)
        load = FeedLoad(
            source=f.source,
            file=f.file,
            sha256=f.sha256,
            snapshot_date=f.snapshot_date,
            version=f.version,
            records=f.records,
            added=0,
            updated=0,
            unchanged=0,
            loaded_at=now,
        )
        session.add(load)
        session.flush()
        have = repo.stored(session, f.source)
        provenance = {
            "file": f.file,
            "sha256": f.sha256,
            "snapshot_date": f.snapshot_date,
            "load_id": load.id,
            "loaded_at": now,
        }
        new: list[repo.Incoming] = []
        changed: list[repo.Incoming] = []
        for key in read.records:
            text = read.canonical(key)
            incoming = repo.Incoming(key, hashlib.sha256(text.encode()).hexdigest(), read.versions[key], text)
            old = have.get(key)
            if old is None:
                new.append(incoming)
            elif old[0] != incoming.content_hash and _newer(incoming.version, f.file, old):
                changed.append(incoming)
        repo.insert_records(session, f.source, provenance, new)
        repo.update_records(session, f.source, provenance, changed)
        load.added, load.updated = len(new), len(changed)
        load.unchanged = f.records - load.added - load.updated
        audit.record(session, actor, "feeds.load", "feed_load", load.id, before=None, after=load, clock=clock)
    return LoadResult(f, load.id, load.added, load.updated, load.unchanged)


def _newer(version: str, file: str, old: repo.Stored) -> bool:
    """Whether an incoming copy replaces the stored one: a later version, or the same from the same file."""
    _, old_version, old_file = old
    return version > old_version or (version == old_version and file == old_file)


def stored_snapshot(session: Session, *, sources: Collection[str] | None = None) -> Snapshot:
    """The feeds the platform database holds, as the typed `Snapshot` a scan or the book view reads (what
    `read_feeds` gives for a directory): each record as last loaded, `sources` the last load of each file.
    Feeds are public data: reading them needs no right."""
    wanted = [s for s in SOURCES if sources is None or s in sources]
    files = [
        SourceFile(load.source, load.file, Path(load.file), load.sha256, load.snapshot_date, load.records, load.version)
        for load in repo.latest_loads(session)
        if load.source in wanted
    ]
    records: dict[str, dict[str, Held]] = {
        source: {key: (payload, file, day) for key, payload, file, day in repo.held(session, source)}
        for source in wanted
    }
    return snapshot_of(Path(), files, records)


# --- the queue ---


def load_feeds_job(database_url: str, dir: str, sources: list[str] | None = None) -> dict[str, Any]:
    """A background job (rq or in-process): load `dir` into `database_url` as the system actor, with the
    installation's audit key; returns the ``feeds load --json`` document."""
    from cyberins.services.secrets import audit_key
    from cyberins.settings import get_settings
    from cyberins.store.db import make_engine, session_factory

    engine = make_engine(database_url)
    try:
        with session_factory(engine, audit_key(get_settings(), create=False))() as session:
            results = load_feeds(session, Principal.system_actor(), Path(dir), sources=sources)
        return {"sources": [r.as_dict() for r in results]}
    finally:
        engine.dispose()


def start_feeds_load(
    queue: JobQueue, database_url: str, actor: Principal, dir: Path, sources: Collection[str] | None = None
) -> JobHandle:
    """Queue `load_feeds_job` for `dir` (an insurer admin's or the operator's)."""
    require(actor, Action.RUN_JOBS)
    return queue.enqueue(actor.org_id, load_feeds_job, database_url, str(dir), sorted(sources) if sources else None)


@dataclass(frozen=True)
class SourceStatus:
    """What the store holds of one feed source: its record count and the last load of each of its files."""

    source: str
    records: int
    loads: tuple[FeedLoad, ...]


def feeds_status(session: Session) -> list[SourceStatus]:
    """The loaded feeds and their provenance (file, sha256, snapshot date, counts, when), one item per source
    in `SOURCES` order. Public threat intelligence: any signed-in party may read it."""
    latest = repo.latest_loads(session)
    return [
        SourceStatus(source, repo.count(session, source), tuple(load for load in latest if load.source == source))
        for source in SOURCES
    ]


def start_configured_load(queue: JobQueue, database_url: str, actor: Principal, dir: Path | None) -> JobHandle:
    """Queue a load of the installation's feeds folder (`feeds_dir`); a folder is never taken from a request,
    which would let one tenant's admin read any server path into the feeds every tenant matches against."""
    require(actor, Action.RUN_JOBS)
    if dir is None:
        raise InvalidInput.one("CYBERINS_FEEDS_DIR", Said("input.service.no_feeds_folder"))
    return start_feeds_load(queue, database_url, actor, dir)


# --- fetching (production) ---


class FeedSource(Protocol):
    """Where the feed files come from: writes the current files into `into` and returns their paths."""

    def fetch(self, into: Path) -> list[Path]: ...


#: The publishers' URLs (environment variables of the same names override them; ``""`` skips a source).
FEED_URLS: Mapping[str, tuple[str, str]] = {
    "kev": (
        "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
        "known_exploited_vulnerabilities.json",
    ),
    "epss": ("https://epss.cyentia.com/epss_scores-current.csv.gz", "epss_scores-current.csv.gz"),
    "attack": (
        "https://raw.githubusercontent.com/mitre/cti/master/enterprise-attack/enterprise-attack.json",
        "enterprise-attack.json",
    ),
}


class HttpFeedSource:
    """Downloads KEV, EPSS and ATT&CK from their publishers (`FEED_URLS`); NVD records come as JSONL files
    prepared by the operator (NVD's API pages through CVEs and needs an API key), dropped beside them.

    Never used in tests (no network): they use an in-memory `FeedSource`."""

    def __init__(self, urls: Mapping[str, tuple[str, str]] = FEED_URLS, timeout_s: float = 120.0) -> None:
        self.urls = dict(urls)
        self.timeout_s = timeout_s

    def fetch(self, into: Path) -> list[Path]:
        into.mkdir(parents=True, exist_ok=True)
        paths = []
        for source, (default, name) in self.urls.items():
            url = os.environ.get(f"CYBERINS_FEED_URL_{source.upper()}", default)
            if not url:
                continue
            if not url.startswith("https://"):
                raise InvalidInput.one(f"CYBERINS_FEED_URL_{source.upper()}", Said("input.service.https_only"))
            target = into / name
            with urllib.request.urlopen(url, timeout=self.timeout_s) as response:  # noqa: S310 (https checked)
                target.write_bytes(response.read())
            paths.append(target)
        return paths


def fetch_and_load(
    session: Session, actor: Principal, source: FeedSource, into: Path, *, clock: Clock = SYSTEM_CLOCK
) -> list[LoadResult]:
    """Fetch the current files into `into`, then load that DIR (the fetched files and any other feed there)."""
    require(actor, Action.RUN_JOBS)
    source.fetch(into)
    return load_feeds(session, actor, into, clock=clock)

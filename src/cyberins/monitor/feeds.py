"""Read a feeds directory: CISA KEV, FIRST EPSS, NVD CVE records and MITRE ATT&CK, offline, by file name.

Public contract: ``../shared/contracts/monitoring.md`` §1. A directory is read by file name; other files
(README, scripts, inventories) are ignored:

=============================================  ========  ==================  =================================
file name                                      source    one record per      ``snapshot_date``
=============================================  ========  ==================  =================================
``known_exploited_vulnerabilities*.json``      ``kev``   ``vulnerabilities`` date of ``dateReleased``
``epss_scores*.csv`` / ``.csv.gz``             ``epss``  CVE row             ``score_date`` of the ``#`` line
``*.jsonl`` / ``*.jsonl.gz`` (several)         ``nvd``   line                latest ``lastModified``
``enterprise-attack*.json`` / ``.json.gz``     ``attack`` bundle object      latest ``modified``
=============================================  ========  ==================  =================================

Two levels: `read_source` gives one file's raw records (key → the record as published, what the store keeps
with its provenance); `read_feeds` gives a whole directory as typed, indexed values (what the matcher uses).
Pure: files in, values out; bad files raise `InvalidInput` naming the file (and the line for JSONL and CSV).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cyberins.model.errors import InvalidInput, Said, english_only, os_reason
from cyberins.monitor.attack import CVE_ID as _CVE
from cyberins.monitor.attack import AttackIndex as AttackIndex  # re-exported: a Snapshot holds one
from cyberins.monitor.attack import Technique as Technique
from cyberins.monitor.attack import attack_index

#: The four sources, in the order a directory is read and reported.
SOURCES: tuple[str, ...] = ("kev", "epss", "nvd", "attack")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kev", re.compile(r"known_exploited_vulnerabilities.*\.json")),
    ("epss", re.compile(r"epss_scores.*\.csv(\.gz)?")),
    ("attack", re.compile(r"enterprise-attack.*\.json(\.gz)?")),
    ("nvd", re.compile(r".*\.jsonl(\.gz)?")),
)
#: The NVD files' names as a refusal tells them (the last pattern above).
NVD_PATTERNS = "*.jsonl, *.jsonl.gz"
#: One encoder for every record (json.dumps with options builds a new one per call).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class SourceFile:
    """One feed file as read: its source, name, checksum, snapshot date and record count (its provenance)."""

    source: str
    file: str
    path: Path
    sha256: str
    snapshot_date: date
    records: int
    #: the publisher's version where the file states one (KEV ``catalogVersion``, EPSS ``model_version``)
    version: str | None = None


@dataclass(frozen=True)
class SourceRead:
    """One file's raw records: key (CVE id, or STIX id for ATT&CK) → the record as published.

    `versions` orders two copies of one record from different files (newer wins): NVD's ``lastModified``
    (normalised ISO time), else the file's snapshot date."""

    file: SourceFile
    records: Mapping[str, Mapping[str, Any]]
    versions: Mapping[str, str]

    def canonical(self, key: str) -> str:
        """The record's canonical JSON text (what its content hash covers)."""
        record = self.records[key]
        if self.file.source == "epss":  # 360,000 flat rows of validated numbers: nothing to escape or sort
            return f'{{"epss":"{record["epss"]}","percentile":"{record["percentile"]}"}}'
        return canonical_json(record)


@dataclass(frozen=True)
class NvdRecord:
    """An NVD CVE record (README §3 layout): applicability configurations, CVSS, CWEs and where it came from."""

    id: str
    configurations: tuple[Mapping[str, Any], ...]
    cvss_v3: Mapping[str, Any] | None
    cvss_v2: Mapping[str, Any] | None
    cwes: tuple[str, ...]
    last_modified: str
    description: str
    source: Mapping[str, Any]
    file: str
    published: str = ""
    configurations_partial: bool = False


@dataclass(frozen=True)
class KevEntry:
    """A CISA KEV catalog entry."""

    cve: str
    date_added: date
    due_date: date
    ransomware: str
    vendor: str
    product: str
    name: str
    cwes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EpssScore:
    """A FIRST EPSS score: probability of exploitation activity in the next 30 days, and its percentile."""

    score: float
    percentile: float
    score_date: date


@dataclass(frozen=True)
class Snapshot:
    """Everything a feeds directory holds, typed and keyed by CVE id (several NVD files: the newest record)."""

    dir: Path
    sources: tuple[SourceFile, ...]
    nvd: Mapping[str, NvdRecord]
    kev: Mapping[str, KevEntry]
    kev_catalog_version: str | None
    epss: Mapping[str, EpssScore]
    epss_score_date: date | None
    attack: AttackIndex | None


def source_of(name: str) -> str | None:
    """The source a file name belongs to (§1 table), or None for a file to ignore."""
    for source, pattern in _PATTERNS:
        if pattern.fullmatch(name):
            return source
    return None


def feed_files(dir: Path, sources: Collection[str] | None = None) -> list[tuple[str, Path]]:
    """The feed files of a directory as (source, path), in `SOURCES` order then by name."""
    if not dir.is_dir():
        raise InvalidInput.one("", Said("input.not_a_directory"), str(dir))
    wanted = _check_sources(sources)
    found = [(source_of(p.name), p) for p in dir.iterdir() if p.is_file()]
    return sorted(((s, p) for s, p in found if s in wanted), key=lambda sp: (SOURCES.index(sp[0]), sp[1].name))


def read_source(source: str, path: Path) -> SourceRead:
    """Read one feed file's raw records and provenance."""
    readers = {"kev": _read_kev, "epss": _read_epss, "nvd": _read_nvd, "attack": _read_attack}
    if source not in readers:
        raise InvalidInput.one(
            "source", Said("input.monitor.unknown_source", {"value": repr(source), "known": ", ".join(SOURCES)})
        )
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InvalidInput.one("", Said("input.cannot_read", {"reason": os_reason(e)}), str(path)) from None
    sha = hashlib.sha256(data).hexdigest()
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise InvalidInput.one(
                "", Said("input.monitor.not_gzip", {"detail": english_only(str(e))}), str(path)
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidInput.one("", Said("input.not_utf8", {"byte": e.start}), str(path)) from None
    records, versions, snapshot, version = readers[source](text, str(path))
    file = SourceFile(source, path.name, path, sha, snapshot, len(records), version)
    return SourceRead(file, records, versions)


def read_feeds(dir: Path, *, sources: Collection[str] | None = None) -> Snapshot:
    """Read every feed file of `dir` (or only those of `sources`) into one typed `Snapshot`.

    Of several copies of one record (two NVD files, yesterday's and today's EPSS), the newest wins: NVD's
    ``lastModified``, else the file's snapshot date; on a tie, the first file by name (as the store keeps them).

    >>> snap = read_feeds(Path("../shared/data/feeds"), sources=["kev"])  # doctest: +SKIP
    >>> snap.kev["CVE-2021-44228"].ransomware  # doctest: +SKIP
    'Known'
    """
    files: list[SourceFile] = []
    chosen: dict[str, dict[str, Held]] = {}
    versions: dict[str, dict[str, str]] = {}
    for source, path in feed_files(dir, sources):
        read = read_source(source, path)
        files.append(read.file)
        held, seen = chosen.setdefault(source, {}), versions.setdefault(source, {})
        for key, payload in read.records.items():
            version = read.versions[key]
            if key not in held or version > seen[key]:
                held[key] = (payload, path.name, read.file.snapshot_date)
                seen[key] = version
    return snapshot_of(dir, files, chosen)


#: One record as a snapshot holds it: the record as published, the file it came from, that file's snapshot date.
Held = tuple[Mapping[str, Any], str, date]


def snapshot_of(dir: Path, sources: Collection[SourceFile], records: Mapping[str, Mapping[str, Held]]) -> Snapshot:
    """A typed `Snapshot` of chosen records, source → key → `Held`: what `read_feeds` reads from a directory, or
    what the platform database holds (`services.feeds.stored_snapshot`)."""
    kev = {k: _kev_entry(p) for k, (p, _, _) in records.get("kev", {}).items()}
    scores = records.get("epss", {}).items()
    epss = {k: EpssScore(float(p["epss"]), float(p["percentile"]), day) for k, (p, _, day) in scores}
    nvd = {k: _nvd_record(p, file) for k, (p, file, _) in records.get("nvd", {}).items()}
    objects = [p for p, _, _ in records.get("attack", {}).values()]
    return Snapshot(
        dir=dir,
        sources=tuple(sources),
        nvd=nvd,
        kev=kev,
        kev_catalog_version=max((s.version for s in sources if s.source == "kev" and s.version), default=None),
        epss=epss,
        epss_score_date=max((s.snapshot_date for s in sources if s.source == "epss"), default=None),
        attack=attack_index(objects) if objects else None,
    )


def canonical_json(payload: Mapping[str, Any]) -> str:
    """A record's canonical JSON text: sorted keys, no spaces, UTF-8 (one text per content, whatever the order)."""
    return _CANONICAL.encode(payload)


def record_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 of a record's canonical JSON: equal content, equal hash, across files."""
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


# --- readers: text → (records, versions, snapshot date, publisher's version) ---

_Read = tuple[dict[str, Mapping[str, Any]], dict[str, str], date, str | None]


def _read_kev(text: str, where: str) -> _Read:
    doc = _json(text, where)
    if not isinstance(doc, dict) or not isinstance(doc.get("vulnerabilities"), list):
        raise InvalidInput.one("vulnerabilities", Said("input.monitor.kev_no_list"), where)
    released = _date(doc.get("dateReleased"), "dateReleased", where)
    records: dict[str, Mapping[str, Any]] = {}
    for i, v in enumerate(doc["vulnerabilities"]):
        field = f"vulnerabilities[{i}]"
        if not isinstance(v, dict):
            raise InvalidInput.one(field, Said("input.monitor.not_object"), where)
        cve = _cve(v.get("cveID"), f"{field}.cveID", where)
        for name in ("dateAdded", "dueDate"):
            _date(v.get(name), f"{field}.{name}", where)
        if v.get("knownRansomwareCampaignUse") not in ("Known", "Unknown"):
            raise InvalidInput.one(
                f"{field}.knownRansomwareCampaignUse",
                Said("input.monitor.known_unknown", {"known": "Known", "unknown": "Unknown"}),
                where,
            )
        _unique(records, cve, field, where)
        records[cve] = v
    version = doc.get("catalogVersion")
    return records, dict.fromkeys(records, released.isoformat()), released, str(version) if version else None


#: A whole EPSS body whose every row is well formed, with both numbers plain decimals in [0, 1] (the fast path).
_EPSS_NUMBER = r"(?:0(?:\.\d*)?|1(?:\.0*)?|\.\d+)"
_EPSS_BODY = re.compile(rf"(?:CVE-\d{{4}}-\d{{4,}},{_EPSS_NUMBER},{_EPSS_NUMBER}\n)*")


def _read_epss(text: str, where: str) -> _Read:
    head, _, rest = text.partition("\n")
    header, _, body = rest.partition("\n")
    meta: dict[str, str] = {}
    if head.startswith("#"):
        meta = dict(p.split(":", 1) for p in head.rstrip("\r")[1:].split(",") if ":" in p)
    if "score_date" not in meta:
        raise InvalidInput.one("line 1", Said("input.monitor.epss_header_line"), where)
    day = _date(meta["score_date"], "line 1, score_date", where)
    if [c.strip() for c in header.split(",")] != ["cve", "epss", "percentile"]:
        raise InvalidInput.one("line 2", Said("input.monitor.epss_header", {"header": "'cve,epss,percentile'"}), where)
    if body and not body.endswith("\n"):
        body += "\n"
    records: dict[str, Mapping[str, Any]] = {}
    if _EPSS_BODY.fullmatch(body):  # one pass of the regex engine checks 360,000 rows
        records = {c: {"epss": e, "percentile": p} for c, e, p in (r.split(",") for r in body[:-1].split("\n") if r)}
        if len(records) == body.count("\n"):
            return records, dict.fromkeys(records, day.isoformat()), day, meta.get("model_version")
        records = {}
    for n, line in enumerate(body.splitlines(), start=3):  # row by row, to name the first bad one
        if not line:
            continue
        parts = line.split(",")
        if len(parts) != 3 or not _CVE.fullmatch(parts[0]):
            raise InvalidInput.one(
                f"line {n}", Said("input.monitor.epss_row", {"row": "'CVE-YYYY-NNNN,epss,percentile'"}), where
            )
        cve, score, pct = parts
        for column, value in (("epss", score), ("percentile", pct)):
            try:
                number = float(value)
            except ValueError:
                number = -1.0
            if not 0.0 <= number <= 1.0:
                raise InvalidInput.one(
                    f"line {n}, {column}", Said("input.monitor.not_unit_number", {"value": repr(value)}), where
                )
        if cve in records:
            raise InvalidInput.one(f"line {n}", _twice(cve), where)
        records[cve] = {"epss": score, "percentile": pct}
    return records, dict.fromkeys(records, day.isoformat()), day, meta.get("model_version")


_NVD_KEYS = ("id", "lastModified", "configurations", "cvssV3", "cvssV2", "cwes")


def _read_nvd(text: str, where: str) -> _Read:
    records: dict[str, Mapping[str, Any]] = {}
    versions: dict[str, str] = {}
    for n, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            raise InvalidInput.one(f"line {n}", _not_json(e), where) from None
        if not isinstance(r, dict):
            raise InvalidInput.one(f"line {n}", Said("input.not_json_object"), where)
        missing = [k for k in _NVD_KEYS if k not in r]
        if missing:
            raise InvalidInput.one(f"line {n}", Said("input.monitor.nvd_missing", {"keys": ", ".join(missing)}), where)
        cve = _cve(r["id"], f"line {n}, id", where)
        if not isinstance(r["configurations"], list) or not isinstance(r["cwes"], list):
            raise InvalidInput.one(
                f"line {n}, configurations",
                Said("input.monitor.lists", {"first": "configurations", "second": "cwes"}),
                where,
            )
        for key in ("cvssV3", "cvssV2"):
            if r[key] is not None and not isinstance(r[key], dict):
                raise InvalidInput.one(f"line {n}, {key}", Said("input.monitor.object_or_null"), where)
        versions[cve] = _nvd_time(r["lastModified"], f"line {n}, lastModified", where)
        if cve in records:
            raise InvalidInput.one(f"line {n}", _twice(cve), where)
        records[cve] = r
    if not records:
        raise InvalidInput.one("", Said("input.monitor.no_nvd_records"), where)
    return records, versions, date.fromisoformat(max(versions.values())[:10]), None


def _read_attack(text: str, where: str) -> _Read:
    doc = _json(text, where)
    if not isinstance(doc, dict) or doc.get("type") != "bundle" or not isinstance(doc.get("objects"), list):
        raise InvalidInput.one("objects", Said("input.monitor.not_stix"), where)
    records: dict[str, Mapping[str, Any]] = {}
    versions: dict[str, str] = {}
    for i, o in enumerate(doc["objects"]):
        if not isinstance(o, dict) or not isinstance(o.get("id"), str) or not isinstance(o.get("type"), str):
            raise InvalidInput.one(
                f"objects[{i}]", Said("input.monitor.stix_object", {"type": "type", "id": "id"}), where
            )
        modified = str(o.get("modified") or o.get("created") or "")
        if modified:
            versions[o["id"]] = _date(modified, f"objects[{i}].modified", where).isoformat()
        _unique(records, o["id"], f"objects[{i}]", where)
        records[o["id"]] = o
    if not versions:
        raise InvalidInput.one("objects", Said("input.monitor.no_modified"), where)
    day = max(versions.values())
    for key in records:  # one snapshot: a record's version is the bundle's date, whatever its own
        versions[key] = day
    return records, versions, date.fromisoformat(day), None


# --- typed values ---


def _kev_entry(v: Mapping[str, Any]) -> KevEntry:
    return KevEntry(
        cve=v["cveID"],
        date_added=date.fromisoformat(v["dateAdded"][:10]),
        due_date=date.fromisoformat(v["dueDate"][:10]),
        ransomware=v["knownRansomwareCampaignUse"],
        vendor=str(v.get("vendorProject", "")),
        product=str(v.get("product", "")),
        name=str(v.get("vulnerabilityName", "")),
        cwes=tuple(v.get("cwes") or ()),
    )


def _nvd_record(r: Mapping[str, Any], file: str) -> NvdRecord:
    return NvdRecord(
        id=r["id"],
        configurations=tuple(r["configurations"]),
        cvss_v3=r["cvssV3"],
        cvss_v2=r["cvssV2"],
        cwes=tuple(r["cwes"]),
        last_modified=r["lastModified"],
        description=str(r.get("description", "")),
        source=r.get("source") or {},
        file=file,
        published=str(r.get("published", "")),
        configurations_partial=bool(r.get("configurations_partial", False)),
    )


# --- helpers ---


def _check_sources(sources: Collection[str] | None) -> frozenset[str]:
    if sources is None:
        return frozenset(SOURCES)
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise InvalidInput.one(
            "sources", Said("input.monitor.unknown_sources", {"ids": ", ".join(unknown), "known": ", ".join(SOURCES)})
        )
    return frozenset(sources)


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidInput.one(f"line {e.lineno}", _not_json(e), where) from None


def _not_json(e: json.JSONDecodeError) -> Said:
    return Said("input.malformed_json_line", {"column": e.colno, "detail": english_only(e.msg)})


def _date(value: Any, field: str, where: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidInput.one(field, Said("input.not_a_date", {"value": repr(value)}), where) from None


def _nvd_time(value: Any, field: str, where: str) -> str:
    """NVD's two time formats (``2025-02-07T15:15Z``, ``2025-02-07T15:15:00.000``) as one sortable ISO string."""
    try:
        return datetime.fromisoformat(str(value).removesuffix("Z")).isoformat(timespec="milliseconds")
    except ValueError:
        raise InvalidInput.one(field, Said("input.monitor.not_iso_time", {"value": repr(value)}), where) from None


def _cve(value: Any, field: str, where: str) -> str:
    if not isinstance(value, str) or not _CVE.fullmatch(value):
        raise InvalidInput.one(field, Said("input.monitor.not_cve", {"value": repr(value)}), where)
    return value


def _twice(key: str) -> Said:
    return Said("input.monitor.twice", {"key": key})


def _unique(records: Mapping[str, Any], key: str, field: str, where: str) -> None:
    if key in records:
        raise InvalidInput.one(field, _twice(key), where)

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

from cyberins.model.errors import InvalidInput

#: The four sources, in the order a directory is read and reported.
SOURCES: tuple[str, ...] = ("kev", "epss", "nvd", "attack")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kev", re.compile(r"known_exploited_vulnerabilities.*\.json")),
    ("epss", re.compile(r"epss_scores.*\.csv(\.gz)?")),
    ("attack", re.compile(r"enterprise-attack.*\.json(\.gz)?")),
    ("nvd", re.compile(r".*\.jsonl(\.gz)?")),
)
_CVE = re.compile(r"CVE-\d{4}-\d{4,}")
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
    #: each record's `canonical_json`, where the reader made it on the way (EPSS: 360,000 flat rows)
    texts: Mapping[str, str] | None = None

    def canonical(self, key: str) -> str:
        """The record's canonical JSON text (what its content hash covers)."""
        return self.texts[key] if self.texts is not None else canonical_json(self.records[key])


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
        raise InvalidInput.one("", "not a directory", str(dir))
    wanted = _check_sources(sources)
    found = [(source_of(p.name), p) for p in dir.iterdir() if p.is_file()]
    return sorted(((s, p) for s, p in found if s in wanted), key=lambda sp: (SOURCES.index(sp[0]), sp[1].name))


def read_source(source: str, path: Path) -> SourceRead:
    """Read one feed file's raw records and provenance."""
    readers = {"kev": _read_kev, "epss": _read_epss, "nvd": _read_nvd, "attack": _read_attack}
    if source not in readers:
        raise InvalidInput.one("source", f"unknown source {source!r} (known: {', '.join(SOURCES)})")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InvalidInput.one("", f"cannot read: {e.strerror}", str(path)) from None
    sha = hashlib.sha256(data).hexdigest()
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise InvalidInput.one("", f"not a gzip file: {e}", str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidInput.one("", f"not UTF-8 text (byte {e.start})", str(path)) from None
    records, versions, snapshot, version = readers[source](text, str(path))
    file = SourceFile(source, path.name, path, sha, snapshot, len(records), version)
    texts = None
    if source == "epss":  # its values are validated numbers: no character of theirs needs a JSON escape
        texts = {k: f'{{"epss":"{r["epss"]}","percentile":"{r["percentile"]}"}}' for k, r in records.items()}
    return SourceRead(file, records, versions, texts)


def read_feeds(dir: Path, *, sources: Collection[str] | None = None) -> Snapshot:
    """Read every feed file of `dir` (or only those of `sources`) into one typed `Snapshot`.

    >>> snap = read_feeds(Path("../shared/data/feeds"), sources=["kev"])  # doctest: +SKIP
    >>> snap.kev["CVE-2021-44228"].ransomware  # doctest: +SKIP
    'Known'
    """
    nvd: dict[str, NvdRecord] = {}
    nvd_version: dict[str, str] = {}
    kev: dict[str, KevEntry] = {}
    epss: dict[str, EpssScore] = {}
    files: list[SourceFile] = []
    kev_version: str | None = None
    epss_date: date | None = None
    attack: AttackIndex | None = None
    for source, path in feed_files(dir, sources):
        read = read_source(source, path)
        files.append(read.file)
        if source == "kev":
            if kev_version is None or (read.file.version or "") > kev_version:
                kev_version = read.file.version
            kev.update((k, _kev_entry(r)) for k, r in read.records.items())
        elif source == "epss":
            day = read.file.snapshot_date
            epss_date = day if epss_date is None else max(epss_date, day)
            epss.update((k, EpssScore(float(r["epss"]), float(r["percentile"]), day)) for k, r in read.records.items())
        elif source == "nvd":
            for key, raw in read.records.items():
                if key not in nvd or read.versions[key] > nvd_version[key]:  # the newest copy wins; ties: first
                    nvd[key] = _nvd_record(raw, path.name)
                    nvd_version[key] = read.versions[key]
        else:
            attack = attack_index(read.records.values())
    return Snapshot(dir, tuple(files), nvd, kev, kev_version, epss, epss_date, attack)


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
        cves = {str(r["external_id"]) for r in refs if _CVE.fullmatch(str(r.get("external_id", "")))}
        cves.update(_CVE.findall(str(o.get("description", ""))))
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
        raise InvalidInput.one("vulnerabilities", "missing: not a KEV catalog (a list of vulnerabilities)", where)
    released = _date(doc.get("dateReleased"), "dateReleased", where)
    records: dict[str, Mapping[str, Any]] = {}
    for i, v in enumerate(doc["vulnerabilities"]):
        field = f"vulnerabilities[{i}]"
        if not isinstance(v, dict):
            raise InvalidInput.one(field, "not an object", where)
        cve = _cve(v.get("cveID"), f"{field}.cveID", where)
        for name in ("dateAdded", "dueDate"):
            _date(v.get(name), f"{field}.{name}", where)
        if v.get("knownRansomwareCampaignUse") not in ("Known", "Unknown"):
            raise InvalidInput.one(f"{field}.knownRansomwareCampaignUse", "must be Known or Unknown", where)
        _unique(records, cve, field, where)
        records[cve] = v
    version = doc.get("catalogVersion")
    return records, dict.fromkeys(records, released.isoformat()), released, str(version) if version else None


def _read_epss(text: str, where: str) -> _Read:
    lines = text.splitlines()
    meta: dict[str, str] = {}
    if lines and lines[0].startswith("#"):
        meta = dict(p.split(":", 1) for p in lines[0][1:].split(",") if ":" in p)
    if "score_date" not in meta:
        raise InvalidInput.one("line 1", "missing the '#…,score_date:YYYY-MM-DD' header line", where)
    day = _date(meta["score_date"], "line 1, score_date", where)
    if len(lines) < 2 or [c.strip() for c in lines[1].split(",")] != ["cve", "epss", "percentile"]:
        raise InvalidInput.one("line 2", "the header must be 'cve,epss,percentile'", where)
    records: dict[str, Mapping[str, Any]] = {}
    for n, line in enumerate(lines[2:], start=3):
        if not line:
            continue
        parts = line.split(",")
        if len(parts) != 3 or not _CVE.fullmatch(parts[0]):
            raise InvalidInput.one(f"line {n}", "expected 'CVE-YYYY-NNNN,epss,percentile'", where)
        cve, score, pct = parts
        for column, value in (("epss", score), ("percentile", pct)):
            try:
                number = float(value)
            except ValueError:
                number = -1.0
            if not 0.0 <= number <= 1.0:
                raise InvalidInput.one(f"line {n}, {column}", f"{value!r} is not a number in [0, 1]", where)
        if cve in records:
            raise InvalidInput.one(f"line {n}", f"{cve} appears twice", where)
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
            raise InvalidInput.one(f"line {n}", f"not JSON: {e.msg} (column {e.colno})", where) from None
        if not isinstance(r, dict):
            raise InvalidInput.one(f"line {n}", "not a JSON object", where)
        missing = [k for k in _NVD_KEYS if k not in r]
        if missing:
            raise InvalidInput.one(f"line {n}", f"missing {', '.join(missing)} (README §3 layout)", where)
        cve = _cve(r["id"], f"line {n}, id", where)
        if not isinstance(r["configurations"], list) or not isinstance(r["cwes"], list):
            raise InvalidInput.one(f"line {n}, configurations", "configurations and cwes must be lists", where)
        for key in ("cvssV3", "cvssV2"):
            if r[key] is not None and not isinstance(r[key], dict):
                raise InvalidInput.one(f"line {n}, {key}", "must be an object or null", where)
        versions[cve] = _nvd_time(r["lastModified"], f"line {n}, lastModified", where)
        if cve in records:
            raise InvalidInput.one(f"line {n}", f"{cve} appears twice", where)
        records[cve] = r
    if not records:
        raise InvalidInput.one("", "no NVD records", where)
    return records, versions, date.fromisoformat(max(versions.values())[:10]), None


def _read_attack(text: str, where: str) -> _Read:
    doc = _json(text, where)
    if not isinstance(doc, dict) or doc.get("type") != "bundle" or not isinstance(doc.get("objects"), list):
        raise InvalidInput.one("objects", "not a STIX bundle with a list of objects", where)
    records: dict[str, Mapping[str, Any]] = {}
    versions: dict[str, str] = {}
    for i, o in enumerate(doc["objects"]):
        if not isinstance(o, dict) or not isinstance(o.get("id"), str) or not isinstance(o.get("type"), str):
            raise InvalidInput.one(f"objects[{i}]", "a STIX object needs a type and an id", where)
        modified = str(o.get("modified") or o.get("created") or "")
        if modified:
            versions[o["id"]] = _date(modified, f"objects[{i}].modified", where).isoformat()
        _unique(records, o["id"], f"objects[{i}]", where)
        records[o["id"]] = o
    if not versions:
        raise InvalidInput.one("objects", "no object with a modified date", where)
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
        raise InvalidInput.one("sources", f"unknown {', '.join(unknown)} (known: {', '.join(SOURCES)})")
    return frozenset(sources)


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidInput.one(f"line {e.lineno}", f"not JSON: {e.msg} (column {e.colno})", where) from None


def _date(value: Any, field: str, where: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidInput.one(field, f"{value!r} is not a date (YYYY-MM-DD)", where) from None


def _nvd_time(value: Any, field: str, where: str) -> str:
    """NVD's two time formats (``2025-02-07T15:15Z``, ``2025-02-07T15:15:00.000``) as one sortable ISO string."""
    try:
        return datetime.fromisoformat(str(value).removesuffix("Z")).isoformat(timespec="milliseconds")
    except ValueError:
        raise InvalidInput.one(field, f"{value!r} is not an ISO time", where) from None


def _cve(value: Any, field: str, where: str) -> str:
    if not isinstance(value, str) or not _CVE.fullmatch(value):
        raise InvalidInput.one(field, f"{value!r} is not a CVE id (CVE-YYYY-NNNN)", where)
    return value


def _unique(records: Mapping[str, Any], key: str, field: str, where: str) -> None:
    if key in records:
        raise InvalidInput.one(field, f"{key} appears twice", where)


def _ref_ids(refs: list[Mapping[str, Any]], source_name: str) -> tuple[str, ...]:
    return tuple(sorted({str(r["external_id"]) for r in refs if r.get("source_name") == source_name}))


def _invert(techniques: Mapping[str, Technique], attribute: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = {}
    for t in techniques.values():
        for key in getattr(t, attribute):
            out.setdefault(key, set()).add(t.id)
    return {k: tuple(sorted(v)) for k, v in out.items()}

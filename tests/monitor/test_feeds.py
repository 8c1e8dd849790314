"""The feed reader (contract §1): file-name rules, counts and snapshot dates of the shared snapshots, typed
values, several NVD files, and bad files refused with the file (and line) named."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.monitor.feeds import (
    Snapshot,
    canonical_json,
    feed_files,
    read_feeds,
    read_source,
    record_hash,
    source_of,
)
from tests.monitor.feedkit import KEV, NVD, nvd_lines, small_feeds, write_epss, write_jsonl


@pytest.fixture(scope="module")
def snapshot(feeds_dir: Path) -> Snapshot:
    return read_feeds(feeds_dir)


def test_the_shared_snapshots_have_the_readme_counts_and_dates(snapshot: Snapshot) -> None:
    got = {s.source: (s.file, s.records, s.snapshot_date) for s in snapshot.sources}
    assert got == {
        "kev": (KEV, 1404, date(2025, 8, 25)),
        "epss": ("epss_scores-2026-08-16.csv.gz", 360_142, date(2026, 8, 16)),
        "nvd": (NVD, 721, date(2025, 10, 24)),  # README §3: lastModified 2018-03-23 … 2025-10-24
        "attack": ("enterprise-attack-v18.1.json.gz", 24_771, date(2025, 11, 12)),
    }
    assert [s.source for s in snapshot.sources] == ["kev", "epss", "nvd", "attack"]
    assert (len(snapshot.kev), len(snapshot.epss), len(snapshot.nvd)) == (1404, 360_142, 721)
    assert snapshot.kev_catalog_version == "2025.08.25"
    assert snapshot.epss_score_date == date(2026, 8, 16)
    assert all(len(s.sha256) == 64 for s in snapshot.sources)


def test_kev_entries_are_typed(snapshot: Snapshot) -> None:
    log4shell = snapshot.kev["CVE-2021-44228"]
    assert log4shell.ransomware == "Known"
    assert (log4shell.vendor, log4shell.product) == ("Apache", "Log4j2")
    assert log4shell.date_added == date(2021, 12, 10)
    assert sum(e.ransomware == "Known" for e in snapshot.kev.values()) == 293  # README §1


def test_epss_scores_are_numbers_of_the_score_date(snapshot: Snapshot) -> None:
    first = snapshot.epss["CVE-1999-0001"]  # the file's first row: 0.033510000, 0.876500000
    assert (first.score, first.percentile, first.score_date) == (0.03351, 0.8765, date(2026, 8, 16))
    assert set(snapshot.kev) <= set(snapshot.epss)  # README §2: every KEV CVE is scored


def test_nvd_records_keep_cvss_configurations_and_source(snapshot: Snapshot) -> None:
    r = snapshot.nvd["CVE-2021-44228"]
    assert r.cvss_v3 is not None and r.cvss_v3["baseScore"] == 10.0
    assert r.configurations and r.configurations_partial
    assert r.file == NVD and r.source["format"] in ("nvd-json-1.1", "nvd-json-2.0")
    assert "CWE-502" in r.cwes
    assert sum(rec.cvss_v3 is None for rec in snapshot.nvd.values()) == 721 - 637  # README §6
    assert sum(not rec.configurations for rec in snapshot.nvd.values()) == 28


def test_attack_techniques_are_indexed_with_their_links(snapshot: Snapshot) -> None:
    attack = snapshot.attack
    assert attack is not None and attack.objects == 24_771
    active = [t for t in attack.techniques.values() if t.active]
    assert (sum(not t.subtechnique for t in active), sum(t.subtechnique for t in active)) == (216, 475)
    t1190 = attack.techniques["T1190"]
    assert (t1190.name, t1190.tactics) == ("Exploit Public-Facing Application", ("initial-access",))
    assert attack.by_capec["CAPEC-13"] == ("T1148",) and "CAPEC-13" in attack.techniques["T1148"].capec
    # Shellshock is named in T1190's and T1210's descriptions; a revoked technique is never proposed.
    assert attack.techniques_for("CVE-2014-7169") == ("T1190", "T1210")
    assert "T1223" in attack.by_cve["CVE-2017-8625"] and attack.techniques["T1223"].revoked
    assert "T1223" not in attack.techniques_for("CVE-2017-8625")
    assert attack.techniques_for("CVE-1999-0001") == ()


def test_a_dir_is_read_by_file_name_and_other_files_are_ignored(feeds_dir: Path, tmp_path: Path) -> None:
    d = small_feeds(feeds_dir, tmp_path / "feeds")
    write_jsonl(d / "extra.jsonl", nvd_lines(feeds_dir)[:2])
    (d / "notes.json").write_text("{}")
    assert [(s, p.name) for s, p in feed_files(d)] == [
        ("kev", KEV),
        ("epss", "epss_scores-2026-08-16.csv"),
        ("nvd", "extra.jsonl"),
        ("nvd", NVD),
    ]
    assert [p.name for _, p in feed_files(d, ["epss"])] == ["epss_scores-2026-08-16.csv"]
    snap = read_feeds(d, sources=["kev", "epss"])
    assert [s.source for s in snap.sources] == ["kev", "epss"] and not snap.nvd and snap.attack is None
    assert snap.epss["CVE-2021-44228"].score == 0.944


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("known_exploited_vulnerabilities.json", "kev"),
        ("known_exploited_vulnerabilities_2025.json", "kev"),
        ("epss_scores-2026-08-16.csv.gz", "epss"),
        ("epss_scores.csv", "epss"),
        ("nvdcve-2.0-modified.jsonl.gz", "nvd"),
        ("enterprise-attack.json", "attack"),
        ("enterprise-attack-18.1.json.gz", "attack"),
        ("example_assets.csv", None),
        ("README.md", None),
        ("epss_scores.csv.bak", None),
        ("known_exploited_vulnerabilities.json.gz", None),
        ("mobile-attack.json", None),
    ],
)
def test_file_name_rules(name: str, source: str | None) -> None:
    assert source_of(name) == source


def test_of_two_nvd_copies_of_a_cve_the_newest_wins(feeds_dir: Path, tmp_path: Path) -> None:
    old = next(r for r in nvd_lines(feeds_dir) if r["id"] == "CVE-2021-44228")
    new = {**old, "lastModified": "2099-01-01T00:00:00.000", "description": "newer"}
    write_jsonl(tmp_path / "a.jsonl", [new])
    write_jsonl(tmp_path / "b.jsonl", [old])
    snap = read_feeds(tmp_path)
    assert (snap.nvd["CVE-2021-44228"].description, snap.nvd["CVE-2021-44228"].file) == ("newer", "a.jsonl")
    assert {s.file: s.snapshot_date for s in snap.sources}["a.jsonl"] == date(2099, 1, 1)


def test_record_hash_is_canonical() -> None:
    assert record_hash({"a": 1, "b": [1, 2]}) == record_hash({"b": [1, 2], "a": 1})
    assert record_hash({"a": 1}) != record_hash({"a": 2})


def test_a_gzipped_epss_file_reads_like_a_plain_one(tmp_path: Path) -> None:
    plain = read_source("epss", write_epss(tmp_path / "epss_scores.csv"))
    zipped = read_source("epss", write_epss(tmp_path / "epss_scores.csv.gz"))
    assert plain.records == zipped.records and plain.file.records == 2
    assert plain.file.sha256 != zipped.file.sha256  # the checksum is the file's, as delivered
    assert plain.file.version == "v2025.03.14"


def _refused(source: str, path: Path) -> str:
    with pytest.raises(InvalidInput) as e:
        read_source(source, path)
    assert path.name in str(e.value)
    return str(e.value)


def test_bad_jsonl_line_is_named(feeds_dir: Path, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "nvd.jsonl", nvd_lines(feeds_dir)[:2])
    path.write_text(path.read_text() + "{not json\n")
    assert "line 3: not JSON" in _refused("nvd", path)
    record = {k: v for k, v in nvd_lines(feeds_dir)[0].items() if k != "configurations"}
    assert "line 1: missing configurations" in _refused("nvd", write_jsonl(tmp_path / "b.jsonl", [record]))
    bad_id = {**nvd_lines(feeds_dir)[0], "id": "CVE-21-1"}
    assert "line 1, id: 'CVE-21-1' is not a CVE id" in _refused("nvd", write_jsonl(tmp_path / "c.jsonl", [bad_id]))


def test_bad_epss_rows_and_header_are_named(tmp_path: Path) -> None:
    rows = [("CVE-2021-44228", "0.9", "0.99"), ("CVE-2014-0160", "high", "0.99")]
    assert "line 4, epss: 'high' is not a number" in _refused("epss", write_epss(tmp_path / "e1.csv", rows))
    short = [("CVE-2021-44228", "0.9", "0.99"), ("CVE-2014-0160", "0.9")]
    assert "line 4: expected" in _refused("epss", write_epss(tmp_path / "e2.csv", short))  # type: ignore[arg-type]
    (tmp_path / "e3.csv").write_text("cve,epss,percentile\nCVE-2021-44228,0.9,0.99\n")
    assert "line 1: missing the '#" in _refused("epss", tmp_path / "e3.csv")
    twice = [("CVE-2021-44228", "0.9", "0.99")] * 2
    assert "line 4: CVE-2021-44228 appears twice" in _refused("epss", write_epss(tmp_path / "e4.csv", twice))


def test_bad_kev_and_attack_files_are_named(feeds_dir: Path, tmp_path: Path) -> None:
    doc = json.loads((feeds_dir / KEV).read_text())
    doc["vulnerabilities"][2]["dueDate"] = "soon"
    (tmp_path / KEV).write_text(json.dumps(doc))
    assert "vulnerabilities[2].dueDate: 'soon' is not a date" in _refused("kev", tmp_path / KEV)
    (tmp_path / "known_exploited_vulnerabilities2.json").write_text('{"title": "x",\n "vulnerabilities": [}')
    assert "line 2: not JSON" in _refused("kev", tmp_path / "known_exploited_vulnerabilities2.json")
    (tmp_path / "enterprise-attack.json.gz").write_bytes(b"not gzip")
    assert "not a gzip file" in _refused("attack", tmp_path / "enterprise-attack.json.gz")
    (tmp_path / "enterprise-attack.json").write_bytes(gzip.decompress(gzip.compress(b'{"type": "bundle"}')))
    assert "not a STIX bundle" in _refused("attack", tmp_path / "enterprise-attack.json")


def test_read_feeds_refuses_a_missing_dir_and_unknown_sources(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not a directory"):
        read_feeds(tmp_path / "nowhere")
    with pytest.raises(InvalidInput, match="unknown cve"):
        read_feeds(tmp_path, sources=["cve"])


def test_epss_rows_read_the_same_by_the_fast_and_the_row_by_row_path(tmp_path: Path) -> None:
    rows = [("CVE-2021-44228", "0.944000000", "0.999900000"), ("CVE-2014-0160", "1", "0")]
    fast = read_source("epss", write_epss(tmp_path / "epss_scores-a.csv", rows))
    text = (tmp_path / "epss_scores-a.csv").read_text()
    (tmp_path / "epss_scores-b.csv").write_bytes(text.replace("\n", "\r\n").encode())  # CRLF: row by row
    slow = read_source("epss", tmp_path / "epss_scores-b.csv")
    exponent = read_source("epss", write_epss(tmp_path / "epss_scores-c.csv", [("CVE-2021-44228", "9.4e-1", "1")]))
    assert fast.records == slow.records and len(fast.records) == 2
    assert exponent.records["CVE-2021-44228"] == {"epss": "9.4e-1", "percentile": "1"}
    for read in (fast, slow, exponent):
        assert all(read.canonical(k) == canonical_json(r) for k, r in read.records.items())

"""Loading feeds into the store (contract §1): idempotent, incremental by content hash, provenance kept,
audited, one transaction per file; the queue job; the fetching protocol; `cyberins feeds load DIR [--json]`.

On PostgreSQL when `CYBERINS_TEST_DATABASE_URL` is set (a schema per test), else on a SQLite file."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cyberins.model.errors import InvalidInput
from cyberins.monitor.feeds import record_hash
from cyberins.services import audit_check
from cyberins.services.access import Principal
from cyberins.services.clock import FixedClock
from cyberins.services.feeds import fetch_and_load, load_feeds, start_feeds_load
from cyberins.services.queue import InProcessQueue
from cyberins.settings import get_settings
from cyberins.store.models import AuditEntry, FeedLoad
from cyberins.store.repos import feeds as repo
from tests.monitor.feedkit import KEV, NVD, nvd_lines, small_feeds, write_epss, write_jsonl
from tests.platform import conftest as platform
from tests.platform.conftest import TEST_SECRET

#: The platform's fixtures: a fresh, migrated database per test (a PostgreSQL schema, or a SQLite file).
database_url, engine, session = platform.database_url, platform.engine, platform.session
SYSTEM = Principal.system_actor()
CONTRACT_KEYS = {"source", "file", "sha256", "snapshot_date", "records", "added", "updated", "unchanged"}


@pytest.fixture
def feeds(feeds_dir: Path, tmp_path: Path) -> Path:
    return small_feeds(feeds_dir, tmp_path / "feeds")


def counts(results: list) -> dict[str, tuple[int, int, int]]:  # type: ignore[type-arg]
    return {r.file.source: (r.added, r.updated, r.unchanged) for r in results}


def test_loading_a_dir_twice_changes_nothing_the_second_time(session: Session, feeds: Path) -> None:
    first = load_feeds(session, SYSTEM, feeds)
    assert counts(first) == {"kev": (1404, 0, 0), "epss": (2, 0, 0), "nvd": (721, 0, 0)}
    second = load_feeds(session, SYSTEM, feeds)
    assert counts(second) == {"kev": (0, 0, 1404), "epss": (0, 0, 2), "nvd": (0, 0, 721)}
    assert (repo.count(session, "kev"), repo.count(session, "epss"), repo.count(session, "nvd")) == (1404, 2, 721)
    assert [(load.source, load.added, load.unchanged) for load in repo.loads(session, "kev")] == [
        ("kev", 1404, 0),
        ("kev", 0, 1404),
    ]


def test_each_record_keeps_its_payload_and_provenance(session: Session, feeds: Path, feeds_dir: Path) -> None:
    [kev, epss, nvd] = load_feeds(session, SYSTEM, feeds)
    log4shell = repo.record(session, "nvd", "CVE-2021-44228")
    raw = next(r for r in nvd_lines(feeds_dir) if r["id"] == "CVE-2021-44228")
    assert log4shell is not None and log4shell.payload == raw
    assert log4shell.content_hash == record_hash(raw)
    assert (log4shell.file, log4shell.sha256, log4shell.load_id) == (NVD, nvd.file.sha256, nvd.load_id)
    assert log4shell.snapshot_date == date(2025, 10, 24)
    assert log4shell.version == datetime.fromisoformat(raw["lastModified"].removesuffix("Z")).isoformat(
        "T", "milliseconds"
    )
    score = repo.record(session, "epss", "CVE-2014-0160")
    assert score is not None and score.payload == {"epss": "0.943000000", "percentile": "0.999800000"}
    assert (score.file, score.snapshot_date, score.sha256) == (epss.file.file, date(2026, 8, 16), epss.file.sha256)
    entry = repo.record(session, "kev", "CVE-2021-44228")
    assert entry is not None and entry.payload["knownRansomwareCampaignUse"] == "Known"
    assert entry.sha256 == kev.file.sha256


def test_a_changed_record_is_updated_and_takes_the_new_files_provenance(session: Session, feeds: Path) -> None:
    [kev, *_] = load_feeds(session, SYSTEM, feeds, sources=["kev"])
    doc = json.loads((feeds / KEV).read_text())
    doc["vulnerabilities"][0]["knownRansomwareCampaignUse"] = "Known"  # CVE-2025-48384: was Unknown
    changed_cve = doc["vulnerabilities"][0]["cveID"]
    (feeds / KEV).write_text(json.dumps(doc))
    [again] = load_feeds(session, SYSTEM, feeds, sources=["kev"])
    assert (again.added, again.updated, again.unchanged) == (0, 1, 1403)
    assert again.file.sha256 != kev.file.sha256
    changed = repo.record(session, "kev", changed_cve)
    assert changed is not None and changed.payload["knownRansomwareCampaignUse"] == "Known"
    assert (changed.sha256, changed.load_id) == (again.file.sha256, again.load_id)
    kept = repo.record(session, "kev", "CVE-2021-44228")  # same content: keeps the file that brought it
    assert kept is not None and (kept.sha256, kept.load_id) == (kev.file.sha256, kev.load_id)
    [third] = load_feeds(session, SYSTEM, feeds, sources=["kev"])
    assert (third.added, third.updated) == (0, 0)


def test_new_epss_scores_update_and_an_older_file_never_overwrites_them(session: Session, tmp_path: Path) -> None:
    d = tmp_path / "epss"
    d.mkdir()
    write_epss(d / "epss_scores-2026-08-16.csv")
    load_feeds(session, SYSTEM, d)
    newer = [("CVE-2021-44228", "0.950000000", "0.999950000"), ("CVE-2014-0160", "0.943000000", "0.999800000")]
    write_epss(d / "epss_scores-2026-08-17.csv", newer + [("CVE-2024-3400", "0.9", "0.99")], "2026-08-17")
    results = load_feeds(session, SYSTEM, d)  # both files, oldest name first
    assert [(r.file.file, r.added, r.updated, r.unchanged) for r in results] == [
        ("epss_scores-2026-08-16.csv", 0, 0, 2),
        ("epss_scores-2026-08-17.csv", 1, 1, 1),  # a new CVE, a new score, a score that stayed
    ]
    score = repo.record(session, "epss", "CVE-2021-44228")
    assert score is not None and score.payload["epss"] == "0.950000000"
    assert score.snapshot_date == date(2026, 8, 17)
    again = load_feeds(session, SYSTEM, d)  # the 16th's older copy stays unchanged: no back and forth
    assert [(r.added, r.updated, r.unchanged) for r in again] == [(0, 0, 2), (0, 0, 3)]


def test_two_nvd_files_with_one_cve_keep_the_newest_copy(session: Session, feeds_dir: Path, tmp_path: Path) -> None:
    old = next(r for r in nvd_lines(feeds_dir) if r["id"] == "CVE-2021-44228")
    new = {**old, "lastModified": "2099-01-01T00:00:00.000", "description": "newer"}
    write_jsonl(tmp_path / "b.jsonl", [old])
    load_feeds(session, SYSTEM, tmp_path)
    write_jsonl(tmp_path / "a.jsonl", [new])
    results = load_feeds(session, SYSTEM, tmp_path)
    assert [(r.file.file, r.added, r.updated, r.unchanged) for r in results] == [
        ("a.jsonl", 0, 1, 0),
        ("b.jsonl", 0, 0, 1),
    ]
    stored = repo.record(session, "nvd", "CVE-2021-44228")
    assert stored is not None and (stored.payload["description"], stored.file) == ("newer", "a.jsonl")
    again = load_feeds(session, SYSTEM, tmp_path)
    assert [(r.added, r.updated) for r in again] == [(0, 0), (0, 0)]


def test_a_bad_file_loads_nothing_and_names_the_file(session: Session, feeds: Path) -> None:
    (feeds / "broken.jsonl").write_text('{"id": "CVE-2021-44228"\n')
    with pytest.raises(InvalidInput) as e:
        load_feeds(session, SYSTEM, feeds)
    assert "broken.jsonl" in str(e.value) and "line 1" in str(e.value)
    assert repo.loads(session) == [] and repo.count(session, "kev") == 0
    with pytest.raises(InvalidInput, match="no feed files"):
        load_feeds(session, SYSTEM, feeds / "..", sources=["attack"])


def test_each_load_is_audited_and_the_log_verifies(session: Session, feeds: Path) -> None:
    clock = FixedClock(datetime(2026, 8, 20, 9, 0, tzinfo=UTC))
    results = load_feeds(session, SYSTEM, feeds, clock=clock)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "feed_load")).all()
    assert sorted(e.entity_id for e in entries) == sorted(r.load_id for r in results)
    assert {(e.action, e.chain) for e in entries} == {("feeds.load", "platform")}
    assert all(load.loaded_at == clock.now() for load in repo.loads(session))
    stored = repo.record(session, "kev", "CVE-2021-44228")  # written through the driver, read back as the ORM's
    assert stored is not None and stored.loaded_at == clock.now() and stored.snapshot_date == date(2025, 8, 25)
    assert audit_check.verify_all(session).ok
    load = session.get(FeedLoad, results[0].load_id)
    assert load is not None
    load.added = 0  # edited outside the platform: the check names it
    session.commit()
    report = audit_check.verify_all(session)
    assert [(d.kind, d.entity_type, d.entity_id) for d in report.discrepancies] == [
        ("edited", "feed_load", results[0].load_id)
    ]


def test_loading_needs_the_right_to_run_jobs(session: Session, feeds: Path) -> None:
    from cyberins.model.vocab import OrgKind, Role
    from cyberins.services.errors import Forbidden

    analyst = Principal(org_id="x" * 32, org_kind=OrgKind.INSURER, role=Role.ANALYST, user_id="u")
    with pytest.raises(Forbidden):
        load_feeds(session, analyst, feeds)


@pytest.fixture
def installation(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CYBERINS_DATABASE_URL", database_url)
    monkeypatch.setenv("CYBERINS_SECRET_KEY", TEST_SECRET)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def test_the_queue_job_loads_a_dir(installation: str, engine: Engine, feeds: Path) -> None:
    queue = InProcessQueue()
    handle = start_feeds_load(queue, installation, SYSTEM, feeds, ["kev", "nvd"])
    assert handle.status == "finished", handle.error
    assert [(s["source"], s["added"]) for s in handle.result["sources"]] == [("kev", 1404), ("nvd", 721)]
    again = start_feeds_load(queue, installation, SYSTEM, feeds, ["kev", "nvd"])
    assert [(s["added"], s["updated"]) for s in again.result["sources"]] == [(0, 0), (0, 0)]
    bad = start_feeds_load(queue, installation, SYSTEM, feeds / "nowhere")
    assert bad.status == "failed" and "not a directory" in (bad.error or "")


class FakeSource:
    """An in-memory `FeedSource`: writes the files it was given, as a publisher would serve them."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.fetches = 0

    def fetch(self, into: Path) -> list[Path]:
        self.fetches += 1
        into.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (into / name).write_bytes(data)
        return [into / name for name in self.files]


def test_a_feed_source_fetches_into_a_dir_that_is_then_loaded(
    session: Session, feeds_dir: Path, tmp_path: Path
) -> None:
    source = FakeSource({KEV: (feeds_dir / KEV).read_bytes()})
    [kev] = fetch_and_load(session, SYSTEM, source, tmp_path / "inbox")
    assert (source.fetches, kev.file.source, kev.added) == (1, "kev", 1404)
    [again] = fetch_and_load(session, SYSTEM, source, tmp_path / "inbox")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1404)


def test_the_http_source_fetches_over_https_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cyberins.services.feeds import HttpFeedSource

    monkeypatch.setenv("CYBERINS_FEED_URL_KEV", "http://example.invalid/kev.json")  # refused before any request
    with pytest.raises(InvalidInput, match="https only"):
        HttpFeedSource().fetch(tmp_path)


def _cli(args: list[str]) -> tuple[int, str, str]:
    from cyberins.cli.app import app

    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_json_is_the_contracts_and_a_second_load_adds_nothing(installation: str, feeds: Path) -> None:
    code, out, _ = _cli(["feeds", "load", str(feeds), "--json"])
    assert code == 0
    sources = json.loads(out)["sources"]
    assert [s["source"] for s in sources] == ["kev", "epss", "nvd"]
    for s in sources:
        assert CONTRACT_KEYS <= set(s)
        assert s["added"] + s["updated"] + s["unchanged"] == s["records"]
        assert len(s["sha256"]) == 64 and date.fromisoformat(s["snapshot_date"])
    assert [(s["file"], s["records"], s["snapshot_date"]) for s in sources] == [
        (KEV, 1404, "2025-08-25"),
        ("epss_scores-2026-08-16.csv", 2, "2026-08-16"),
        (NVD, 721, "2025-10-24"),
    ]
    code, out, _ = _cli(["feeds", "load", str(feeds), "--json"])
    assert code == 0 and all((s["added"], s["updated"]) == (0, 0) for s in json.loads(out)["sources"])


def test_cli_plain_output_is_a_table_within_80_columns(installation: str, feeds: Path) -> None:
    code, out, _ = _cli(["feeds", "load", str(feeds)])
    assert code == 0
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    assert "unchanged" in out and "1,404" in out and "file, sha256" in out and "901b1f227941…" in out


def test_cli_loads_only_the_sources_named(installation: str, feeds: Path) -> None:
    code, out, _ = _cli(["feeds", "load", str(feeds), "--json", "--source", "epss"])
    assert code == 0 and [s["source"] for s in json.loads(out)["sources"]] == ["epss"]
    code, _, err = _cli(["feeds", "load", str(feeds), "--source", "cve"])
    assert code == 2 and "unknown cve" in err


def test_cli_bad_file_exits_2_naming_it(installation: str, feeds: Path) -> None:
    write_epss(feeds / "epss_scores-2026-08-16.csv", [("CVE-2021-44228", "0.9", "lots")])
    code, _, err = _cli(["feeds", "load", str(feeds)])
    assert code == 2
    flat = "".join(err.split())  # the message wraps at the terminal's width
    assert "epss_scores-2026-08-16.csv" in flat and "line3,percentile:'lots'" in flat and "Traceback" not in err


def test_the_real_epss_file_loads_in_well_under_a_minute(session: Session, feeds_dir: Path, tmp_path: Path) -> None:
    d = tmp_path / "epss"
    d.mkdir()
    shutil.copy(feeds_dir / "epss_scores-2026-08-16.csv.gz", d)
    start = time.perf_counter()
    [epss] = load_feeds(session, SYSTEM, d)
    assert (epss.added, repo.count(session, "epss")) == (360_142, 360_142)
    assert time.perf_counter() - start < 120  # generous: CI machines are shared; typically 10–20 s


def test_the_stored_feeds_read_back_as_the_dirs_snapshot(session: Session, feeds: Path) -> None:
    from cyberins.monitor.feeds import read_feeds
    from cyberins.services.feeds import stored_snapshot

    load_feeds(session, SYSTEM, feeds)
    stored, direct = stored_snapshot(session), read_feeds(feeds)
    assert (stored.kev, stored.epss, stored.nvd) == (direct.kev, direct.epss, direct.nvd)
    assert (stored.kev_catalog_version, stored.epss_score_date) == ("2025.08.25", date(2026, 8, 16))
    assert [(s.source, s.file, s.sha256, s.records) for s in stored.sources] == [
        (s.source, s.file, s.sha256, s.records) for s in direct.sources
    ]
    assert stored.attack is None and stored_snapshot(session, sources=["kev"]).nvd == {}

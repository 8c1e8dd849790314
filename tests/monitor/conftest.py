"""Shared fixtures of the monitoring tests: the offline feed snapshots beside the project (never the network)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: ../shared/data/feeds: the KEV, EPSS, NVD and ATT&CK snapshots and the example inventory (its README says what).
FEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "feeds"


@pytest.fixture(scope="session")
def feeds_dir() -> Path:
    if not (FEEDS / "kev_cve_nvd.jsonl.gz").is_file():
        pytest.fail(f"the feed snapshots are missing: {FEEDS} (clone ../shared beside the project)")
    return FEEDS

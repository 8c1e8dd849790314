"""Small feed files for the feed tests: a temp copy of the KEV and NVD snapshots and a hand-written EPSS file."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

KEV = "known_exploited_vulnerabilities.json"
NVD = "kev_cve_nvd.jsonl.gz"
EPSS_ROWS = [("CVE-2021-44228", "0.944000000", "0.999900000"), ("CVE-2014-0160", "0.943000000", "0.999800000")]


def write_epss(path: Path, rows: list[tuple[str, str, str]] = EPSS_ROWS, score_date: str = "2026-08-16") -> Path:
    """An EPSS file in FIRST's daily layout (the `#` line, the header, one row per CVE)."""
    lines = [f"#model_version:v2025.03.14,score_date:{score_date}", "cve,epss,percentile"]
    lines += [",".join(r) for r in rows]
    text = "\n".join(lines) + "\n"
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def small_feeds(feeds_dir: Path, target: Path) -> Path:
    """KEV + NVD copied from the snapshots, a two-row EPSS file, and files a feeds DIR ignores."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(feeds_dir / KEV, target / KEV)
    shutil.copy(feeds_dir / NVD, target / NVD)
    write_epss(target / "epss_scores-2026-08-16.csv")
    (target / "README.md").write_text("not a feed\n")
    shutil.copy(feeds_dir / "example_assets.csv", target / "example_assets.csv")
    return target


def nvd_lines(feeds_dir: Path) -> list[dict[str, Any]]:
    with gzip.open(feeds_dir / NVD, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path

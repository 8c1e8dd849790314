"""Indexed CPE matching against a naive nested loop: 500,000 generated assets against the whole NVD snapshot.

A seeded generator draws hosts with several CPEs each from the (part, vendor, product) names and the versions
and updates seen in `kev_cve_nvd.jsonl.gz` (concrete criteria versions and range bounds, some nudged to a
neighbour version, some `*` or `-`), plus noise: products no record names. `Matcher` (monitor/matching.py)
scans them all; a naive loop (every row against every entry of every record, no index, no cache) scans a
1,000-asset sample of whole hosts, and both must give the same (row, CVE, tier) set on it. Times are wall
clock in-process (generation and file reading excluded), memory is the process's peak resident set after
the indexed scan (before the naive loop runs). Targets (issue 18 §2): under 60 s and 2 GB for 500,000
assets; at least 50× over the naive loop per asset.

    .venv/bin/python benchmarks/monitor_match.py [--assets 500000] [--sample 1000] [--seed 18]
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import time
from collections import ChainMap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from cyberins.monitor.cpe import escape, split_attributes
from cyberins.monitor.matching import (
    Matcher,
    Term,
    Tier,
    compile_name,
    configuration_tier,
    entry_result,
    unknown_platform,
)

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT.parent / "shared" / "data" / "feeds" / "kev_cve_nvd.jsonl.gz"
Records = list[tuple[str, list[dict[str, Any]]]]
Pairs = set[tuple[int, str, str]]
T = TypeVar("T")


def read_records(path: Path) -> Records:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [(r["id"], r["configurations"]) for r in map(json.loads, lines)]


def vocabulary(records: Records) -> tuple[list[tuple[str, str, str]], list[list[str]], list[list[str]]]:
    """The distinct (part, vendor, product) of all criteria, and per name the versions and updates seen."""
    names: dict[tuple[str, str, str], tuple[set[str], set[str]]] = {}
    for _, configurations in records:
        for configuration in configurations:
            for node in configuration.get("nodes", ()):
                for item in node.get("cpeMatch", ()):
                    values = split_attributes(item["criteria"][len("cpe:2.3:") :])
                    versions, updates = names.setdefault((values[0], values[1], values[2]), (set(), set()))
                    versions.update(v for v in [values[3]] if v not in ("*", "-"))
                    versions.update(item[k] for k in item if k.startswith("version"))
                    updates.update(u for u in [values[4]] if u not in ("*", "-"))
    keys = sorted(names)
    return keys, [sorted(names[k][0]) for k in keys], [sorted(names[k][1]) for k in keys]


def generate(records: Records, assets: int, seed: int) -> list[tuple[str, str]]:
    """`assets` rows (hostname, CPE) of hosts with 1-8 components each; 75% named as in the snapshot."""
    rng = np.random.default_rng(seed)
    names, versions, updates = vocabulary(records)
    rows: list[tuple[str, str]] = []
    host = 0
    while len(rows) < assets:
        host += 1
        for _ in range(min(1 + int(rng.poisson(2.5)), 8, assets - len(rows))):
            rows.append((f"host-{host:07d}", _asset(rng, names, versions, updates)))
    return rows


def _asset(
    rng: np.random.Generator, names: list[tuple[str, str, str]], versions: list[list[str]], updates: list[list[str]]
) -> str:
    if rng.random() < 0.25:  # noise: a product the snapshot does not name
        part, vendor, product = "a", f"vendor{rng.integers(5000)}", f"product{rng.integers(50)}"
        seen: list[str] = []
        seen_updates: list[str] = []
    else:
        index = int(rng.integers(len(names)))
        part, vendor, product = names[index]
        seen, seen_updates = versions[index], updates[index]
    draw = rng.random()
    if draw < 0.05:
        version = "*"
    elif draw < 0.07:
        version = "-"
    elif seen and draw < 0.6:
        version = escape(str(seen[int(rng.integers(len(seen)))]).replace("\\", ""))
    else:
        base = str(seen[int(rng.integers(len(seen)))]).replace("\\", "") if seen else "1.0"
        digits = [int(t) if t.isdigit() else 0 for t in base.replace("-", ".").split(".")[:4]] or [1]
        digits[-1] = max(0, digits[-1] + int(rng.integers(-3, 4)))
        version = ".".join(map(str, digits))
    update = seen_updates[int(rng.integers(len(seen_updates)))] if seen_updates and rng.random() < 0.3 else "*"
    return f"cpe:2.3:{part}:{vendor}:{product}:{version}:{update}:*:*:*:*:*:*"


def naive(records: Records, rows: Sequence[tuple[str, str]]) -> Pairs:
    """Every row against every entry of every record: rows × entries `entry_result` calls, then the trees."""
    reference = Matcher(records)  # only its compiled entries and configurations are used, not its index
    terms: list[tuple[Term, ...]] = [compile_name(cpe, reference.aliases, asset=True) for _, cpe in rows]
    results = [{i: entry_result(e, t)[0] for i, e in enumerate(reference.entries)} for t in terms]
    hosts: dict[str, list[int]] = {}
    for number, (hostname, _) in enumerate(rows):
        hosts.setdefault(hostname, []).append(number)
    pairs: Pairs = set()
    on_host: dict[str, ChainMap[int, Tier]] = {}
    for number, (hostname, _) in enumerate(rows):
        if hostname not in on_host:  # each entry's best tier over the host's CPEs, then unknown platforms
            members = hosts[hostname]
            best_of = {i: max(results[m][i] for m in members) for i in range(len(reference.entries))}
            unknown = {
                i: Tier.POSSIBLE
                for i, entry in enumerate(reference.entries)
                if not entry.vulnerable
                and best_of[i] is Tier.NONE
                and unknown_platform(entry, [terms[m] for m in members])
            }
            on_host[hostname] = ChainMap(unknown, best_of)
        host = on_host[hostname]
        for record, configurations in enumerate(reference.configurations):
            best = Tier.NONE
            for configuration in configurations:
                row = max((results[number][i] for i in configuration.vulnerable), default=Tier.NONE)
                best = max(best, min(configuration_tier(configuration, host), row))
            if best is not Tier.NONE:
                pairs.add((number, reference.cves[record], best.name.lower()))
    return pairs


def indexed(records: Records, rows: Sequence[tuple[str, str]]) -> tuple[Pairs, int]:
    matches = Matcher(records).scan(rows)
    return {(m.row, m.cve, m.tier) for m in matches}, len(matches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=500_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    records = read_records(SNAPSHOT)
    rows = generate(records, args.assets, args.seed)
    hosts = len({hostname for hostname, _ in rows})
    distinct = len({cpe for _, cpe in rows})

    (_, found), indexed_s, indexed_cpu = timed(indexed, records, rows)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    table = [("indexed Matcher", len(rows), found, indexed_s, indexed_cpu, f"{peak_mb:.0f}")]

    sample = rows[: args.sample]
    while sample and len(sample) < len(rows) and rows[len(sample)][0] == sample[-1][0]:
        sample = rows[: len(sample) + 1]  # whole hosts only: platforms are met on the same host
    if sample:
        (fast, _), sample_s, sample_cpu = timed(indexed, records, sample)
        slow, naive_s, naive_cpu = timed(naive, records, sample)
        assert fast == slow, f"indexed and naive differ on the sample: {sorted(fast ^ slow)[:5]}"
        table.append(("indexed Matcher, sample", len(sample), len(fast), sample_s, sample_cpu, ""))
        table.append(("naive loop, sample (same pairs)", len(sample), len(slow), naive_s, naive_cpu, ""))

    print(f"{len(records)} NVD records, {len(rows):,} assets on {hosts:,} hosts ({distinct:,} distinct CPEs)")
    header = ("case", "assets", "(row, CVE)", "wall s", "CPU s", "CPU µs/asset", "peak RSS MB")
    print(
        f"{header[0]:<32} {header[1]:>8} {header[2]:>10} {header[3]:>7} {header[4]:>7} {header[5]:>12} {header[6]:>11}"
    )
    for case, count, pairs, wall, cpu, memory in table:
        print(f"{case:<32} {count:>8,} {pairs:>10,} {wall:>7.1f} {cpu:>7.1f} {cpu / count * 1e6:>12.1f} {memory:>11}")
    verdict = f"{len(rows):,} assets under 60 s (CPU {indexed_cpu:.0f} s, wall {indexed_s:.0f} s): "
    verdict += f"{'yes' if indexed_cpu < 60 else 'NO'}; under 2 GB: {'yes' if peak_mb < 2048 else 'NO'}"
    if sample:
        speed_up = (naive_cpu / len(sample)) / (indexed_cpu / len(rows))
        verdict += f"; speed-up per asset (CPU): {speed_up:,.0f}x, target >= 50x: {'yes' if speed_up >= 50 else 'NO'}"
    print(verdict)


def timed(
    function: Callable[[Records, Sequence[tuple[str, str]]], T], records: Records, rows: Sequence[tuple[str, str]]
) -> tuple[T, float, float]:
    """The result, wall seconds and CPU seconds (user + system of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(records, rows)
    return result, time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    main()

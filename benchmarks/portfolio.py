"""The portfolio year simulation beside a plain NumPy baseline of the same workload (issue 19 §4).

A synthetic book of `--policies` insureds in lines of 100 across six industries, each with its own events
(ransomware at 0.05 a year: an outage of lognormal hours at the line's hourly income, and restoration), the
example USD wording (10-hour time retention, sublimits, aggregate), four systemic scenarios striking four
dependencies with shared durations, and a four-treaty programme (quota share, per-risk XL, cat XL with a
reinstatement, aggregate stop loss). Each case runs in its own process, measured whole from launch to exit
by `measure.run_process` (wall, CPU of the process and what it reaped, peak resident memory), as every
benchmark here is; the process also reports its in-process seconds (after imports and book loading):

- `cyberins`: `run_book` in-process (and with `--workers 2`, a Dask LocalCluster), then the JSON document;
- `numpy baseline`: the same counts and draws in plain NumPy — Poisson own events per policy-year with a
  lognormal outage and restoration, per-event retention and limit, systemic events with one duration each
  and Bernoulli hits per dependent policy, annual sums, a quota share and a stop loss on the annual totals;
  no time order, no sublimit or aggregate erosion, no per-occurrence treaties, no measures.

    .venv/bin/python benchmarks/portfolio.py [--policies 1000 10000] [--years 10000 100000] [--workers 2]

The first run on a machine also compiles the terms engine's numba kernels (`cache=True` keeps them); that
time is inside the first case's seconds, as a user would see it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from measure import run_process  # benchmarks/measure.py: this script's folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]
INDUSTRIES = ("banking", "retail", "healthcare_hospital", "manufacturing", "professional_services", "logistics")
DEPENDENCIES = {
    "cloud": {"kind": "cloud_provider"},
    "cdn": {"kind": "cdn_dns"},
    "edr": {"kind": "security_software"},
    "msp": {"kind": "msp"},
}
SCENARIOS = [
    ("cloud_outage", "cloud_outage", "system_failure", "cloud", 0.2, 0.6, [4, 72]),
    ("dns_outage", "cdn_dns_outage", "system_failure", "cdn", 0.3, 0.8, [1, 12]),
    ("faulty_update", "faulty_security_update", "system_failure", "edr", 0.1, 0.25, [12, 96]),
    ("msp_ransomware", "msp_ransomware", "ransomware", "msp", 0.05, 0.3, [48, 240]),
]
LAM, HOURS_CI, RESTORATION_CI = 0.05, [4, 200], [20_000, 500_000]


def book_data(policies: int) -> dict[str, Any]:
    """The synthetic book: lines of 100, industries, hourly incomes and dependencies by line index."""
    model = {
        "kind": "explicit",
        "currency": "USD",
        "event_types": {
            "ransomware": {
                "frequency": {"dist": "poisson", "lam": LAM},
                "losses": {
                    "business_interruption": {"hours": {"dist": "lognormal", "ci90": HOURS_CI}, "per_hour": 1},
                    "data_restoration": {"dist": "lognormal", "ci90": RESTORATION_CI},
                },
            }
        },
    }
    lines = []
    for i in range(max(1, policies // 100)):
        income = float(10_000 * (1 + i % 10))
        own = json.loads(json.dumps(model))
        own["event_types"]["ransomware"]["losses"]["business_interruption"]["per_hour"] = income
        lines.append(
            {
                "id": f"line{i}",
                "count": min(100, policies),
                "industry": INDUSTRIES[i % len(INDUSTRIES)],
                "size": ("small", "medium", "large")[i % 3],
                "depends_on": [d for k, d in enumerate(DEPENDENCIES) if (i >> k) & 1 or k == i % 4],
                "exposure": {"bi_per_hour": income, "restoration_cost": 100_000.0},
                "model": own,
                "policy": "../policies/us-claims-made-usd.yaml",
            }
        )
    return {
        "kind": "portfolio",
        "id": "synthetic",
        "currency": "USD",
        "dependencies": DEPENDENCIES,
        "policies": lines,
        "scenarios": [
            {
                "id": sid,
                "family": family,
                "event_type": et,
                "dependency": dep,
                "rate": rate,
                "hit_probability": hit,
                "duration_hours": {"dist": "lognormal", "ci90": ci},
                "losses": {"business_interruption": "hours", "data_restoration": "restoration_cost"},
            }
            for sid, family, et, dep, rate, hit, ci in SCENARIOS
        ],
        "reinsurance": [
            {"id": "qs", "kind": "quota_share", "share": 0.3},
            {"id": "rxl", "kind": "per_risk_xl", "attachment": 1e6, "limit": 1e6, "reinstatements": [{"rate": 1}]},
            {
                "id": "cat",
                "kind": "cat_xl",
                "attachment": 2e7,
                "limit": 8e7,
                "premium": 4e6,
                "reinstatements": [{"rate": 1}],
            },
            {"id": "asl", "kind": "aggregate_stop_loss", "attachment": 1.5e8, "limit": 1e8},
        ],
    }


def run_cyberins(policies: int, years: int, workers: int) -> dict[str, float]:
    from cyberins.portfolio.book import parse_book
    from cyberins.portfolio.document import run_document
    from cyberins.portfolio.simulate import run_book

    book = parse_book(book_data(policies), ROOT / "examples" / "portfolios")
    start = time.perf_counter()
    if workers:
        from cyberins.portfolio.cluster import dask_mapper

        with dask_mapper(workers) as mapper:
            run = run_book(book, years, 1, mapper)
    else:
        run = run_book(book, years, 1)
    doc = run_document(run)
    return {"seconds": time.perf_counter() - start, "gross_aal": doc["gross"]["aal"], "net_aal": doc["net"]["aal"]}


def run_numpy(policies: int, years: int) -> dict[str, float]:
    data = book_data(policies)
    start = time.perf_counter()
    rng = np.random.default_rng(1)
    mu_h, s_h = _lognormal(HOURS_CI)
    mu_r, s_r = _lognormal(RESTORATION_CI)
    gross = np.zeros(years)
    for line in data["policies"]:
        income, count = line["exposure"]["bi_per_hour"], line["count"]
        counts = rng.poisson(LAM, (years, count)).sum(axis=1)
        n = int(counts.sum())
        loss = np.maximum(rng.lognormal(mu_h, s_h, n) - 10, 0) * income + rng.lognormal(mu_r, s_r, n)
        paid = np.minimum(np.maximum(loss - 50_000, 0), 3_000_000)
        gross += np.bincount(np.repeat(np.arange(years), counts), weights=paid, minlength=years)
    for sid, _, _, dep, rate, hit, ci in SCENARIOS:
        mu, s = _lognormal(ci)
        events = rng.poisson(rate, years)
        n = int(events.sum())
        duration = rng.lognormal(mu, s, n)
        year = np.repeat(np.arange(years), events)
        for line in (x for x in data["policies"] if dep in x["depends_on"]):
            hits = rng.binomial(line["count"], hit, n)
            each = np.minimum(
                np.maximum(np.maximum(duration - 10, 0) * line["exposure"]["bi_per_hour"] - 25_000, 0), 2e6
            )
            gross += np.bincount(year, weights=hits * each, minlength=years)
        del sid
    net = gross * 0.7
    net -= np.minimum(np.maximum(net - 1.5e8, 0), 1e8)
    return {"seconds": time.perf_counter() - start, "gross_aal": float(gross.mean()), "net_aal": float(net.mean())}


def _lognormal(ci: list[float]) -> tuple[float, float]:
    lo, hi = np.log(ci[0]), np.log(ci[1])
    return float((lo + hi) / 2), float((hi - lo) / (2 * 1.6449))


def _child(case: str, policies: int, years: int, workers: int) -> None:
    out = run_numpy(policies, years) if case == "numpy" else run_cyberins(policies, years, workers)
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--policies", type=int, nargs="+", default=[10_000], help="one or more book sizes")
    parser.add_argument("--years", type=int, nargs="+", default=[100_000], help="one or more numbers of years")
    parser.add_argument("--workers", type=int, default=0, help="also run on a LocalCluster of this many workers")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        case, policies, years, workers = args.child
        _child(case, int(policies), int(years), int(workers))
        return
    cases = [("cyberins", 0), ("numpy", 0)] + ([("cyberins", args.workers)] if args.workers else [])
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| case | policies | years | in-process s | wall s | CPU s | peak MB | gross AAL | net AAL |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for policies in args.policies:
        for years in args.years:
            for case, workers in cases:
                argv = [sys.executable, __file__, "--child", case, str(policies), str(years), str(workers)]
                m = run_process(argv, ROOT)
                r = json.loads(m.stdout.decode().strip().splitlines()[-1])
                name = case if not workers else f"{case}, {workers} Dask workers"
                print(
                    f"| {name} | {policies:,} | {years:,} | {r['seconds']:.1f} | {m.wall:.1f} | {m.cpu:.1f} "
                    f"| {m.peak_mb:.0f} | {r['gross_aal']:,.0f} | {r['net_aal']:,.0f} |",
                    flush=True,
                )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

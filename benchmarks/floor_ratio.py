"""`cyberins simulate` against the shared NumPy floor, whole process against whole process (trust.md item 6).

The workload is `../shared/bench/speed_model.json` (six Poisson event types, lognormal losses on five
coverages, retention, each-claim limit and sublimit per coverage under an aggregate). `benchmarks/speed/`
holds the same model and terms as a cyberins explicit model and policy; this script first checks that both
state the same numbers. Then, interleaved and `--repeat` times each:

    cyberins simulate benchmarks/speed/model.yaml --policy benchmarks/speed/policy.yaml --years N --seed S --json
    python numpy_floor.py speed_model.json N S

Each run is timed from launch to exit: wall time, and CPU time (user + system of the child, the delta of
`resource.getrusage(RUSAGE_CHILDREN)`), start-up included. The best of the runs of each case is compared.
The insured AALs must agree within sampling error: their difference is shown in standard errors of the
difference (the floor's standard error is taken equal to cyberins's, the same model over as many years).

    .venv/bin/python benchmarks/floor_ratio.py [--years 2000000] [--seed 7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

import yaml
from measure import run_process  # benchmarks/measure.py: this script's folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
MODEL = ROOT / "benchmarks" / "speed" / "model.yaml"
POLICY = ROOT / "benchmarks" / "speed" / "policy.yaml"


def check_same_workload(spec: dict[str, Any]) -> None:
    """Fail unless the cyberins files state exactly the floor's model and terms."""
    model = yaml.safe_load(MODEL.read_text(encoding="utf-8"))["event_types"]
    policy = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    ours = {
        et: (body["frequency"]["lam"], {c: [d["mu"], d["sigma"]] for c, d in body["losses"].items()})
        for et, body in model.items()
    }
    theirs = {et: (body["lam"], body["losses"]) for et, body in spec["event_types"].items()}
    terms = {
        c: {k: t[k] for k in ("retention", "each_claim_limit", "sublimit")} for c, t in policy["coverages"].items()
    }
    if ours != theirs or terms != spec["coverages"] or policy["aggregate_limit"] != spec["aggregate_limit"]:
        raise SystemExit(f"{MODEL.name}/{POLICY.name} differ from {BENCH / 'speed_model.json'}")


def run(cmd: list[str]) -> dict[str, Any]:
    """One whole process: wall and CPU seconds, peak memory and its JSON output."""
    m = run_process(cmd, ROOT)
    return {
        "wall": m.wall,
        "cpu": m.cpu,
        "user": m.user,
        "sys": m.sys,
        "peak_mb": m.peak_mb,
        "doc": json.loads(m.stdout),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bench", type=Path, default=BENCH, help="folder of numpy_floor.py and speed_model.json")
    args = ap.parse_args()
    spec_file = args.bench / "speed_model.json"
    check_same_workload(json.loads(spec_file.read_text(encoding="utf-8")))
    n, s = str(args.years), str(args.seed)
    cli = str(Path(sys.executable).with_name("cyberins"))
    cases = {
        "cyberins": [cli, "simulate", str(MODEL), "--policy", str(POLICY), "--years", n, "--seed", s, "--json"],
        "numpy floor": [sys.executable, str(args.bench / "numpy_floor.py"), str(spec_file), n, s],
    }
    runs: dict[str, list[dict[str, Any]]] = {case: [] for case in cases}
    for i in range(args.repeat):  # interleaved, the first case alternating, so both see the same machine
        for case in list(cases)[:: 1 if i % 2 == 0 else -1]:
            runs[case].append(run(cases[case]))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    # per case: the fastest run by CPU time (with its user and system parts), and the fastest by wall time
    best = {case: min(rs, key=lambda r: r["cpu"]) for case, rs in runs.items()}
    wall = {case: min(r["wall"] for r in rs) for case, rs in runs.items()}
    ours, floor = best["cyberins"]["doc"], best["numpy floor"]["doc"]
    aal = {
        "cyberins": (ours["insured"]["aal"], ours["gross"]["aal"]),
        "numpy floor": (floor["insured_aal"], floor["gross_aal"]),
    }
    print(f"{args.years:,} years, seed {args.seed}, best of {args.repeat} (interleaved); load average {load}")
    header = ("case", "wall s", "CPU s", "user s", "sys s", "peak MB", "insured AAL", "gross AAL")
    print(f"{header[0]:<12}" + "".join(f"{h:>9}" for h in header[1:6]) + "".join(f"{h:>15}" for h in header[6:]))
    for case, b in best.items():
        print(
            f"{case:<12}{wall[case]:>9.2f}{b['cpu']:>9.2f}{b['user']:>9.2f}{b['sys']:>9.2f}{b['peak_mb']:>9.0f}"
            f"{aal[case][0]:>15,.0f}{aal[case][1]:>15,.0f}"
        )
    se = math.sqrt(2) * ours["insured"]["aal_se"]
    print(
        f"cyberins / floor: CPU {best['cyberins']['cpu'] / best['numpy floor']['cpu']:.2f}x, "
        f"wall {wall['cyberins'] / wall['numpy floor']:.2f}x; insured AAL differs by "
        f"{(aal['cyberins'][0] - aal['numpy floor'][0]) / se:+.2f} standard errors of the difference"
    )  # fmt: skip


if __name__ == "__main__":
    main()

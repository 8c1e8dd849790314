"""Two or more source trees on `benchmarks/portfolio.py`'s book, back to back: is a change to the portfolio
simulation faster? On a shared machine only such alternating runs under the same load compare fairly.

Each round runs `portfolio.py`'s cyberins case (`run_book` and the JSON document) once per tree, each in its
own process with ``PYTHONPATH`` set to that tree's `src`, measured whole by `measure.run_process`; a first
round, not counted, loads (or compiles) each tree's numba kernels. Prints every round's CPU seconds, then per
tree the least and the median and the AALs, which must agree to rounding.

    .venv/bin/python benchmarks/portfolio_ab.py --trees base=/tmp/base/src new=src --policies 2000 --years 8192
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

from measure import run_process  # benchmarks/measure.py: this script's folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]
PORTFOLIO = Path(__file__).resolve().parent / "portfolio.py"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trees", nargs="+", required=True, help="NAME=PATH of a tree's src folder")
    parser.add_argument("--policies", type=int, default=2_000)
    parser.add_argument("--years", type=int, default=8_192)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    trees = dict(tree.split("=", 1) for tree in args.trees)
    cpu: dict[str, list[float]] = {name: [] for name in trees}
    aal: dict[str, tuple[float, float]] = {}
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for r in range(args.rounds + 1):
        for name, src in trees.items():
            env = dict(os.environ, PYTHONPATH=str(Path(src).resolve()))
            argv = [sys.executable, str(PORTFOLIO), "--child", "cyberins", str(args.policies), str(args.years), "0"]
            m = run_process(argv, ROOT, env)
            out = json.loads(m.stdout.decode().strip().splitlines()[-1])
            aal[name] = (out["gross_aal"], out["net_aal"])
            if r:  # round 0 loads the kernels
                cpu[name].append(m.cpu)
                print(f"round {r} {name}: {m.cpu:.2f} CPU s, {m.peak_mb:.0f} MB", flush=True)
    for name, seconds in cpu.items():
        gross, net = aal[name]
        print(
            f"{name}: least {min(seconds):.2f}, median {statistics.median(seconds):.2f} CPU s; "
            f"gross AAL {gross:,.0f}, net AAL {net:,.0f}"
        )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

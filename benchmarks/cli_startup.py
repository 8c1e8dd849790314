"""Start-up of the `cyberins` command: whole processes, launch to exit, beside a bare Python interpreter.

The root help lists the commands from their summaries without importing any of them; a command imports what
it needs when it runs. Each case runs `--repeat` times, interleaved; the best and the median wall time and
the best CPU time (user + system of the child) are shown, with the targets of issue 17 (`cyberins --help`
under 0.5 s, `policy check` under 1 s).

    .venv/bin/python benchmarks/cli_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import subprocess
import sys
from pathlib import Path

from measure import run_process  # benchmarks/measure.py: this script's folder is on sys.path

ROOT = Path(__file__).resolve().parents[1]
POLICY = "examples/policies/sme-standalone-cny.yaml"
CASES: list[tuple[str, list[str], float | None]] = [
    ("python -c pass (floor)", [sys.executable, "-c", "pass"], None),
    ("cyberins --help", [sys.executable, "-m", "cyberins", "--help"], 0.5),
    ("cyberins policy check", [sys.executable, "-m", "cyberins", "policy", "check", POLICY], 1.0),
    ("cyberins policy show", [sys.executable, "-m", "cyberins", "policy", "show", POLICY], None),
    ("cyberins quote --help", [sys.executable, "-m", "cyberins", "quote", "--help"], None),
    *(
        (f"cyberins {name} --help", [sys.executable, "-m", "cyberins", name, "--help"], None)
        for name in ("simulate", "explain", "claim", "product", "reserve", "policy")
    ),
]
#: Libraries no `--help` should load (tests/cli/test_startup.py checks every command).
HEAVY = ("numpy", "scipy", "matplotlib", "sqlalchemy", "pandas", "chainladder")


def timed(argv: list[str]) -> tuple[float, float]:
    m = run_process(argv, ROOT, env={**os.environ, "COLUMNS": "80"})
    return m.wall, m.cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    walls: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
    cpus: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
    for _ in range(args.repeat):
        for name, argv, _target in CASES:
            wall, cpu = timed(argv)
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(f"{'case':<28} {'best s':>8} {'median s':>9} {'best CPU s':>11} {'target s':>9}  met")
    for name, _, target in CASES:
        best, median = min(walls[name]), statistics.median(walls[name])
        met = "—" if target is None else ("yes" if median < target else "NO")
        shown = "—" if target is None else f"{target:.1f}"
        print(f"{name:<28} {best:>8.3f} {median:>9.3f} {min(cpus[name]):>11.3f} {shown:>9}  {met}")
    print()
    print(f"{'case':<28} heavy libraries loaded")
    for name, argv, _ in CASES[1:]:
        print(f"{name:<28} {', '.join(loaded(argv[3:])) or 'none'}")


def loaded(args: list[str]) -> list[str]:
    """The heavy libraries in `sys.modules` once `cyberins ARGS` has run in a fresh interpreter."""
    code = (
        f"import sys; sys.argv = ['cyberins', *{args!r}]\n"
        "from cyberins.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return list(ast.literal_eval(out.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()

"""CISO Assistant's CRQ and cyberins on the same five scenarios, per simulated year (issue 15, speed).

CISO Assistant (the open GRC peer) quantifies a risk study in `backend/crq/utils.py` of its repository: each
scenario is a Bernoulli event a year (probability p) with a lognormal loss given by its 90% interval, and
a study's portfolio is `run_combined_simulation(..., n_simulations=100_000)`, which loops over years and
scenarios in Python (`simulate_portfolio_annual_losses`) and then builds loss-exceedance curves and metrics.
This script loads that file from a checkout at run time (`--ciso-repo`; it needs NumPy and SciPy only, no
Django) and runs it beside cyberins on `benchmarks/ciso/scenarios.yaml`:

- cyberins draws each scenario as its own event type, Poisson with λ = -ln(1 - p) so that a year has at
  least one event with probability p, and the same lognormal (`ci90: [lb, ub]`); it then applies the terms
  of `benchmarks/ciso/policy.yaml` (retention and sublimit per coverage, an aggregate). CISO applies none:
  its figure is gross, so cyberins does strictly more work per year. Because cyberins allows a second event
  in a year, its gross AAL is Σ λ·E[X] against CISO's Σ p·E[X]; each is checked against its closed form,
  their difference against the expected one, and the share of years with a loss (the same, 1 - Π(1 - p),
  for both) directly. The script stops if any of these is off by more than 4 standard errors.
- in-process compute time, best of `--repeat`, interleaved (the order rotates each round) after a warm-up:
  CISO's simulation against `simulate(model, policy, years, seed)`, then CISO's whole study call (simulation,
  curves, metrics) against `simulate` with both risk measures (gross and insured). For reference, CISO's
  vectorised single-scenario function (`simulate_scenario_annual_loss`, used per hypothesis) five times,
  summed: it is not what CISO runs for a portfolio, and it applies no terms.
- whole process against whole process at each size: `cyberins simulate --json` against a Python
  process that loads CISO's file and runs its study call.

    git --git-dir=<mirror of intuitem/ciso-assistant-community> archive HEAD backend/crq | tar -x -C /tmp/ciso
    .venv/bin/python benchmarks/ciso_crq.py --ciso-repo /tmp/ciso [--years 100000,1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import measure  # benchmarks/measure.py: this script's own folder is on sys.path
import numpy as np
import yaml

from cyberins.model.loading import load_model, parse_model
from cyberins.model.policy import Policy
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.model import RiskModel
from cyberins.quant.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "benchmarks" / "ciso" / "scenarios.yaml"
POLICY = ROOT / "benchmarks" / "ciso" / "policy.yaml"
CISO_FILE = Path("backend") / "crq" / "utils.py"
Z95 = 1.6448536269514722  # standard normal 95th percentile: [lb, ub] is the 5th-95th percentile interval
WARM_UP_YEARS = 10_000
MAX_Z = 4.0

# The whole-process CISO case: load their file by path, run the study's portfolio call, print its mean.
CISO_CHILD = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("ciso_crq_utils", sys.argv[1])
crq = importlib.util.module_from_spec(spec)
spec.loader.exec_module(crq)
out = crq.run_combined_simulation(json.loads(sys.argv[2]), int(sys.argv[3]), random_seed=int(sys.argv[4]))
print(json.dumps({"gross_aal": float(out["Portfolio_Total"]["metrics"]["mean_annual_loss"])}))
"""


def load_ciso(repo: Path) -> ModuleType:
    """CISO Assistant's CRQ module, loaded from its file (it imports NumPy and SciPy only)."""
    path = repo / CISO_FILE
    if not path.is_file():
        raise SystemExit(f"{path} not found: export backend/crq of ciso-assistant-community into --ciso-repo")
    spec = importlib.util.spec_from_file_location("ciso_crq_utils", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ciso_params(scenarios: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """The study's scenarios as CISO's `run_combined_simulation` takes them."""
    return {
        s["event_type"]: {"probability": s["probability"], "lower_bound": s["lb"], "upper_bound": s["ub"]}
        for s in scenarios
    }


def poisson_rate(probability: float) -> float:
    """λ with P(at least one event in a year) = 1 - exp(-λ) = `probability`."""
    return -math.log1p(-probability)


def cyberins_model_doc(spec: dict[str, Any]) -> dict[str, Any]:
    """The same scenarios as a cyberins explicit model: one event type each, on its one coverage."""
    return {
        "kind": "explicit",
        "currency": spec["currency"],
        "name": "CISO Assistant CRQ benchmark (five scenarios)",
        "event_types": {
            s["event_type"]: {
                "frequency": {"dist": "poisson", "lam": poisson_rate(s["probability"])},
                "losses": {s["coverage"]: {"dist": "lognormal", "ci90": [s["lb"], s["ub"]]}},
            }
            for s in spec["scenarios"]
        },
    }


def lognormal_mean(lb: float, ub: float) -> float:
    mu, sigma = (math.log(lb) + math.log(ub)) / 2, (math.log(ub) - math.log(lb)) / (2 * Z95)
    return math.exp(mu + sigma**2 / 2)


class Case:
    """One timed computation: `run(years)` returns (gross annual losses, insured annual losses or None)."""

    def __init__(self, name: str, run: Callable[[int], tuple[np.ndarray, np.ndarray | None]]) -> None:
        self.name, self.run = name, run
        self.wall, self.cpu = math.inf, math.inf
        self.gross: np.ndarray = np.empty(0)
        self.insured: np.ndarray | None = None

    def time(self, years: int) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        gross, insured = self.run(years)
        self.wall = min(self.wall, time.perf_counter() - wall)
        self.cpu = min(self.cpu, time.process_time() - cpu)
        self.gross, self.insured = gross, insured


def cases(
    crq: ModuleType, params: dict[str, dict[str, float]], model: RiskModel, policy: Policy, seed: int
) -> list[Case]:
    listed = [{"name": name, **p} for name, p in params.items()]

    def ciso_sim(n: int) -> tuple[np.ndarray, None]:
        return crq.simulate_portfolio_annual_losses(listed, n, seed)["Portfolio_Total"], None

    def ciso_study(n: int) -> tuple[np.ndarray, None]:
        return crq.run_combined_simulation(params, n, random_seed=seed)["Portfolio_Total"]["raw_losses"], None

    def ciso_vectorised(n: int) -> tuple[np.ndarray, None]:
        draws = [
            crq.simulate_scenario_annual_loss(p["probability"], p["lower_bound"], p["upper_bound"], n, seed + i)
            for i, p in enumerate(params.values())
        ]
        return np.sum(draws, axis=0), None

    def ours_sim(n: int) -> tuple[np.ndarray, np.ndarray]:
        result = simulate(model, policy, n, seed)
        return result.ylt.gross, result.ylt.insured

    def ours_study(n: int) -> tuple[np.ndarray, np.ndarray]:
        result = simulate(model, policy, n, seed)
        result.gross(), result.insured()
        return result.ylt.gross, result.ylt.insured

    return [
        Case("CISO simulate_portfolio_annual_losses", ciso_sim),
        Case("cyberins simulate (terms applied)", ours_sim),
        Case("CISO run_combined_simulation (+curves, metrics)", ciso_study),
        Case("cyberins simulate + gross and insured measures", ours_study),
        Case("CISO simulate_scenario_annual_loss x5 (ref.)", ciso_vectorised),
    ]


def check_same_workload(scenarios: list[dict[str, Any]], ciso: Case, ours: Case) -> list[str]:
    """Each gross AAL against its closed form, their gap against the expected gap, the share of loss years."""
    p = np.array([s["probability"] for s in scenarios])
    lam = -np.log1p(-p)
    mean_loss = np.array([lognormal_mean(s["lb"], s["ub"]) for s in scenarios])
    expected = {"ciso": float(p @ mean_loss), "ours": float(lam @ mean_loss)}
    se = {k: float(c.gross.std(ddof=1) / math.sqrt(len(c.gross))) for k, c in (("ciso", ciso), ("ours", ours))}
    z_ciso = (ciso.gross.mean() - expected["ciso"]) / se["ciso"]
    z_ours = (ours.gross.mean() - expected["ours"]) / se["ours"]
    gap, expected_gap = ours.gross.mean() - ciso.gross.mean(), expected["ours"] - expected["ciso"]
    z_gap = (gap - expected_gap) / math.hypot(se["ciso"], se["ours"])
    share = 1 - float(np.prod(1 - p))
    shares = (float((ciso.gross > 0).mean()), float((ours.gross > 0).mean()))
    z_share = (shares[1] - shares[0]) / math.sqrt(share * (1 - share) * (1 / len(ciso.gross) + 1 / len(ours.gross)))
    lines = [
        f"  gross AAL, closed form: CISO Σp·E[X] = {expected['ciso']:,.0f} (measured {z_ciso:+.2f} se), "
        f"cyberins Σλ·E[X] = {expected['ours']:,.0f} (measured {z_ours:+.2f} se)",
        f"  cyberins - CISO gross AAL: {gap:,.0f}, expected {expected_gap:,.0f} ({z_gap:+.2f} se)",
        f"  share of years with a loss: CISO {shares[0]:.4f}, cyberins {shares[1]:.4f}, "
        f"expected {share:.4f} ({z_share:+.2f} se)",
    ]
    if max(abs(z_ciso), abs(z_ours), abs(z_gap), abs(z_share)) > MAX_Z:
        raise SystemExit("\n".join(["the two workloads differ:", *lines]))
    return lines


def run_process(cmd: list[str]) -> tuple[float, float, dict[str, Any]]:
    """One whole process, launch to exit: wall and CPU seconds (user + system), its JSON output."""
    m = measure.run_process(cmd, ROOT)
    return m.wall, m.cpu, json.loads(m.stdout)


def whole_process(args: argparse.Namespace, spec: dict[str, Any], years: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "model.json"
        model_file.write_text(json.dumps(cyberins_model_doc(spec)), encoding="utf-8")
        n, s = str(years), str(args.seed)
        cmds = {
            "cyberins simulate --json": [
                str(Path(sys.executable).with_name("cyberins")), "simulate", str(model_file),
                "--policy", str(POLICY), "--years", n, "--seed", s, "--json",
            ],
            "python + CISO run_combined_simulation": [
                sys.executable, "-c", CISO_CHILD, str(args.ciso_repo / CISO_FILE),
                json.dumps(ciso_params(spec["scenarios"])), n, s,
            ],
        }  # fmt: skip
        runs: dict[str, list[tuple[float, float, dict[str, Any]]]] = {name: [] for name in cmds}
        for i in range(args.repeat):  # interleaved, the first case alternating
            for name in list(cmds)[:: 1 if i % 2 == 0 else -1]:
                runs[name].append(run_process(cmds[name]))
    # per case: the fastest wall time, and the fastest run by CPU time with its output
    best = {name: (min(r[0] for r in rs), *min(rs, key=lambda r: r[1])[1:]) for name, rs in runs.items()}
    print(f"\nwhole process, {years:,} years, start-up included, best of {args.repeat} (interleaved)")
    print(f"{'case':<40}{'wall s':>9}{'CPU s':>9}{'µs/yr CPU':>11}{'gross AAL':>13}{'insured AAL':>13}")
    for name, (wall, cpu, doc) in best.items():
        gross = doc["gross"]["aal"] if "gross" in doc else doc["gross_aal"]
        insured = f"{doc['insured']['aal']:>13,.0f}" if "insured" in doc else f"{'-':>13}"
        print(f"{name:<40}{wall:>9.2f}{cpu:>9.2f}{cpu / years * 1e6:>11.2f}{gross:>13,.0f}{insured}")
    ours, theirs = best["cyberins simulate --json"], best["python + CISO run_combined_simulation"]
    print(f"CISO / cyberins, whole process: CPU {theirs[1] / ours[1]:.1f}x, wall {theirs[0] / ours[0]:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ciso-repo", type=Path, required=True, help="folder holding backend/crq/utils.py")
    ap.add_argument("--years", default="100000,1000000", help="comma-separated sizes (100,000 is CISO's own)")
    ap.add_argument("--seed", type=int, default=41)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-process", action="store_true", help="skip the whole-process comparison")
    args = ap.parse_args()
    spec = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    crq = load_ciso(args.ciso_repo)
    params = ciso_params(spec["scenarios"])
    model = parse_model(ExplicitModelFile, cyberins_model_doc(spec)).to_model()
    policy = load_model(Policy, POLICY)
    sizes = [int(y) for y in args.years.split(",")]
    print(f"five CRQ scenarios ({SCENARIOS.name}), seed {args.seed}; load average before: {os.getloadavg()}")
    for years in sizes:
        timed = cases(crq, params, model, policy, args.seed)
        for case in timed:  # warm-up: imports, caches, first-touch of the code paths
            case.run(WARM_UP_YEARS)
        for i in range(args.repeat):  # interleaved, the order rotating, so every case sees the same machine
            for case in timed[i % len(timed) :] + timed[: i % len(timed)]:
                case.time(years)
        print(f"\nin-process compute, {years:,} years, best of {args.repeat} (interleaved, after a warm-up)")
        print(f"{'case':<50}{'wall s':>8}{'CPU s':>8}{'µs/yr CPU':>11}{'gross AAL':>12}{'insured AAL':>13}")
        for case in timed:
            insured = f"{case.insured.mean():>13,.0f}" if case.insured is not None else f"{'-':>13}"
            print(
                f"{case.name:<50}{case.wall:>8.3f}{case.cpu:>8.3f}{case.cpu / years * 1e6:>11.3f}"
                f"{case.gross.mean():>12,.0f}{insured}"
            )
        for theirs, ours in ((timed[0], timed[1]), (timed[2], timed[3]), (timed[4], timed[1])):
            print(f"{theirs.name} / {ours.name}: CPU {theirs.cpu / ours.cpu:.1f}x, wall {theirs.wall / ours.wall:.1f}x")
        print("\n".join(check_same_workload(spec["scenarios"], timed[0], timed[1])))
        if not args.no_process:
            whole_process(args, spec, years)
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

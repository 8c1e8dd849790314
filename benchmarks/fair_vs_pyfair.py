"""The same FAIR model in pyfair and in cyberins at 1,000,000 simulated years, side by side (issue 4 §6).

pyfair computes risk = LEF × LM with one loss magnitude per simulated year (LEF = TEF × vulnerability, LM =
primary + secondary loss). cyberins draws the compound process the model describes: a Poisson count of
loss events per year with rate E[TEF] × E[vulnerability], and a primary and a secondary loss per event.
Both have the same expected annual loss, E[TEF]·E[V]·(E[PL] + E[SL]); the table shows both means with the
standard error of the difference, and the compute time of each (best of `--repeat` runs, in-process, same
machine, same run).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/fair_vs_pyfair.py [--years 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from cyberins.model.loading import parse_model
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.simulate import simulate

# A FAIR analysis of a ransomware scenario at a mid-size firm (PERT low / mode / high).
TEF = {"low": 0.2, "mode": 0.6, "high": 2.0}  # threat events per year
VULN = {"low": 0.1, "mode": 0.3, "high": 0.6}  # probability a threat event becomes a loss event
PRIMARY = {"low": 50_000, "mode": 200_000, "high": 1_500_000}  # response, restoration, downtime (CNY)
SECONDARY = {"low": 0, "mode": 100_000, "high": 2_000_000}  # liability, fines, reputation (CNY)


def pert_mean(p: dict[str, float]) -> float:
    return (p["low"] + 4 * p["mode"] + p["high"]) / 6


def run_pyfair(years: int) -> np.ndarray:
    import pyfair

    model = pyfair.FairModel(name="ransomware", n_simulations=years, random_seed=42)
    model.input_data("Threat Event Frequency", **TEF)
    model.input_data("Vulnerability", **VULN)
    model.input_data("Primary Loss", **PRIMARY)
    model.input_data("Secondary Loss", **SECONDARY)
    model.calculate_all()
    return model.export_results()["Risk"].to_numpy()


def cyberins_model() -> Any:
    lam = pert_mean(TEF) * pert_mean(VULN)
    doc = {
        "kind": "explicit",
        "currency": "CNY",
        "event_types": {
            "ransomware": {
                "frequency": {"dist": "poisson", "lam": lam},
                "losses": {
                    "incident_response": {"dist": "pert", **PRIMARY},
                    "privacy_liability": {"dist": "pert", **SECONDARY},
                },
            }
        },
    }
    return parse_model(ExplicitModelFile, doc).to_model()


def run_cyberins(years: int) -> np.ndarray:
    return simulate(cyberins_model(), None, years, seed=42).ylt.gross


def best_time(fn: Callable[[int], np.ndarray], years: int, repeat: int) -> tuple[float, np.ndarray]:
    best, out = math.inf, np.empty(0)
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn(years)
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with warnings.catch_warnings():  # pyfair's pandas usage warns on recent pandas
        warnings.simplefilter("ignore")
        t_fair, fair = best_time(run_pyfair, args.years, args.repeat)
    t_ours, ours = best_time(run_cyberins, args.years, args.repeat)
    expected = pert_mean(TEF) * pert_mean(VULN) * (pert_mean(PRIMARY) + pert_mean(SECONDARY))
    se = math.sqrt(fair.var() / len(fair) + ours.var() / len(ours))
    gap = (ours.mean() - fair.mean()) / se
    print(f"FAIR ransomware model, {args.years:,} simulated years, best of {args.repeat}")
    print(f"{'':<32}{'pyfair':>16}{'cyberins':>16}")
    print(f"{'process':<32}{'LEF x one LM':>16}{'compound':>16}")
    print(f"{'compute time (s)':<32}{t_fair:>16.3f}{t_ours:>16.3f}")
    print(f"{'mean annual loss (CNY)':<32}{fair.mean():>16,.0f}{ours.mean():>16,.0f}")
    print(f"{'closed-form mean (CNY)':<32}{expected:>16,.0f}{expected:>16,.0f}")
    print(f"{'share of years with a loss':<32}{(fair > 0).mean():>16.3f}{(ours > 0).mean():>16.3f}")
    print(f"{'99th percentile (CNY)':<32}{np.quantile(fair, 0.99):>16,.0f}{np.quantile(ours, 0.99):>16,.0f}")
    print(f"speed-up: {t_fair / t_ours:.1f}x; difference of means: {gap:+.2f} standard errors")


if __name__ == "__main__":
    main()

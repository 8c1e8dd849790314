"""Calibrate the pricing basis's diversification share to the market's loss ratio (docs/pricing.md).

A single policy's stand-alone capital, TVaR99.5 − EL of its own annual loss, is far larger than what it ties
up in a book of many independent risks. The basis charges a share d of it. This script prices a reference
book — every example organisation in examples/orgs/ under the example SME wording — and solves for the d at
which the book's expected loss ratio equals a target (default 42%, the US cyber market's 2023 direct loss
ratio, AM Best; shared/data/calibration/published-figures.md):

    LR = ΣEL · (1 − e − p) / (ΣEL + r · d · ΣC)   ⇒   d = ΣEL · ((1 − e − p) / LR − 1) / (r · ΣC)

    .venv/bin/python scripts/calibrate_pricing.py [--years 200000] [--target 0.42]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cyberins.assess import load_risk_model
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.pricing import default_basis
from cyberins.quant.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]


def reference_book(years: int, seed: int) -> tuple[float, float]:
    """Σ expected insured loss and Σ stand-alone capital (TVaR99.5 − EL) of the reference book."""
    policy = load_model(Policy, ROOT / "examples" / "policies" / "sme-standalone-cny.yaml")
    total_el = total_capital = 0.0
    for path in sorted((ROOT / "examples" / "orgs").glob("*.yaml")):
        insured = simulate(load_risk_model(path), policy, years, seed).insured()
        total_el += insured.aal
        total_capital += insured.tvar["0.995"] - insured.aal
    return total_el, total_capital


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--target", type=float, default=0.42, help="target loss ratio")
    args = ap.parse_args()
    basis = default_basis()
    r = float(basis.risk_load.cost_of_capital_rate.value)
    keep = 1 - float(basis.expense_ratio.value) - float(basis.profit_margin.value)
    el, capital = reference_book(args.years, args.seed)
    d = el * (keep / args.target - 1) / (r * capital)
    print(f"reference book: ΣEL {el:,.0f}, Σ(TVaR99.5 − EL) {capital:,.0f}; r {r}, 1 − e − p {keep}")
    print(f"diversification share for a {args.target:.0%} loss ratio: {d:.3f}")


if __name__ == "__main__":
    main()

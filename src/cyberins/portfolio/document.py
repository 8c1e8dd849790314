"""The `portfolio run --json` document (contract §5) and the year-loss table's columns (§6) of a run."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from cyberins.portfolio.book import OWN_EVENTS
from cyberins.portfolio.simulate import PortfolioRun
from cyberins.quant.metrics import LEVELS, LossMeasures
from cyberins.quant.model import FloatArray

#: Policies listed in `contributions.tvar[level].by_policy_top`.
TOP_POLICIES = 20
NONE = "none"


def euler_weights(annual: FloatArray, level: float) -> FloatArray:
    """Year weights of the expected shortfall at `level` (rule 13), ties broken towards the lower year index:
    1/m on the ⌊m⌋ worst years, (m − ⌊m⌋)/m on the next, m = (1 − level)·N; `weights @ annual` is the TVaR,
    and for groups whose years add up to `annual`, `group @ weights` are Euler contributions adding up to it."""
    n = len(annual)
    m = (1 - Fraction(str(level))) * n
    whole = int(m)
    order = np.argsort(-annual, kind="stable")  # worst first; equal years in year order
    weights = np.zeros(n)
    weights[order[:whole]] = 1.0 / float(m)
    if whole < n and m > whole:
        weights[order[whole]] = float(m - whole) / float(m)
    return weights


def measures(annual: FloatArray, largest: FloatArray) -> dict[str, Any]:
    return LossMeasures.of(annual, largest).as_dict()


def run_document(run: PortfolioRun) -> dict[str, Any]:
    """The contract §5 document of a run."""
    book, years, ylt = run.book, run.years, run.ylt
    sources = [OWN_EVENTS, *(s.id for s in book.scenarios)]
    gross_by_source = np.stack([ylt[f"gross.{s}"] for s in sources])
    dependency_of = [NONE, *(s.dependency for s in book.scenarios)]
    dependencies = [*book.dependencies, NONE]
    doc: dict[str, Any] = {
        "portfolio": book.id,
        "years": years,
        "seed": run.seed,
        "currency": book.currency,
        "policies": book.policies,
        "ground_up": measures(ylt["ground_up"], run.largest["ground_up"]),
        "gross": measures(ylt["gross"], run.largest["gross"]),
        "net": measures(ylt["net"], run.largest["net"]),
        "ceded": {},
        "ils": {},
    }
    doc.update(_programme_blocks(run))
    by_scenario: dict[str, Any] = {}
    for s, sid in enumerate(sources):
        block: dict[str, float] = {} if s == 0 else {"rate": book.scenarios[s - 1].rate}
        block["events_per_year"] = float(run.events_by_source[s]) / years
        block["ground_up_aal"] = float(run.ground_up_by_source[s]) / years
        block["gross_aal"] = float(gross_by_source[s].sum()) / years
        by_scenario[sid] = block
    doc["by_scenario"] = by_scenario
    doc["by_industry"] = {
        ind: {
            "ground_up_aal": float(run.ground_up_by_industry[i]) / years,
            "gross_aal": float(run.gross_by_industry[i].sum()) / years,
        }
        for i, ind in enumerate(run.industries)
    }
    by_dep = {d: {"ground_up_aal": 0.0, "gross_aal": 0.0} for d in dependencies}
    gross_by_dep = np.zeros((len(dependencies), years))
    for s, dep in enumerate(dependency_of):
        d = dependencies.index(dep)
        by_dep[dep]["ground_up_aal"] += float(run.ground_up_by_source[s]) / years
        by_dep[dep]["gross_aal"] += float(gross_by_source[s].sum()) / years
        gross_by_dep[d] += gross_by_source[s]
    doc["by_dependency"] = by_dep
    doc["under_review"] = {
        "gross_aal": float(run.under_review.mean()),
        "years_with_any": int((run.under_review > 0).sum()),
    }
    doc["contributions"] = {"tvar": {}}
    names = [f"{line.id}#{k + 1}" for line in book.lines for k in range(line.count)] if book.policies <= 10**6 else []
    for level in LEVELS:
        w = euler_weights(ylt["gross"], level)
        per_policy = np.bincount(
            run.policy_index, weights=w[run.policy_year] * run.policy_gross, minlength=book.policies
        )
        top = sorted(
            ((float(v), names[i] if names else str(i)) for i, v in enumerate(per_policy) if v > 0),
            key=lambda item: (-item[0], item[1]),
        )[:TOP_POLICIES]
        doc["contributions"]["tvar"][str(level)] = {
            "by_scenario": dict(zip(sources, (gross_by_source @ w).tolist(), strict=True)),
            "by_industry": dict(zip(run.industries, (run.gross_by_industry @ w).tolist(), strict=True)),
            "by_dependency": dict(zip(dependencies, (gross_by_dep @ w).tolist(), strict=True)),
            "by_policy_top": [[name, value] for value, name in top],
        }
    return doc


def _programme_blocks(run: PortfolioRun) -> dict[str, Any]:
    """`ceded` per treaty and `ils` per bond (contract §5): their measures and the probabilities of §5."""
    book, ylt = run.book, run.ylt
    ceded: dict[str, Any] = {}
    for t in book.reinsurance:
        annual = ylt[f"ceded.{t.id}"]
        block = measures(annual, run.largest[f"ceded.{t.id}"])
        premium = ylt.get(f"reinstatement_premium.{t.id}")
        cover = t.annual_cover
        block["expected_reinstatement_premium"] = 0.0 if premium is None else float(premium.mean())
        block["attachment_probability"] = float((annual > 0).mean())
        # "Reaches the annual cover to the cent": within half a cent of it.
        block["exhaustion_probability"] = 0.0 if cover is None else float((annual >= cover - 0.005).mean())
        ceded[t.id] = block
    ils: dict[str, Any] = {}
    for bond in book.ils:
        paid = ylt[f"ils.{bond.id}"]
        ils[bond.id] = {
            "attachment_probability": float((paid > 0).mean()),
            "exhaustion_probability": float((paid >= bond.limit - 0.005).mean()),
            "expected_loss": float(paid.mean()),
            "expected_loss_pct_of_limit": float(paid.mean()) / bond.limit,
        }
    return {"ceded": ceded, "ils": ils}


def ylt_columns(run: PortfolioRun) -> dict[str, FloatArray]:
    """The year-loss table (contract §6): `year`, then the amounts in the contract's order."""
    columns: dict[str, Any] = {"year": np.arange(run.years)}
    columns.update(run.ylt)
    return columns

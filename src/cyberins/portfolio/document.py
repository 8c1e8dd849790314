"""The `portfolio run --json` document (contract §5) and the year-loss table's columns (§6) of a run."""

from __future__ import annotations

from typing import Any

import numpy as np

from cyberins.portfolio.book import OWN_EVENTS
from cyberins.portfolio.measures import ceded_blocks, contributions, ils_blocks, loss_block
from cyberins.portfolio.simulate import PortfolioRun
from cyberins.quant.model import FloatArray

#: The `by_dependency` group of own events (they strike no dependency).
NONE = "none"


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
        "ground_up": loss_block(ylt["ground_up"], run.largest["ground_up"]),
        "gross": loss_block(ylt["gross"], run.largest["gross"]),
        "net": loss_block(ylt["net"], run.largest["net"]),
        "ceded": ceded_blocks(
            book.reinsurance,
            {t.id: ylt[f"ceded.{t.id}"] for t in book.reinsurance},
            {t.id: run.largest[f"ceded.{t.id}"] for t in book.reinsurance},
            {k.removeprefix("reinstatement_premium."): v for k, v in ylt.items() if k.startswith("reinstatement_")},
        ),
        "ils": ils_blocks(book.ils, {b.id: ylt[f"ils.{b.id}"] for b in book.ils}),
    }
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
    names = [f"{line.id}#{k + 1}" for line in book.lines for k in range(line.count)]

    def by_policy(weights: FloatArray) -> dict[str, float]:
        values = sum((part.contributions(weights, book.policies) for part in run.policy_years), np.zeros(book.policies))
        return {names[i]: float(values[i]) for i in np.flatnonzero(values > 0)}

    groupings = {
        "by_scenario": dict(zip(sources, gross_by_source, strict=True)),
        "by_industry": dict(zip(run.industries, run.gross_by_industry, strict=True)),
        "by_dependency": dict(zip(dependencies, gross_by_dep, strict=True)),
    }
    doc["contributions"] = {"tvar": contributions(ylt["gross"], groupings, by_policy)}
    return doc


def ylt_columns(run: PortfolioRun) -> dict[str, FloatArray]:
    """The year-loss table (contract §6): `year`, then the amounts in the contract's order."""
    columns: dict[str, Any] = {"year": np.arange(run.years)}
    columns.update(run.ylt)
    return columns

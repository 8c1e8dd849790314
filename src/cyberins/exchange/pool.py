"""Pooled loss data with k-anonymity and l-diversity (issue 21 §4, contract (f); docs/pooling.md).

Each record's four quasi-identifiers climb a ladder of three rungs:

| quasi-identifier | rung 0 | rung 1 | rung 2 |
|---|---|---|---|
| `industry` | catalog industry id | GB/T 4754-2017 section (`gbt4754:C`) | `*` |
| `size_band` | revenue band of the assess calibration | two neighbouring bands (`small+mid`) | `*` |
| `region` | ISO 3166-2 code (`CN-ZJ`) | area (`CN/east`, regions.yaml) | country (`CN`) |
| `period` | month of occurrence (`2025-03`) | quarter (`2025-Q1`) | year (`2025`) |

The search visits all 3⁴ = 81 nodes of that lattice (one rung per quasi-identifier, full-domain
generalisation as in Samarati 2001). At a node, an equivalence class (records equal on the four) is released
when it holds at least k records and at least l distinct causes; the records of the other classes are
suppressed. A node is acceptable when it suppresses at most `max_suppression` of the records, so the search
generalises first and suppresses only the few outliers that no acceptable generalisation absorbs. Among the
acceptable nodes it takes the one losing least information: the mean over records of the rungs climbed
(rung / 2, averaged over the four) with a suppressed record counting 1 (Sweeney's precision metric with
suppression as total generalisation); ties go to the lower rungs, then the lattice order. When no node is
acceptable the top node is taken and what is still small is suppressed.

Direct identifiers (`record_id`, `insured_name`), exact revenue and dates never reach the output; costs pass
unchanged; records are sorted so their order does not reveal the contribution order.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cyberins.assess.calibration import Calibration
from cyberins.assess.resources import load_calibration
from cyberins.catalog import get_catalog
from cyberins.exchange.contribution import Contribution, LossRecord, load_regions
from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.money import to_minor

QUASI_IDENTIFIERS: tuple[str, ...] = ("industry", "size_band", "region", "period")
#: The name of each rung, per quasi-identifier (the report's `generalised` values).
RUNGS: Mapping[str, tuple[str, str, str]] = {
    "industry": ("industry", "gbt4754_section", "any"),
    "size_band": ("band", "wider_band", "any"),
    "region": ("province", "area", "country"),
    "period": ("month", "quarter", "year"),
}
TOP = len(RUNGS["industry"]) - 1
#: Default share of records the search may suppress at a node it accepts.
MAX_SUPPRESSION = 0.05

Ladder = tuple[tuple[str, ...], ...]  # per quasi-identifier, its value at each rung
Node = tuple[int, ...]  # the rung of each quasi-identifier


@dataclass(frozen=True)
class PoolResult:
    """The released records (generalised), what was suppressed and the node the search chose."""

    k: int
    l_diversity: int
    records: tuple[dict[str, Any], ...]
    input_records: int
    node: Node
    information_loss: float

    @property
    def released_records(self) -> int:
        return len(self.records)

    @property
    def suppressed_records(self) -> int:
        return self.input_records - len(self.records)

    def report(self) -> dict[str, Any]:
        return {
            "input_records": self.input_records,
            "released_records": self.released_records,
            "suppressed_records": self.suppressed_records,
            "generalised": {q: RUNGS[q][r] for q, r in zip(QUASI_IDENTIFIERS, self.node, strict=True)},
            "l": self.l_diversity,
            "information_loss": round(self.information_loss, 6),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "cyberins-loss-pool",
            "version": 1,
            "k": self.k,
            "quasi_identifiers": list(QUASI_IDENTIFIERS),
            "records": list(self.records),
            "report": self.report(),
        }


def _wider_bands(cal: Calibration) -> dict[str, str]:
    """Each band's pair of neighbours (`small` → `small+mid`): bands 1-2, 3-4, … joined."""
    ids = [b.id for b in cal.revenue_bands]
    return {b: "+".join(ids[i - i % 2 : i - i % 2 + 2]) for i, b in enumerate(ids)}


def ladder(record: LossRecord, cal: Calibration, where: str = "") -> Ladder:
    """The record's value at each rung of each quasi-identifier (module docstring's table)."""
    if record.currency != "CNY" and record.currency not in cal.fx_to_cny:
        known = ", ".join(["CNY", *cal.fx_to_cny])
        said = Said("input.exchange.no_rate_cny", {"currency": record.currency, "known": known})
        raise InvalidInput.one(f"{where}currency", said)
    band = cal.band(float(record.annual_revenue) * cal.fx(record.currency)).id
    section = get_catalog().industries[record.industry].gbt4754.section
    country = record.region.split("-", 1)[0]
    area = load_regions().provinces.get(record.region)
    month = record.occurred_on
    return (
        (record.industry, f"gbt4754:{section}", "*"),
        (band, _wider_bands(cal)[band], "*"),
        (record.region, f"{country}/{area}" if area else country, country),
        (f"{month:%Y-%m}", f"{month.year}-Q{(month.month - 1) // 3 + 1}", f"{month.year}"),
    )


def _keys(ladders: Sequence[Ladder], node: Node) -> list[tuple[str, ...]]:
    return [tuple(lad[q][r] for q, r in enumerate(node)) for lad in ladders]


def released(ladders: Sequence[Ladder], causes: Sequence[str], node: Node, k: int, l_diversity: int) -> list[bool]:
    """Which records a node releases: those in classes of at least k records and l distinct causes."""
    keys = _keys(ladders, node)
    size = Counter(keys)
    distinct: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for key, cause in zip(keys, causes, strict=True):
        distinct[key].add(cause)
    return [size[key] >= k and len(distinct[key]) >= l_diversity for key in keys]


def search(
    ladders: Sequence[Ladder], causes: Sequence[str], k: int, l_diversity: int, max_suppression: float = MAX_SUPPRESSION
) -> tuple[Node, list[bool], float]:
    """The lattice search of the module docstring: (node, released mask, information loss)."""
    n = len(ladders)
    best: tuple[float, int, Node, list[bool]] | None = None
    for node in itertools.product(range(TOP + 1), repeat=len(QUASI_IDENTIFIERS)):
        mask = released(ladders, causes, node, k, l_diversity)
        suppressed = n - sum(mask)
        if suppressed > max_suppression * n:
            continue
        height = sum(node) / (TOP * len(node))
        loss = (sum(mask) * height + suppressed) / n if n else 0.0
        candidate = (loss, sum(node), node, mask)
        if best is None or candidate[:3] < best[:3]:
            best = candidate
    if best is None:
        top = (TOP,) * len(QUASI_IDENTIFIERS)
        # at the top every released record is fully generalised and every suppressed one counts 1: loss 1
        return top, released(ladders, causes, top, k, l_diversity), 1.0
    return best[2], best[3], best[0]


def _check_parameters(k: int, l_diversity: int, max_suppression: float) -> None:
    problems = []
    if k < 2:
        problems.append(Problem.of("k", Said("input.exchange.k_min", {"k": k})))
    if not 1 <= l_diversity <= max(k, 1):
        problems.append(Problem.of("l", Said("input.exchange.l_between", {"k": k, "l": l_diversity})))
    if not 0 <= max_suppression < 1:
        problems.append(Problem.of("max_suppression", Said("input.exchange.suppression", {"value": max_suppression})))
    if problems:
        raise InvalidInput(problems)


def pool(
    contributions: Sequence[Contribution],
    k: int = 5,
    l_diversity: int = 2,
    max_suppression: float = MAX_SUPPRESSION,
    calibration: Calibration | None = None,
) -> PoolResult:
    """Pool contributions into one k-anonymous, l-diverse dataset (module docstring).

    >>> from cyberins.exchange.pool import pool
    >>> pool([]).report()["released_records"]
    0
    """
    _check_parameters(k, l_diversity, max_suppression)
    cal = calibration or load_calibration()
    records = [r for c in contributions for r in c.records]
    ladders = [_ladder(r, cal, c.contributor, j) for c in contributions for j, r in enumerate(c.records)]
    node, mask, loss = search(ladders, [r.cause for r in records], k, l_diversity, max_suppression)
    out = [
        _released(record, key) for record, key, keep in zip(records, _keys(ladders, node), mask, strict=True) if keep
    ]
    out.sort(
        key=lambda r: (*(r[q] for q in QUASI_IDENTIFIERS), r["event_type"], r["cause"], sorted(r["costs"].items()))
    )
    return PoolResult(k, l_diversity, tuple(out), len(records), node, loss)


def _ladder(record: LossRecord, cal: Calibration, contributor: str, index: int) -> Ladder:
    try:
        return ladder(record, cal, f"records[{index}].")
    except InvalidInput as exc:
        raise InvalidInput(exc.problems, contributor) from None


def _released(record: LossRecord, key: tuple[str, ...]) -> dict[str, Any]:
    costs = {c.value: str(to_minor(a, record.currency)) for c, a in record.costs.items()}
    return {
        **dict(zip(QUASI_IDENTIFIERS, key, strict=True)),
        "event_type": record.event_type.value,
        "cause": record.cause,
        "currency": record.currency,
        "costs": dict(sorted(costs.items())),
    }

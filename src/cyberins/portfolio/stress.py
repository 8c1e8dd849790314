"""A deterministic stress test (contract §7): one named systemic event of a given duration on a fresh year.

Every line that depends on the scenario's dependency suffers one incident of the scenario's event type, the
same for each of its insureds: ground-up = Σ over the scenario's `losses` (an `hours` loss is an outage
from hour 0 to `hours` at the line's `bi_per_hour`, so waiting and indemnity periods act). Its policy pays
exactly what `terms.settle_scenario` pays for that loss (nothing eroded before: a fresh policy year), unless
the claims decision's exclusions bar it (rule 9). A line counts with weight count × hit_probability (the
expected number of its insureds hit); the treaties act on the one occurrence in list order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from cyberins.model.ids import TIME_ELEMENT_COVERAGES, Confidence, Exclusion
from cyberins.model.scenario import LossScenario, Outage
from cyberins.portfolio.book import BI_PER_HOUR, HOURS, Book, Line, Scenario
from cyberins.portfolio.events import bar
from cyberins.terms import settle_scenario

#: What a hit line's outcome is when an exclusion bars it.
EXCLUDED = {
    Exclusion.STATE_BACKED_CYBER_OPERATION: "excluded_state_backed",
    Exclusion.WAR: "excluded_war",
    Exclusion.INFRASTRUCTURE_FAILURE: "excluded_infrastructure_failure",
}


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def incident(line: Line, scenario: Scenario, hours: float, currency: str) -> LossScenario:
    """One insured's ground-up loss in the event: money per exposure field, an outage per `hours` coverage."""
    losses, outages = {}, []
    for cov, basis in scenario.losses.items():
        if basis == HOURS and cov in TIME_ELEMENT_COVERAGES:
            per_hour = line.amount(BI_PER_HOUR)
            if per_hour > 0 and hours > 0:
                outages.append(Outage(coverage=cov, end_h=Decimal(str(hours)), per_hour=_money(per_hour)))
        elif line.amount(basis) > 0:
            losses[cov] = _money(line.amount(basis))
    return LossScenario(currency=currency, event_type=scenario.event_type, losses=losses, outages=outages)


def line_outcome(
    line: Line, scenario: Scenario, hours: float, currency: str, confidence: Confidence | None
) -> tuple[float, float, str, bool]:
    """One insured of a hit line: (ground-up, paid, outcome, paid while the attribution is under review)."""
    loss = incident(line, scenario, hours, currency)
    ground_up = float(
        sum(loss.losses.values(), Decimal(0)) + sum((o.end_h * o.per_hour for o in loss.outages), Decimal(0))
    )
    if line.policy is None:
        return ground_up, 0.0, "uninsured", False
    verdict = bar(line, scenario, confidence)
    if verdict.exclusion is not None:
        return ground_up, 0.0, EXCLUDED[verdict.exclusion], False
    settled = settle_scenario(line.policy, loss)
    if not settled.lines:
        return ground_up, 0.0, "not_purchased", False
    paid = float(settled.total_payable) * line.share  # the insurer's co-insurance share of the policy
    return ground_up, paid, "paid" if paid > 0 else "covered_nothing_payable", verdict.under_review and paid > 0


def stress(book: Book, scenario_id: str, hours: float, confidence: Confidence | None = None) -> dict[str, Any]:
    """The contract §7 document of `scenario_id` lasting `hours` (`confidence` replaces the scenario's)."""
    scenario = book.scenario(scenario_id)
    hit = [(i, line) for i, line in enumerate(book.lines) if scenario.dependency in line.depends_on]
    by_line: dict[str, Any] = {}
    groups: dict[str, dict[str, dict[str, float]]] = {"by_industry": {}, "by_size": {}, "by_dependency": {}}
    ground_up_total = gross_total = hit_total = review_total = 0.0
    amounts, weights, policies = [], [], []
    for i, line in hit:
        ground_up, paid, outcome, review = line_outcome(line, scenario, hours, book.currency, confidence)
        weight = line.count * scenario.hit_probability
        by_line[line.id] = {
            "count": line.count,
            "hit_probability": scenario.hit_probability,
            "policies_hit": weight,
            "ground_up": ground_up * weight,
            "gross": paid * weight,
            "outcome": outcome,
            "per_insured": {"ground_up": ground_up, "gross": paid},
        }
        for group, key in (
            ("by_industry", line.industry),
            ("by_size", line.size),
            ("by_dependency", scenario.dependency),
        ):
            block = groups[group].setdefault(key, {"ground_up": 0.0, "gross": 0.0})
            block["ground_up"] += ground_up * weight
            block["gross"] += paid * weight
        ground_up_total += ground_up * weight
        gross_total += paid * weight
        hit_total += weight
        review_total += paid * weight if review else 0.0
        if paid > 0:
            amounts.append(paid)
            weights.append(weight)
            policies.append(i)
    given = confidence or scenario.attribution_confidence
    ceded, premium = _treaties(book, np.array(amounts), np.array(weights), np.array(policies, dtype=np.int64))
    return {
        "portfolio": book.id,
        "scenario": scenario.id,
        "family": scenario.family.value,
        "event_type": scenario.event_type.value,
        "dependency": scenario.dependency,
        "hours": hours,
        "attribution_confidence": given.value if given else None,
        "currency": book.currency,
        "policies": book.policies,
        "policies_hit": hit_total,
        "ground_up": ground_up_total,
        "gross": gross_total,
        "ceded": ceded,
        "net": gross_total - sum(ceded.values()),
        "reinstatement_premium": premium,
        "under_review": review_total,
        **groups,
        "by_line": by_line,
    }


def _treaties(
    book: Book, amounts: np.ndarray, weights: np.ndarray, policies: np.ndarray
) -> tuple[dict[str, float], dict[str, float]]:
    """The programme on the one occurrence: recoveries by treaty and reinstatement premium by XL."""
    if not book.reinsurance:
        return {}, {}
    from cyberins.portfolio.treaties import XL_KINDS, GrossRows, apply_programme

    n = len(amounts)
    rows = GrossRows(
        np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.zeros(n), policies, amounts, weight=weights
    )
    result = apply_programme(rows, list(book.reinsurance), 1)
    ceded = {t.id: float(np.dot(np.asarray(result.ceded[t.id]), weights)) for t in book.reinsurance}
    premium = {
        t.id: float(np.asarray(result.reinstatement_premium[t.id])[0])
        for t in book.reinsurance
        if isinstance(t, XL_KINDS)
    }
    return ceded, premium

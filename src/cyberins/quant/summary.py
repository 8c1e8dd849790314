"""The `simulate --json` document (issue 4 contract), built from a `SimulationResult`."""

from __future__ import annotations

from typing import Any

from cyberins.quant.metrics import standard_error
from cyberins.quant.simulate import SimulationResult


def simulation_document(result: SimulationResult, *, policy_number: str | None = None) -> dict[str, Any]:
    """`{"years", "seed", "currency", "gross", "insured", "by_coverage", "by_event_type", …}`.

    `gross` is the ground-up loss before the policy's terms and `insured` what the policy pays (rule 13);
    without a policy `insured` is null. `attribution_under_review` (rule 20) is the part of `insured` paid for
    events whose state-backed attribution is under review: counted in `insured` (the prudent view) and shown
    apart, so a reader sees both; null when the model has no such events.
    """
    gross, insured = result.gross(), result.insured() if result.has_policy else None
    total_gross = gross.aal or 1.0
    review = None
    if result.under_review is not None and insured is not None:
        aal = float(result.under_review.mean())
        review = {
            "insured_aal": aal,
            "insured_aal_se": standard_error(result.under_review),
            "share_of_insured": aal / insured.aal if insured.aal > 0 else 0.0,
            "insured_aal_without": insured.aal - aal,
        }
    return {
        "years": result.years,
        "seed": result.seed,
        "currency": result.currency,
        "policy_number": policy_number,
        "gross": gross.as_dict(),
        "insured": insured.as_dict() if insured else None,
        "by_coverage": {
            c.value: {"gross_aal": g, "insured_aal": i, "share_of_gross": g / total_gross}
            for c, (g, i) in result.by_coverage.items()
        },
        "by_event_type": {
            et.value: {
                "frequency": result.frequency[et],
                "gross_aal": g,
                "insured_aal": i,
                "share_of_gross": g / total_gross,
            }
            for et, (g, i) in result.by_event_type.items()
        },
        "attribution_under_review": review,
        "notes": [
            f"{c.value}: loss given as money only, so its waiting and indemnity periods could not act (rule 15)"
            for c in result.money_only_time_element
        ],
    }

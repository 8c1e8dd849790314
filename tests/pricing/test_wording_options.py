"""Rules 5, 19 and 20 priced: the wording options act on the premium through the one terms engine.

Every event has fixed losses, so each year's insured loss is hand-computable from its events: the expected
insured loss must be (payable per event) × (events drawn per year) exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cyberins.model.ids import EventType
from cyberins.model.policy import Policy
from cyberins.pricing import default_basis, technical_premium
from cyberins.quant.simulate import simulate
from tests.pricing.helpers import explicit, fixed, poisson, policy

YEARS, SEED = 40_000, 11
RW, SF = EventType.RANSOMWARE, EventType.SYSTEM_FAILURE


def model(under_review: float = 0.0) -> Any:
    return explicit(
        {
            "ransomware": {
                "frequency": poisson(0.3),
                "losses": {"incident_response": fixed(30_000), "data_restoration": fixed(50_000)},
                "attribution_under_review": under_review,
            },
            "system_failure": {"frequency": poisson(0.2), "losses": {"data_restoration": fixed(40_000)}},
        }
    )


def wording(**options: Any) -> Any:
    ir = {"sublimit": 1_000_000, "retention": 10_000}
    dr = {"sublimit": 1_000_000, "retention": 20_000, **options.pop("dr", {})}
    base = policy({"incident_response": ir, "data_restoration": dr}, 5_000_000)
    return Policy.model_validate(base.model_dump(exclude_unset=True) | options)


def el(p: Any, m: Any = None) -> tuple[Decimal, dict[EventType, float]]:
    result = simulate(m or model(), p, YEARS, SEED)
    return technical_premium(result, p, default_basis()).expected_loss, result.frequency


def test_one_retention_per_incident_is_priced() -> None:
    """Rule 5: a ransomware event pays 20,000 + 30,000 per coverage, but 60,000 under one retention of 20,000
    taken from incident response first (the policy's order); a system failure pays 20,000 either way."""
    per_coverage, n = el(wording())
    per_incident, _ = el(wording(retention_basis="per_incident"))
    assert float(per_coverage) == pytest.approx(50_000 * n[RW] + 20_000 * n[SF], abs=0.01)
    assert float(per_incident) == pytest.approx(60_000 * n[RW] + 20_000 * n[SF], abs=0.01)


def test_cover_by_event_type_is_priced() -> None:
    """Rule 19: data restoration for malicious events only drops the system failures' 20,000 each."""
    only_malicious, n = el(wording(dr={"event_types": ["ransomware"]}))
    assert float(only_malicious) == pytest.approx(50_000 * n[RW], abs=0.01)


def test_attribution_under_review_is_priced_as_payable() -> None:
    """Rule 20: the premium counts under-review events as payable (the prudent view)."""
    plain, _ = el(wording(), model(0.0))
    review, _ = el(wording(), model(0.5))
    assert review == plain

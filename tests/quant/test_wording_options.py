"""Rules 19 and 20 in the simulation: cover by event type, and attribution under review reported apart."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cyberins.model.ids import EventType
from cyberins.model.loading import parse_model
from cyberins.model.policy import Policy
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.model import RiskModel
from cyberins.quant.simulate import simulate
from cyberins.quant.summary import simulation_document


def model(under_review: float = 0.0) -> RiskModel:
    fixed = {"dist": "fixed", "value": 100_000}
    doc: dict[str, Any] = {
        "kind": "explicit",
        "currency": "CNY",
        "event_types": {
            "ransomware": {
                "frequency": {"dist": "poisson", "lam": 0.3},
                "losses": {"business_interruption": fixed},
                "attribution_under_review": under_review,
            },
            "system_failure": {
                "frequency": {"dist": "poisson", "lam": 0.2},
                "losses": {"business_interruption": fixed},
            },
        },
    }
    return parse_model(ExplicitModelFile, doc).to_model()


def policy(**bi: Any) -> Policy:
    return Policy.model_validate({
        "currency": "CNY", "period": {"start": "2026-01-01", "end": "2026-12-31"}, "aggregate_limit": 10_000_000,
        "coverages": {"business_interruption": {"sublimit": 10_000_000, "retention": 10_000, **bi}},
    })  # fmt: skip


def test_bi_for_malicious_events_only_pays_nothing_for_system_failures() -> None:
    """Rule 19: each ransomware event pays 90,000; system failures pay nothing, on the very same events."""
    all_types = simulate(model(), policy(), 50_000, 3)
    malicious = simulate(model(), policy(event_types=["ransomware"]), 50_000, 3)
    np.testing.assert_array_equal(all_types.ylt.gross, malicious.ylt.gross)  # same ground-up years
    rw, sf = EventType.RANSOMWARE, EventType.SYSTEM_FAILURE
    assert malicious.by_event_type[sf][1] == 0
    assert malicious.by_event_type[rw][1] == all_types.by_event_type[rw][1]
    assert malicious.by_event_type[rw][1] == pytest.approx(90_000 * malicious.frequency[rw], rel=1e-12)
    assert malicious.insured().aal == pytest.approx(malicious.by_event_type[rw][1], rel=1e-12)


def test_attribution_under_review_is_paid_and_reported_apart() -> None:
    """Rule 20: the prudent insured AAL counts them; the document says how much of it they are."""
    plain, review = simulate(model(0.0), policy(), 50_000, 4), simulate(model(0.25), policy(), 50_000, 4)
    np.testing.assert_array_equal(plain.ylt.insured, review.ylt.insured)  # paid all the same
    assert plain.under_review is None and review.under_review is not None
    assert (review.under_review <= review.ylt.insured).all()
    doc = simulation_document(review)["attribution_under_review"]
    ransomware_paid = review.by_event_type[EventType.RANSOMWARE][1]
    assert doc["insured_aal"] == pytest.approx(0.25 * ransomware_paid, rel=0.05)  # a quarter of those events
    assert doc["insured_aal_without"] == pytest.approx(review.insured().aal - doc["insured_aal"], rel=1e-12)
    assert doc["insured_aal_se"] > 0 and simulation_document(plain)["attribution_under_review"] is None

"""Security-investment ROI with known factors and common random numbers."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from cyberins.model.errors import InvalidInput
from cyberins.pricing import (
    Candidate,
    ModelWith,
    default_basis,
    premium_influence,
    security_roi,
    technical_premium,
    whatif,
)
from cyberins.quant.model import Factor
from cyberins.quant.simulate import simulate
from tests.pricing.helpers import BREACH, RANSOMWARE, explicit, factor_model, fixed, poisson, policy, standalone_basis

YEARS, SEED = 20_000, 2024

BASE = explicit(
    {
        "ransomware": {"frequency": poisson(0.4), "losses": {"data_restoration": fixed(200_000)}},
        "personal_information_breach": {
            "frequency": poisson(0.3),
            "losses": {"incident_response": fixed(100_000)},
        },
    }
)
POLICY = policy(
    {
        "data_restoration": {"sublimit": 5_000_000, "retention": 20_000},
        "incident_response": {"sublimit": 5_000_000, "retention": 20_000},
    },
    10_000_000,
)
EFFECTS = {
    "immutable_backup": [Factor("immutable_backup", RANSOMWARE, severity=0.5)],
    "ir_retainer": [Factor("ir_retainer", BREACH, severity=0.1)],
    "awareness_training": [Factor("awareness_training", BREACH, severity=0.9)],
    "edr": [Factor("edr", RANSOMWARE, frequency=0.5)],
}
MODEL_WITH: ModelWith = factor_model(BASE, EFFECTS)


def drawn_frequency() -> dict[str, float]:
    """Events per year as drawn with this seed: severity factors act on exactly these events."""
    result = simulate(BASE, None, YEARS, SEED)
    return {"ransomware": result.frequency[RANSOMWARE], "breach": result.frequency[BREACH]}


def test_severity_controls_move_gross_and_retained_loss_by_exact_amounts() -> None:
    candidates = [
        Candidate("immutable_backup", Decimal(20_000)),
        Candidate("ir_retainer", Decimal(5_000)),
        Candidate("awareness_training", Decimal(10_000)),
    ]
    roi = security_roi(MODEL_WITH, [], candidates, POLICY, standalone_basis(), years=YEARS, seed=SEED)
    n = drawn_frequency()
    by_id = {next(iter(c.controls)): c for c in roi.ranked}
    backup, retainer, training = by_id["immutable_backup"], by_id["ir_retainer"], by_id["awareness_training"]
    # Common random numbers: the same events, each ransomware loss halved (200,000 → 100,000).
    assert float(backup.gross_loss_drop) == pytest.approx(100_000 * n["ransomware"], abs=0.02)
    assert backup.retained_loss_drop == 0  # both losses are far above the 20,000 retention
    # A breach of 10,000 now sits under the retention: the insured keeps 10,000 less per breach.
    assert float(retainer.gross_loss_drop) == pytest.approx(90_000 * n["breach"], abs=0.02)
    assert float(retainer.retained_loss_drop) == pytest.approx(10_000 * n["breach"], abs=0.02)
    assert training.retained_loss_drop == 0
    for change in roi.ranked:
        assert change.net_benefit == change.retained_loss_drop + change.premium_drop - change.annual_cost
        assert change.return_on_cost == (change.net_benefit / change.annual_cost).quantize(Decimal("0.0001"))
        assert change.premium_drop > 0
    assert [next(iter(c.controls)) for c in roi.ranked] == [
        "ir_retainer",
        "immutable_backup",
        "awareness_training",
    ]
    # Retainer: EL falls by 0.3 × 80,000 = 24,000, so the premium by at least 24,000 × 0.9 / 0.65
    # ≈ 33,000; with 3,000 less retained and a 5,000 cost the return is about (36,000 − 5,000) / 5,000 ≈ 6.
    assert roi.ranked[0].return_on_cost is not None and roi.ranked[0].return_on_cost > 5
    assert {next(iter(c.controls)) for c in roi.pays_for_itself} == {"ir_retainer", "immutable_backup"}
    assert roi.base.expected_gross_loss == roi.base.expected_insured_loss + roi.base.expected_retained_loss


def test_a_frequency_control_is_valued_and_ranked_against_its_cost() -> None:
    cheap, dear = Candidate("edr", Decimal(10_000)), Candidate("immutable_backup", Decimal(500_000))
    roi = security_roi(MODEL_WITH, [], [dear, cheap], POLICY, default_basis(), years=YEARS, seed=SEED)
    edr = roi.ranked[0]
    assert edr.controls == {"edr"}
    # Half the ransomware events: about 0.2 × 200,000 = 40,000 a year of gross loss.
    assert float(edr.gross_loss_drop) == pytest.approx(40_000, rel=0.05)
    assert roi.ranked[1].return_on_cost is not None and roi.ranked[1].return_on_cost < 0


def test_whatif_applies_several_controls_at_once() -> None:
    added = [Candidate("immutable_backup", Decimal(20_000)), Candidate("ir_retainer", Decimal(5_000))]
    base, change = whatif(MODEL_WITH, ["awareness_training"], added, POLICY, default_basis(), years=YEARS, seed=SEED)
    assert base.controls == {"awareness_training"}
    assert change.after.controls == {"awareness_training", "immutable_backup", "ir_retainer"}
    assert change.controls == {"immutable_backup", "ir_retainer"}
    assert change.annual_cost == Decimal(25_000)
    n = drawn_frequency()
    # Backup halves ransomware; on top of training (0.9) the retainer takes a breach from 90,000 to 9,000.
    assert float(change.gross_loss_drop) == pytest.approx(100_000 * n["ransomware"] + 81_000 * n["breach"], abs=0.05)
    assert change.after.total_cost_of_risk < base.total_cost_of_risk


@pytest.mark.parametrize(
    ("base", "candidates", "field", "words"),
    [
        (["edr"], [Candidate("edr", Decimal(1))], "candidates[0].control_id", "already in place"),
        (
            [],
            [Candidate("edr", Decimal(1)), Candidate("edr", Decimal(2))],
            "candidates[1].control_id",
            "twice",
        ),
        ([], [Candidate("edr", Decimal(0))], "candidates[0].annual_cost", "positive"),
    ],
)
def test_invalid_candidates_are_named(base: list[str], candidates: list[Candidate], field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as info:
        security_roi(MODEL_WITH, base, candidates, POLICY, default_basis(), years=10, seed=1)
    assert info.value.problems[0].field == field and words in info.value.problems[0].message


def test_the_premium_influence_averages_to_the_gross_up_exactly() -> None:
    """mean(ψ) × (1 − e − p) = EL + r·d·(ES − EL): the linearisation is exact at the sample (rule 13's ES)."""
    from tests.pricing.helpers import lognormal_model

    model = lognormal_model()
    pol = policy({"data_restoration": {"sublimit": 500_000, "retention": 10_000},
                  "incident_response": {"sublimit": 200_000, "retention": 10_000}}, 600_000)  # fmt: skip
    for years in (2_003, 20_000):
        result = simulate(model, pol, years, SEED)
        basis = default_basis()
        quote = technical_premium(result, pol, basis)
        psi = premium_influence(result.ylt.insured, basis)
        assert float(psi.mean()) == pytest.approx(float(quote.gross_up), abs=0.01)


def test_standard_errors_of_the_drops_match_their_spread_across_seeds() -> None:
    """The reported standard error of each drop is about the standard deviation of that drop over seeds."""
    from tests.pricing.helpers import lognormal_model

    model = lognormal_model()
    effects = {"edr": [Factor("edr", RANSOMWARE, frequency=0.6, severity=0.8)]}
    pol = policy({"data_restoration": {"sublimit": 500_000, "retention": 10_000},
                  "incident_response": {"sublimit": 200_000, "retention": 10_000}}, 600_000)  # fmt: skip
    changes = [
        whatif(factor_model(model, effects), [], [Candidate("edr", Decimal(1_000))], pol, default_basis(),
               years=5_000, seed=seed)[1]
        for seed in range(12)
    ]  # fmt: skip
    for name in ("gross_loss_drop", "retained_loss_drop", "premium_drop", "net_benefit"):
        values = np.array([float(getattr(c, name)) for c in changes])
        reported = np.array([float(getattr(c, f"{name}_se")) for c in changes])
        assert values.std(ddof=1) == pytest.approx(reported.mean(), rel=0.6), name
        assert (values > 0).all(), name  # the control helps on every seed

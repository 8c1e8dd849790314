"""assess(profile): hand-computed frequencies and factors, explain, jurisdictions, currencies, examples."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cyberins.assess import (
    assess,
    explain,
    load_calibration,
    load_profile,
    load_questionnaire,
    summary,
    with_overrides,
)
from cyberins.assess.severity import DriverSeverity
from cyberins.model.ids import Coverage, EventType
from cyberins.quant.distributions import NegBin, Poisson
from cyberins.quant.simulate import simulate
from tests.assess.helpers import EXAMPLE_ORGS, event_type, frequencies, make_profile

RW = EventType.RANSOMWARE


def test_all_nine_event_types_are_modelled() -> None:
    model = assess(make_profile())
    assert [m.event_type for m in model.event_types] == list(EventType)
    assert model.kind == "assessed" and model.currency == "CNY"


#: The test manufacturer's size factor: (CNY 30M / CNY 15M)^0.35 (calibration `size.frequency`).
SIZE = (30e6 / 15e6) ** 0.35


def test_frequency_by_hand() -> None:
    # Small manufacturer, no 等保 grade, nothing answered: base 0.00133 x size x industry 1.4 x ungraded 1.15.
    lam = event_type(assess(make_profile()), RW).frequency.mean()
    assert lam == pytest.approx(0.00133 * SIZE * 1.4 * 1.15)
    # With MFA (relative 0.6, adoption 0.6): x 0.6 / (1 - 0.6 + 0.6 x 0.6).
    lam_mfa = event_type(assess(make_profile(controls={"mfa": True})), RW).frequency.mean()
    assert lam_mfa == pytest.approx(0.00133 * SIZE * 1.4 * 1.15 * 0.6 / 0.76)
    # Internet-exposed RDP: x 2.5 (Coalition 2024); graded level 3: x 0.9.
    lam_rdp = event_type(assess(make_profile(exposure={"rdp_exposed": True}, mlps_level=3)), RW).frequency.mean()
    assert lam_rdp == pytest.approx(0.00133 * SIZE * 1.4 * 2.5 * 0.9)


def test_frequency_is_base_times_every_factor() -> None:
    profile = load_profile(EXAMPLE_ORGS[0])
    base = load_calibration().frequency.base
    for m in assess(profile).event_types:
        product = math.prod(f.frequency for f in m.factors)
        assert m.frequency.mean() == pytest.approx(base[m.event_type].value * product)


def test_dispersion_follows_revenue_between_anchor_points() -> None:
    small = event_type(assess(make_profile()), RW).frequency
    large = event_type(assess(make_profile(annual_revenue=2_000_000_000, employees=3000)), RW).frequency
    assert isinstance(small, Poisson) and isinstance(large, NegBin)
    # Log-log straight between (CNY 1.6B, 1.3) and (CNY 16B, 1.6): ln d = ln 1.3 + log10(2 / 1.6) ln(1.6 / 1.3).
    by_hand = math.exp(math.log(1.3) + math.log10(2 / 1.6) * math.log(1.6 / 1.3))
    assert large.var / large.mean() == pytest.approx(by_hand)


def test_controls_are_bounded() -> None:
    low, high = load_calibration().bounds.controls
    questions = load_questionnaire().questions
    everything = {q.id: q.best_answer() for q in questions}
    nothing = {q.id: False if q.answer == "yes_no" else min(q.choices, key=lambda c: c.score).id for q in questions}
    for answers in (everything, nothing):
        for m in assess(make_profile(controls=answers)).event_types:
            kinds = ("control:", "bound:controls")
            product = math.prod(f.frequency for f in m.factors if f.name.startswith(kinds))
            assert low - 1e-12 <= product <= high + 1e-12, m.event_type
    # A tighter bound binds: a `bound:controls` factor brings the product back to it.
    tight = with_overrides(load_calibration(), {"bounds.controls.0": 0.5, "bounds.controls.1": 2.0})
    model = assess(make_profile(controls=everything), calibration=tight)
    rw = event_type(model, RW)
    assert any(f.name == "bound:controls" for f in rw.factors)
    controls = math.prod(f.frequency for f in rw.factors if f.name.startswith(("control:", "bound:controls")))
    assert controls == pytest.approx(0.5)


def test_explain_effect_is_the_loss_the_factor_adds() -> None:
    model = assess(make_profile(controls={"mfa": False}, exposure={"rdp_exposed": True}))
    eal = {s.event_type: s.expected_loss for s in summary(model)}
    rows = [r for r in explain(model) if r.event_type is RW]
    rdp = next(r for r in rows if r.factor == "exposure:rdp_exposed")
    assert rdp.frequency == 2.5 and rdp.source == "coalition_2024"
    assert rdp.effect == pytest.approx(eal[RW] * (1 - 1 / 2.5))
    mfa = next(r for r in rows if r.factor == "control:mfa")
    assert mfa.frequency == pytest.approx(1 / 0.76) and mfa.effect > 0
    assert sum(eal.values()) == pytest.approx(model.expected_loss())


def test_ransom_is_outside_the_model_in_china_but_not_elsewhere() -> None:
    cn = event_type(assess(make_profile(jurisdiction="CN")), RW).severity
    intl = event_type(assess(make_profile(jurisdiction="INTL")), RW).severity
    assert isinstance(cn, DriverSeverity) and isinstance(intl, DriverSeverity)
    assert cn.ransom is None and intl.ransom is not None
    # In CN the extortion cover still has the negotiation costs.
    assert cn.mean()[Coverage.CYBER_EXTORTION] > 0
    assert cn.mean()[Coverage.CYBER_EXTORTION] < intl.mean()[Coverage.CYBER_EXTORTION]


def test_no_coverage_carries_fines() -> None:
    model = assess(make_profile(records={"personal_information": 5_000_000}))
    assert all(c in Coverage for c in model.coverages)  # fines have no coverage id: they stay out (uninsured)


def test_a_usd_profile_is_the_same_firm_in_dollars() -> None:
    cny = assess(make_profile(jurisdiction="INTL"))
    usd = assess(make_profile(jurisdiction="INTL", currency="USD", annual_revenue=30_000_000 / 7.2))
    assert usd.currency == "USD"
    assert frequencies(usd) == pytest.approx(frequencies(cny))
    assert usd.expected_loss() == pytest.approx(cny.expected_loss() / 7.2)


def test_dependencies_bring_dependent_business_interruption() -> None:
    plain = event_type(assess(make_profile()), EventType.SYSTEM_FAILURE).severity
    cloud = event_type(assess(make_profile(dependencies=[{"name": "c", "kind": "cloud"}])), EventType.SYSTEM_FAILURE)
    assert Coverage.DEPENDENT_BUSINESS_INTERRUPTION not in plain.coverages
    assert cloud.severity.mean()[Coverage.DEPENDENT_BUSINESS_INTERRUPTION] > 0


def test_hourly_gross_profit_overrides_the_margin() -> None:
    a = assess(make_profile(gross_profit_margin=None, hourly_gross_profit=1000))
    b = assess(make_profile(gross_profit_margin=None, hourly_gross_profit=2000))
    bi_a = event_type(a, RW).severity.mean()[Coverage.BUSINESS_INTERRUPTION]
    bi_b = event_type(b, RW).severity.mean()[Coverage.BUSINESS_INTERRUPTION]
    assert bi_b == pytest.approx(2 * bi_a)


def test_profile_overrides_apply() -> None:
    model = assess(make_profile(calibration_overrides={"frequency.base.ransomware": 0.01}))
    assert event_type(model, RW).frequency.mean() == pytest.approx(0.01 * SIZE * 1.4 * 1.15)


@pytest.mark.parametrize("path", EXAMPLE_ORGS, ids=lambda p: p.stem)
def test_every_example_org_assesses_and_simulates(path: Path) -> None:
    model = assess(load_profile(path))
    assert model.expected_loss() > 0
    result = simulate(model, None, 2_000, seed=5)
    assert result.gross().aal >= 0


def test_same_seed_same_numbers() -> None:
    model = assess(load_profile(EXAMPLE_ORGS[0]))
    a, b = simulate(model, None, 20_000, seed=42), simulate(model, None, 20_000, seed=42)
    assert a.gross().as_dict() == b.gross().as_dict()
    assert a.by_coverage == b.by_coverage
    c = simulate(model, None, 20_000, seed=43)
    assert c.gross().aal != a.gross().aal


def test_factor_rows_follow_the_questionnaire_whatever_the_profile_key_order() -> None:
    """A profile stored as PostgreSQL jsonb comes back with its control keys reordered: the factor rows and
    the model must come out the same, in the questionnaire's order."""
    from cyberins.assess import explain, load_questionnaire

    answers = {
        "mfa": True,
        "edr": True,
        "offline_backups": False,
        "email_filtering": True,
        "patch_sla": "within_30_days",
    }
    forward, backward = (make_profile(controls=dict(order)) for order in (answers.items(), reversed(answers.items())))
    assert list(forward.controls) != list(backward.controls)
    rows = [
        [(r.factor, r.event_type, r.frequency, r.severity) for r in explain(assess(p))] for p in (forward, backward)
    ]
    assert rows[0] == rows[1]
    order = [q.id for q in load_questionnaire().questions]
    controls = [r[0].removeprefix("control:") for r in rows[0] if r[0].startswith("control:") and r[1] is RW]
    assert controls == sorted(set(controls), key=order.index) and len(controls) > 2

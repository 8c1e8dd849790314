"""The packaged data: calibration, questionnaire and eligibility rules, each value with its provenance."""

from __future__ import annotations

import pytest

from cyberins.assess import CANDIDATE_CONTROLS, load_calibration, load_questionnaire, with_overrides
from cyberins.assess.eligibility import load_rules
from cyberins.assess.questionnaire import GBT22239_AREAS, Question
from cyberins.catalog import get_catalog
from cyberins.catalog.provenance import provenances
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import EventType


def test_every_calibration_block_is_cited_or_assumed() -> None:
    cal = load_calibration()
    blocks = list(provenances(cal))
    assert len(blocks) > 80
    declared = {s.id for s in cal.sources}
    for path, p in blocks:
        assert p.source_ids or (p.assumption and p.reason), path
        assert set(p.source_ids) <= declared, path


def test_base_rates_cover_every_event_type() -> None:
    assert set(load_calibration().frequency.base) == set(EventType)


@pytest.mark.parametrize(
    ("revenue_cny", "band"),
    [
        (1, "small"),
        (49_999_999, "small"),
        (50_000_000, "mid"),
        (4.9e9, "large"),
        (5e9, "very_large"),
        (1e12, "very_large"),
    ],
)
def test_revenue_band_lookup(revenue_cny: float, band: str) -> None:
    assert load_calibration().band(revenue_cny).id == band


def test_every_catalog_industry_has_a_group() -> None:
    cal = load_calibration()
    for ident, entry in get_catalog().industries.items():
        group, _ = cal.industry_group(ident, entry.gbt4754.section)
        assert group in cal.industries
    assert cal.industry_group("ecommerce", "I")[0] == "internet_platforms"
    assert cal.industry_group("it_services", "I")[0] == "technology"
    named = {i for g in cal.industries.values() for i in g.industries}
    assert named <= set(get_catalog().industries)


def test_fx_converts_usd_at_the_stated_rate() -> None:
    cal = load_calibration()
    assert cal.fx("CNY") == 1.0
    assert cal.fx("USD") == cal.fx_to_cny["USD"].value == 7.2


def test_override_sets_a_value_and_marks_it_an_assumption() -> None:
    cal = with_overrides(load_calibration(), {"frequency.base.ransomware": 0.01, "reference.employees": 50})
    fact = cal.frequency.base[EventType.RANSOMWARE]
    assert fact.value == 0.01 and fact.assumption and "overridden" in (fact.reason or "")
    assert cal.reference.employees == 50 and cal.reference.assumption


@pytest.mark.parametrize(
    ("path", "value"),
    [("frequency.base.meteor", 1.0), ("event_types.ransomware.outage", 3), ("nope.nothing", 1)],
)
def test_bad_override_names_the_path(path: str, value: object) -> None:
    with pytest.raises(InvalidInput) as err:
        with_overrides(load_calibration(), {path: value})
    assert err.value.problems[0].field == f"calibration_overrides.{path}"


def test_override_that_breaks_a_bound_names_the_field() -> None:
    with pytest.raises(InvalidInput) as err:
        with_overrides(load_calibration(), {"event_types.ransomware.outage.sigma": -1})
    assert err.value.problems[0].field == "calibration_overrides.event_types.ransomware.outage.sigma"


def test_questionnaire_forms() -> None:
    q = load_questionnaire()
    short, full = q.form("short"), q.form("full")
    assert 13 <= len(short) <= 17
    assert {q.id for q in short} < {q.id for q in full}


def test_questions_map_to_gbt22239_areas_and_cis_safeguards() -> None:
    for question in load_questionnaire().questions:
        assert set(question.gbt22239) <= set(GBT22239_AREAS)
        assert question.cis_v8
        assert question.name.zh and question.name.en and question.label.zh and question.label.en
        for effect in question.effects:
            assert effect.frequency <= 1 and effect.severity <= 1


def test_candidate_controls_are_questions_with_costs_for_every_band() -> None:
    assert CANDIDATE_CONTROLS == (
        "mfa", "edr", "offline_backups", "email_filtering", "patch_sla", "segmentation", "ddos_protection",
        "awareness_training",
    )  # fmt: skip
    bands = {b.id for b in load_calibration().revenue_bands}
    for ident in CANDIDATE_CONTROLS:
        cost = load_questionnaire().question(ident).annual_cost
        assert cost is not None and cost.assumption and set(cost.by_band) == bands


@pytest.mark.parametrize(
    ("relative", "adoption", "yes", "no"),
    [(0.6, 0.6, 0.6 / 0.76, 1 / 0.76), (0.5, 0.5, 0.5 / 0.75, 1 / 0.75), (1.0, 0.3, 1.0, 1.0)],
)
def test_answer_factor_is_normalised_to_the_population(relative: float, adoption: float, yes: float, no: float) -> None:
    q = load_questionnaire().question("mfa").model_copy(update={"adoption": adoption})
    assert q.factor(relative, 1.0) == pytest.approx(yes)
    assert q.factor(relative, 0.0) == pytest.approx(no)
    # The population average of the factor is 1: the base rates are population averages.
    assert adoption * q.factor(relative, 1.0) + (1 - adoption) * q.factor(relative, 0.0) == pytest.approx(1.0)


def test_eligibility_rules_refer_to_known_ids() -> None:
    questions = load_questionnaire().ids
    bands = {b.id for b in load_calibration().revenue_bands}
    ids = [r.id for r in load_rules().rules]
    assert len(ids) == len(set(ids))
    for rule in load_rules().rules:
        for control in (rule.when.control_no, rule.when.control_unanswered):
            assert control is None or control in questions
        assert rule.when.band_at_least is None or rule.when.band_at_least in bands
        assert rule.reason_text.zh and rule.reason_text.en


def test_cost_lines_hit_only_coverages_the_catalog_lets_the_event_type_trigger() -> None:
    cal = load_calibration()
    breach = {c.coverage for c in cal.breach_costs.costs.values()}
    for et, spec in cal.event_types.items():
        triggers = set(get_catalog().event_types[et].triggers)
        hit = {c.coverage for c in spec.costs.values()} | (breach if spec.breach else set())
        assert hit <= triggers, et


def test_a_question_gives_each_event_type_one_effect() -> None:
    # Two rows for one event type would list the control twice in `explain`; frequency and severity go together.
    data = load_questionnaire().question("edr").model_dump(mode="json")
    data["effects"].append({"event_types": ["malware"], "severity": 0.9, "assumption": True, "reason": "twice"})
    with pytest.raises(ValueError, match="one effect"):
        Question.model_validate(data)

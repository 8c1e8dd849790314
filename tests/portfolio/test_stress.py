"""Stress tests (contract §7): one event on a fresh year, per line what its policy pays, exclusions, treaties."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Confidence
from cyberins.portfolio.stress import incident, stress
from cyberins.terms import settle_scenario
from tests.portfolio.books import book, mixed, outage_book, policy_data


def test_each_line_pays_what_settle_scenario_pays() -> None:
    b = book(mixed())
    doc = stress(b, "edr_faulty_update", 36)
    line = b.lines[1]
    assert line.policy is not None
    expected = settle_scenario(line.policy, incident(line, b.scenarios[1], 36, "USD")).total_payable
    # by hand: (36 − 10 waiting hours) × 60,000 − 25,000 on BI, 150,000 − 25,000 on restoration
    assert expected == Decimal(26 * 60_000 - 25_000 + 125_000)
    retail = doc["by_line"]["retail-edr"]
    assert retail["outcome"] == "paid" and retail["gross"] == 10 * float(expected)
    assert retail["ground_up"] == 10 * (36 * 60_000 + 150_000)
    assert doc["by_line"]["uninsured-banks"]["outcome"] == "uninsured"
    assert "prof-services" not in doc["by_line"]  # it does not depend on the EDR vendor
    assert doc["policies_hit"] == 15 and doc["policies"] == 35
    assert doc["ground_up"] == sum(v["ground_up"] for v in doc["by_industry"].values())


def test_treaties_on_the_one_occurrence() -> None:
    doc = stress(book(mixed()), "edr_faulty_update", 36)
    gross = 16_600_000.0
    assert doc["gross"] == gross
    assert doc["ceded"]["qs"] == pytest.approx(0.3 * gross)
    assert doc["ceded"]["rxl"] == pytest.approx(10 * (0.7 * 1_660_000 - 1_000_000))
    after = gross - doc["ceded"]["qs"] - doc["ceded"]["rxl"]
    assert doc["ceded"]["cat_xl"] == pytest.approx(min(after - 5_000_000, 20_000_000))
    assert doc["net"] == pytest.approx(gross - sum(doc["ceded"].values()))
    assert set(doc["reinstatement_premium"]) == {"rxl", "cat_xl"}
    assert doc["reinstatement_premium"]["cat_xl"] == pytest.approx(1_500_000 * 5_000_000 / 20_000_000)


def test_hit_probability_weights_the_count() -> None:
    doc = stress(book(outage_book(count=40, hit_probability=0.25)), "outage", 48)
    assert doc["policies_hit"] == 10
    assert doc["by_line"]["line"]["ground_up"] == 10 * 48 * 10_000


def test_the_waiting_period_keeps_a_short_outage_out() -> None:
    b = book(outage_book())
    assert stress(b, "outage", 8)["by_line"]["line"]["outcome"] == "covered_nothing_payable"
    assert stress(b, "outage", 12)["by_line"]["line"]["gross"] == 0  # (12 − 10) h × 10,000 < the 25,000 retention
    assert stress(b, "outage", 14)["by_line"]["line"]["gross"] == 40 * ((14 - 10) * 10_000 - 25_000)


@pytest.mark.parametrize(
    ("flags", "outcome"),
    [
        ({"war": True}, "excluded_war"),
        ({"state_backed": True, "attribution_confidence": "high"}, "excluded_state_backed"),
        ({"state_backed": True, "attribution_confidence": "low"}, "paid"),
    ],
)
def test_exclusions_come_from_the_claims_decision(flags: dict[str, object], outcome: str) -> None:
    doc = stress(book(outage_book(**flags)), "outage", 48)
    assert doc["by_line"]["line"]["outcome"] == outcome
    assert (doc["gross"] > 0) == (outcome == "paid")


def test_attribution_confidence_option_replaces_the_scenario_s() -> None:
    b = book(outage_book(state_backed=True, attribution_confidence="high"))
    doc = stress(b, "outage", 48, Confidence.LOW)  # the policy requires medium
    assert doc["attribution_confidence"] == "low"
    assert doc["by_line"]["line"]["outcome"] == "paid" and doc["under_review"] == doc["gross"]


def test_infrastructure_failure_and_not_purchased() -> None:
    p = policy_data()
    p["exclusions"] = [*p["exclusions"], "infrastructure_failure"]
    doc = stress(book(outage_book(infrastructure_failure=True, policy=p)), "outage", 48)
    assert doc["by_line"]["line"]["outcome"] == "excluded_infrastructure_failure"
    p = policy_data()
    del p["coverages"]["business_interruption"]
    doc = stress(book(outage_book(policy=p)), "outage", 48)
    assert doc["by_line"]["line"]["outcome"] == "not_purchased" and doc["gross"] == 0


def test_unknown_scenario_names_the_option() -> None:
    with pytest.raises(InvalidInput) as caught:
        stress(book(mixed()), "nope", 1)
    assert caught.value.problems[0].field == "--scenario"


def test_cover_by_event_type_leaves_system_failure_out() -> None:
    """Rule 19 through the same terms engine: BI for malicious events only pays nothing for an outage."""
    from cyberins.portfolio.simulate import run_book

    p = policy_data()
    p["coverages"]["business_interruption"]["event_types"] = ["ransomware", "malware"]
    data = outage_book(policy=p, count=5)
    doc = stress(book(data), "outage", 48)
    assert doc["by_line"]["line"]["outcome"] == "covered_nothing_payable" and doc["gross"] == 0
    run = run_book(book(data), 500, 3)
    assert run.ylt["gross"].sum() == 0 < run.ylt["ground_up"].sum()
    data["scenarios"][0]["event_type"] = "ransomware"
    assert stress(book(data), "outage", 48)["gross"] > 0


def test_the_lloyds_scenarios_run_as_stress_tests() -> None:
    from cyberins.portfolio.book import load_book
    from tests.portfolio.books import FOLDER

    b = load_book(FOLDER / "lloyds-rds.yaml")
    for scenario in b.scenarios:
        doc = stress(b, scenario.id, 72)
        assert doc["ground_up"] > doc["gross"] > 0, scenario.id
        assert set(doc["by_dependency"]) == {scenario.dependency}
        assert doc["gross"] == pytest.approx(sum(v["gross"] for v in doc["by_industry"].values()))
        assert doc["net"] == pytest.approx(doc["gross"] - sum(doc["ceded"].values()))
    blackout = stress(b, "business_blackout", 72)["by_line"]
    assert blackout["banking-large"]["outcome"] == "excluded_infrastructure_failure"
    assert blackout["logistics-mid"]["outcome"] == "paid"

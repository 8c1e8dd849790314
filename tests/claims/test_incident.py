"""Incident files: valid examples (rule 18), and bad input refused with the field named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cyberins.claims import adjust_claim
from cyberins.model.errors import InvalidInput
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model, parse_model
from tests.claims.helpers import INCIDENTS, incident, incident_data, policy


def refused(data: dict[str, Any]) -> str:
    with pytest.raises(InvalidInput) as err:
        parse_model(Incident, data, "incident.yaml")
    return str(err.value)


@pytest.mark.parametrize("path", sorted(INCIDENTS.glob("*.yaml")), ids=lambda p: p.name)
def test_example_incidents_are_valid(path: Path) -> None:
    """Rule 18: every file in examples/incidents/ is valid and names its policy."""
    found = load_model(Incident, path)
    assert found.policy_number


def test_unknown_event_type_names_the_field_and_value() -> None:
    message = refused(incident_data(event_types=["malware", "flux_meltdown"]))
    assert "event_types[1]" in message and "flux_meltdown" in message


def test_outage_ending_before_it_starts_names_the_end() -> None:
    outage = {"system": "erp", "start": "2026-09-02T06:00:00+08:00", "end": "2026-09-02T05:00:00+08:00"}
    message = refused(incident_data(outages=[outage], financials={"hourly_gross_profit": 1000}))
    assert "outages[0].end" in message


def test_unknown_currency_names_currency() -> None:
    assert "currency" in refused(incident_data(currency="XYZ"))


def test_currency_other_than_the_policys_is_refused() -> None:
    """Rule 11: incident amounts are in the policy currency."""
    with pytest.raises(InvalidInput) as err:
        adjust_claim(incident(currency="USD"), policy("sme"))
    assert err.value.problems[0].field == "currency"


def test_malformed_yaml_is_invalid_input(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("event_types: [x\n - : :\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_model(Incident, path)
    assert "malformed YAML" in str(err.value)


def test_times_need_an_offset() -> None:
    """Rule 10 reads times in the policy's zone, so a time without an offset is ambiguous."""
    assert "occurred_at" in refused(incident_data(occurred_at="2026-09-02T01:10:00"))


def test_discovery_before_occurrence_is_refused() -> None:
    assert "discovered_at" in refused(incident_data(discovered_at="2026-09-01T00:00:00+08:00"))


def test_notice_before_discovery_is_refused() -> None:
    assert "reported_at" in refused(incident_data(reported_at="2026-09-02T05:00:00+08:00"))


def test_defence_line_must_name_a_liability_coverage() -> None:
    """Rule 4: `defence` falls under the third-party coverage the line names."""
    assert "costs[0].coverage" in refused(incident_data(costs=[{"category": "defence", "amount": 1}]))
    bad = [{"category": "defence", "amount": 1, "coverage": "incident_response"}]
    assert "costs[0].coverage" in refused(incident_data(costs=bad))


def test_cost_line_naming_another_coverage_than_its_category_is_refused() -> None:
    """Rule 4: forensics fall under incident response whatever the line says."""
    data = incident_data(costs=[{"category": "forensics", "amount": 1, "coverage": "legal"}])
    with pytest.raises(InvalidInput) as err:
        adjust_claim(parse_model(Incident, data), policy("sme"))
    assert err.value.problems[0].field == "costs[0].coverage"


def test_outages_need_an_hourly_rate() -> None:
    outage = {"system": "erp", "start": "2026-09-02T06:00:00+08:00", "end": "2026-09-02T08:00:00+08:00"}
    assert "financials" in refused(incident_data(outages=[outage]))


def test_third_party_claim_under_a_first_party_coverage_is_refused() -> None:
    claims = [{"coverage": "data_restoration", "amount_settled": 1}]
    assert "third_party_claims[0].coverage" in refused(incident_data(third_party_claims=claims))


def test_betterment_above_the_line_and_recovery_above_the_loss_are_refused() -> None:
    assert "costs[0].betterment" in refused(
        incident_data(costs=[{"category": "restoration", "amount": 5, "betterment": 6}])
    )
    assert "fraud.recovered" in refused(incident_data(fraud={"amount_transferred": 5, "recovered": 6}))


def test_negative_amount_is_refused() -> None:
    assert "costs[0].amount" in refused(incident_data(costs=[{"category": "forensics", "amount": -1}]))


def test_unknown_keys_are_refused_everywhere_with_the_nearest_known_one() -> None:
    """A misspelt key is never ignored: `atribution: {war: true}` read as no attribution would pay a war loss."""
    problems = refused(incident_data(atribution={"war": True}))
    assert "atribution" in problems and "did you mean 'attribution'?" in problems
    typo = [{"category": "pr", "amount": 1, "insurer_concent": True}]
    assert "costs[0].insurer_concent" in refused(incident_data(costs=typo))
    assert "did you mean 'insurer_consent'?" in refused(incident_data(costs=typo))
    assert "claim_reference" in refused(incident_data(claim_reference="CLM-1"))


def test_event_type_listed_twice_is_refused() -> None:
    assert "event_types" in refused(incident_data(event_types=["malware", "malware"]))

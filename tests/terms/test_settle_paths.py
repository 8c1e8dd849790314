"""One Decimal settlement path (issue 15, trust.md item 4): `settle_scenario`, `policy apply --json` and
`claim adjust --json` pay the same to the cent on the same loss, with one rounding rule (`round_in_order`)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.claims import adjust_claim
from cyberins.model.ids import Coverage
from cyberins.model.incident import Incident
from cyberins.model.loading import parse_model
from cyberins.model.money import to_minor
from cyberins.model.policy import Policy
from cyberins.model.scenario import LossScenario
from cyberins.terms import settle_scenario
from tests.cli.helpers import cyberins

D = Decimal
IR, DR, CONS = Coverage.INCIDENT_RESPONSE, Coverage.DATA_RESTORATION, Coverage.CONSULTING
#: Cost category of each coverage under test (rule 4).
CATEGORY = {IR: "forensics", DR: "restoration", CONS: "consulting"}
WHEN = {
    "occurred_at": "2026-03-02T10:00:00+00:00",
    "discovered_at": "2026-03-02T12:00:00+00:00",
    "reported_at": "2026-03-02T14:00:00+00:00",
}


def policy_data(terms: dict[Coverage, dict[str, Any]], aggregate: str) -> dict[str, Any]:
    return {
        "currency": "USD",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "aggregate_limit": aggregate,
        "coverages": {c.value: t for c, t in terms.items()},
    }


def scenario_data(losses: dict[Coverage, str]) -> dict[str, Any]:
    money = {c.value: amount for c, amount in losses.items()}
    return {"currency": "USD", "event_type": "malware", "occurred_at": WHEN["occurred_at"], "losses": money}


def incident_data(losses: dict[Coverage, str]) -> dict[str, Any]:
    costs = [{"category": CATEGORY[c], "amount": amount} for c, amount in losses.items()]
    return {"currency": "USD", "event_types": ["malware"], **WHEN, "costs": costs}


def rounding_case(ir: str, dr: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Aggregate 100.01; IR and DR with sublimit 100.01 and 50% coinsurance (trust.md item 4)."""
    terms = {c: {"sublimit": "100.01", "coinsurance": "0.5"} for c in (IR, DR)}
    losses = {IR: ir, DR: dr}
    return (
        policy_data(terms, "100.01"),
        scenario_data(losses),
        incident_data(losses),
    )


#: (IR loss, DR loss) -> exact payables 50.005 + 50.005 and 60.005 + 40.005; rounded in the policy's order
#: IR keeps its half-up cent and DR gets what the rounded total 100.01 leaves.
CASES = {("100.01", "100.01"): ("50.01", "50.00"), ("120.01", "80.01"): ("60.01", "40.00")}


@pytest.mark.parametrize(("losses", "expected"), CASES.items())
def test_python_api_pays_the_aggregate_not_a_cent_more(losses: tuple[str, str], expected: tuple[str, str]) -> None:
    pol, sc, inc = rounding_case(*losses)
    policy = parse_model(Policy, pol)
    scenario = settle_scenario(policy, parse_model(LossScenario, sc))
    claim = adjust_claim(parse_model(Incident, inc), policy)
    assert [line.payable for line in scenario.lines] == [D(x) for x in expected]
    assert (claim.payable[IR], claim.payable[DR]) == (D(expected[0]), D(expected[1]))
    assert scenario.total_payable == claim.total_payable == D("100.01")


@pytest.mark.parametrize(("losses", "expected"), CASES.items())
def test_both_clis_pay_the_same_cents(tmp_path: Path, losses: tuple[str, str], expected: tuple[str, str]) -> None:
    files = []
    for name, data in zip(("policy.yaml", "scenario.yaml", "incident.yaml"), rounding_case(*losses), strict=True):
        (tmp_path / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")  # keep policy order
        files.append(str(tmp_path / name))
    pol, sc, inc = files
    applied = cyberins("policy", "apply", pol, sc, "--json")
    adjusted = cyberins("claim", "adjust", inc, "--policy", pol, "--json")
    assert applied.returncode == 0 and adjusted.returncode == 0, applied.stderr + adjusted.stderr
    for doc in (json.loads(applied.stdout), json.loads(adjusted.stdout)):
        assert doc["total_payable"] == "100.01"
        assert (doc["payable"]["incident_response"], doc["payable"]["data_restoration"]) == expected
        assert sum(map(D, doc["payable"].values()), D(0)) == D(doc["total_payable"])


cents = st.decimals(min_value=0, max_value=5_000, places=3)  # a third place makes half-cents to round


@st.composite
def cases(draw: st.DrawFn) -> tuple[Policy, dict[Coverage, Decimal], dict[Coverage, Decimal]]:
    covered = draw(st.lists(st.sampled_from([IR, DR, CONS]), min_size=1, max_size=3, unique=True))
    terms = {}
    for c in covered:
        sublimit = draw(st.decimals(min_value=1, max_value=4_000, places=2))
        terms[c] = {
            "sublimit": str(sublimit),
            "retention": str(draw(st.decimals(min_value=0, max_value=sublimit - D("0.01"), places=2))),
            "coinsurance": str(draw(st.sampled_from(["0", "0.5", "0.25", "0.1", "0.333"]))),
        }
    top = max(D(t["sublimit"]) for t in terms.values())
    aggregate = draw(st.decimals(min_value=top, max_value=top * 3, places=2))
    policy = parse_model(Policy, policy_data(terms, str(aggregate)))
    losses = {c: draw(cents) for c in draw(st.lists(st.sampled_from([IR, DR, CONS]), min_size=1, unique=True))}
    prior = {c: draw(st.decimals(min_value=0, max_value=D(terms[c]["sublimit"]), places=2)) for c in covered}
    return policy, {c: v for c, v in losses.items() if v > 0} or {IR: D("0.005")}, prior


@settings(max_examples=60, deadline=None)
@given(cases())
def test_scenario_and_claim_paths_agree_and_respect_every_limit(
    case: tuple[Policy, dict[Coverage, Decimal], dict[Coverage, Decimal]],
) -> None:
    policy, losses, prior = case
    text = {c: str(v) for c, v in losses.items()}
    by_scenario = settle_scenario(policy, parse_model(LossScenario, scenario_data(text)), prior)
    claim = adjust_claim(parse_model(Incident, incident_data(text)), policy, prior)
    paid = {line.coverage: line.payable for line in by_scenario.lines}
    assert paid == {c: v for c, v in claim.payable.items() if c in paid}
    assert all(v == 0 for c, v in claim.payable.items() if c not in paid)
    assert by_scenario.total_payable == claim.total_payable
    left = policy.aggregate_limit - sum(prior.values(), D(0))
    assert by_scenario.total_payable <= max(left, D(0))
    for c, amount in paid.items():
        terms = policy.coverages[c]
        assert amount <= max(terms.sublimit - prior.get(c, D(0)), D(0))
        assert amount <= to_minor(losses.get(c, D(0)), "USD")

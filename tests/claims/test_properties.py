"""Properties of the claim path over generated incidents (hypothesis): the aggregate bounds the payable
(rules 1, 11), an exclusion never raises it (rule 1 step 1), and one claim has one retention however its
invoices are split (rule 5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.claims import adjust_claim
from cyberins.model.ids import CostCategory, Coverage, Exclusion
from cyberins.model.incident import Incident
from cyberins.model.loading import parse_model
from cyberins.model.policy import Policy
from tests.claims.helpers import policy, policy_data

POLICIES = {name: policy(name) for name in ("sme", "ent", "end", "us")}
TIMES = {  # inside every example policy's period (2026-09-01 .. 2026-12-31), notice in time
    "occurred_at": "2026-10-05T10:00:00+08:00",
    "discovered_at": "2026-10-05T11:00:00+08:00",
    "reported_at": "2026-10-06T11:00:00+08:00",
}
money = st.integers(min_value=0, max_value=3_000_000).map(Decimal)
cents = st.integers(min_value=0, max_value=300_000_000).map(lambda c: Decimal(c) / 100)


@st.composite
def cost_lines(draw: st.DrawFn) -> list[dict[str, Any]]:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        category = draw(st.sampled_from([c for c in CostCategory if c is not CostCategory.DEFENCE]))
        amount = draw(cents)
        line: dict[str, Any] = {
            "category": category.value,
            "amount": str(amount),
            "betterment": str(min(amount, draw(cents))),
            "approved_vendor": draw(st.booleans()),
            "insurer_consent": draw(st.booleans()),
        }
        lines.append(line)
    if draw(st.booleans()):
        lines.append({"category": "defence", "coverage": "privacy_liability", "amount": str(draw(cents))})
    return lines


@st.composite
def incidents(draw: st.DrawFn) -> dict[str, Any]:
    hours = draw(st.integers(1, 400))
    data: dict[str, Any] = {
        "event_types": [draw(st.sampled_from(["ransomware", "malware", "personal_information_breach"]))],
        **TIMES,
        "costs": draw(cost_lines()),
        "outages": [],
        "financials": {"hourly_gross_profit": str(draw(money) / 100), "extra_expense": str(draw(money) / 10)},
        "ransom": {
            "paid": str(draw(money)),
            "currency_kind": draw(st.sampled_from(["fiat", "virtual"])),
            "insurer_consent": draw(st.booleans()),
            "police_report": draw(st.booleans()),
        },
        "fraud": {"amount_transferred": "200000", "recovered": str(draw(st.integers(0, 200000)))},
        "third_party_claims": [{"coverage": "privacy_liability", "amount_settled": str(draw(money))}],
    }
    if draw(st.booleans()):
        end_day, end_hour = divmod(10 + hours, 24)
        data["outages"] = [
            {
                "system": "erp",
                "start": "2026-10-05T10:00:00+08:00",
                "end": f"2026-10-{5 + end_day:02d}T{end_hour:02d}:00:00+08:00",
                "revenue_share": "0.5",
            }
        ]
    return data


def adjust(data: dict[str, Any], pol: Policy, prior: dict[Coverage, Decimal] | None = None) -> Any:
    return adjust_claim(parse_model(Incident, data), pol, prior)


@settings(max_examples=150, deadline=None)
@given(data=incidents(), name=st.sampled_from(["sme", "ent", "end"]), share=st.integers(0, 120))
def test_total_payable_within_the_aggregate_remaining(data: dict[str, Any], name: str, share: int) -> None:
    """Rules 1 and 11 (defence erodes the limits in these policies): prior paid spread over the covered
    coverages, up to 120% of the aggregate; the claim pays at most what is left of the aggregate, and no
    coverage more than its adjusted loss."""
    pol = POLICIES[name]
    first = next(iter(pol.coverages))
    prior = {first: min(pol.coverages[first].sublimit, pol.aggregate_limit * share / 100)}
    result = adjust(data, pol, prior)
    remaining = max(pol.aggregate_limit - sum(prior.values(), Decimal(0)), Decimal(0))
    assert result.total_payable <= remaining
    assert all(result.payable[c] <= result.adjusted_loss[c] for c in result.payable)
    assert result.total_payable == sum(result.payable.values(), Decimal(0))


flags = st.fixed_dictionaries(
    {
        "attribution": st.fixed_dictionaries(
            {
                "war": st.booleans(),
                "state_backed": st.booleans(),
                "confidence": st.sampled_from(["low", "medium", "high"]),
            }
        ),
        "prior_knowledge": st.booleans(),
        "intentional_act": st.booleans(),
        "unencrypted_portable_device": st.booleans(),
        "infrastructure_failure": st.booleans(),
    }
)


@settings(max_examples=150, deadline=None)
@given(
    data=incidents(),
    flag_values=flags,
    name=st.sampled_from(["sme", "ent", "end", "us"]),
    listed=st.sets(st.sampled_from(list(Exclusion))),
    extra=st.sampled_from(list(Exclusion)),
)
def test_adding_an_exclusion_never_raises_the_payable(
    data: dict[str, Any], flag_values: dict[str, Any], name: str, listed: set[Exclusion], extra: Exclusion
) -> None:
    base = policy_data(name)
    fewer = parse_model(Policy, {**base, "exclusions": sorted(listed)})
    more = parse_model(Policy, {**base, "exclusions": sorted(listed | {extra})})
    if name == "us":
        data = {**data, "costs": [c for c in data["costs"] if c["category"] != "defence"]}
    incident = {**data, **flag_values}
    before, after = adjust(incident, fewer), adjust(incident, more)
    assert after.total_payable <= before.total_payable
    assert all(after.payable[c] <= before.payable[c] for c in before.payable)


@settings(max_examples=150, deadline=None)
@given(data=incidents(), name=st.sampled_from(["sme", "ent", "end", "us"]), cut=st.integers(0, 100))
def test_splitting_invoices_does_not_change_the_payable(data: dict[str, Any], name: str, cut: int) -> None:
    """Rule 5: one incident is one claim, with one retention per coverage, however its costs are invoiced."""
    split = []
    for line in data["costs"]:
        amount, betterment = Decimal(line["amount"]), Decimal(line.get("betterment", "0"))
        first = (amount * cut / 100).quantize(Decimal("0.01"))
        first_b = min(betterment, first)
        split.append({**line, "amount": str(first), "betterment": str(first_b)})
        split.append({**line, "amount": str(amount - first), "betterment": str(betterment - first_b)})
    pol = POLICIES[name]
    whole, parts = adjust(data, pol), adjust({**data, "costs": split}, pol)
    assert parts.payable == whole.payable
    assert parts.adjusted_loss == whole.adjusted_loss

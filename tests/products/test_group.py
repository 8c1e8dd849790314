"""Group scheme (园区保): certificates, the scheme aggregate, member lines that add up to the total."""

from __future__ import annotations

import math
from typing import Any

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Coverage, PolicyForm
from cyberins.products import price_product
from tests.products.helpers import fixed_model, load, policy_dict


def scheme(
    members: list[dict[str, Any]], aggregate: float, segments: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "id": "test-scheme",
        "form": "group_scheme",
        "policy": policy_dict(),
        "scheme": {"aggregate_limit": aggregate},
        "members": members,
        "segments": segments or [],
    }


def test_two_members_whose_scheme_aggregate_binds() -> None:
    # a: Poisson(0.3) events of 100,000; b: Poisson(0.5) of 100,000; scheme aggregate 150,000:
    # E[min(100,000 N, 150,000)], N ~ Poisson(0.8); a's line is 0.3 / 0.8 of it.
    data = scheme(
        [{"id": "a", "model": fixed_model(0.3, 100_000)}, {"id": "b", "model": fixed_model(0.5, 100_000)}], 150_000
    )
    years = 100_000
    r = price_product(load(data), years, seed=21)
    lam = 0.8
    p1, p_many = lam * math.exp(-lam), 1 - math.exp(-lam) * (1 + lam)
    expected = 100_000 * p1 + 150_000 * p_many
    se = math.sqrt(100_000**2 * p1 + 150_000**2 * p_many - expected**2) / math.sqrt(years)
    assert abs(r.expected_insured_loss - expected) < 4 * se
    a, b = r.lines
    assert abs(a.expected_insured_loss - expected * 0.3 / lam) < 4 * se
    assert a.expected_insured_loss + b.expected_insured_loss == pytest.approx(r.expected_insured_loss)
    assert a.technical_premium + b.technical_premium == r.technical_premium
    # Before the scheme aggregate each member's certificate pays all: lam_i × 100,000.
    assert abs(b.details["expected_insured_loss_before_scheme_aggregate"] - 50_000) < 4 * math.sqrt(
        0.5
    ) * 1e5 / math.sqrt(years)
    assert r.insured.var["0.999"] <= 150_000
    assert abs(r.details.exhaustion_probability - p_many) < 4 * math.sqrt(p_many / years)
    assert r.form is PolicyForm.GROUP_SCHEME
    assert a.details["certificate"] == "a"  # the template has no policy number: the member id


def test_certificates_default_to_the_template_and_take_overrides() -> None:
    template = policy_dict()
    template["coverages"]["data_restoration"] = {"sublimit": 500_000}
    data = scheme(
        [
            {"id": "plain", "model": fixed_model(0.2, 10_000)},
            {
                "id": "custom",
                "model": fixed_model(0.2, 10_000),
                "certificate": {
                    "aggregate_limit": 1_000_000,
                    "coverages": {"incident_response": {"sublimit": 200_000}, "data_restoration": None},
                },
            },
        ],
        5_000_000,
    )
    product = load({**data, "policy": template})
    plain, custom = product.certificates["plain"], product.certificates["custom"]
    assert plain == product.policy and plain.form is PolicyForm.GROUP_SCHEME
    assert custom.aggregate_limit == 1_000_000
    assert list(custom.coverages) == [Coverage.INCIDENT_RESPONSE]
    assert custom.coverages[Coverage.INCIDENT_RESPONSE].sublimit == 200_000


def test_a_certificate_applies_its_own_terms_before_the_scheme_aggregate() -> None:
    # Each event loses 100,000; the member's certificate retains 30,000, so it pays 70,000 an event.
    data = scheme(
        [
            {
                "id": "a",
                "model": fixed_model(0.5, 100_000),
                "certificate": {"coverages": {"incident_response": {"retention": 30_000}}},
            }
        ],
        1e9,
    )
    r = price_product(load(data), 50_000, seed=1)
    assert r.expected_insured_loss == pytest.approx(0.5 * 70_000, rel=0.03)
    assert r.expected_gross_loss == pytest.approx(0.5 * 100_000, rel=0.03)


def test_generated_members_and_an_aggregate_of_one_percent() -> None:
    segment = {
        "id": "park",
        "industry": "manufacturing",
        "count": 10,
        "annual_revenue": [5e6, 5e7],
        "employees": [10, 200],
    }
    product = load(scheme([{"id": "a", "model": fixed_model(0.5, 50_000)}], 1e9, [segment]))
    r = price_product(product, 5_000, seed=2)
    assert [line.id for line in r.lines] == ["a", *(f"park-{i:03d}" for i in range(1, 11))]
    assert r.details.members == 11
    tiny = max(1, int(r.expected_insured_loss / 100))
    small = load(scheme([{"id": "a", "model": fixed_model(0.5, 50_000)}], tiny, [segment]))
    s = price_product(small, 5_000, seed=2)
    assert s.expected_insured_loss <= tiny * (1 + 1e-9)
    assert sum(line.expected_insured_loss for line in s.lines) == pytest.approx(s.expected_insured_loss)
    assert sum(line.technical_premium for line in s.lines) == s.technical_premium


def test_bad_schemes_are_refused_naming_the_field() -> None:
    member = {"id": "a", "model": fixed_model(0.1, 1.0)}
    with pytest.raises(InvalidInput) as err:
        load(scheme([member], -1))
    assert err.value.problems[0].field == "scheme.aggregate_limit"
    with pytest.raises(InvalidInput) as err:
        load(scheme([{**member, "certificate": {"coverages": {"incident_response": {"retention": 2e7}}}}], 1e6))
    assert err.value.problems[0].field.startswith("members[0].certificate")
    with pytest.raises(InvalidInput, match="twice"):
        load(scheme([member, member], 1e6))
    with pytest.raises(InvalidInput, match="no members"):
        load(scheme([], 1e6))

"""Product warranty (防护产品+保险): the protected event types, the customer base, rates per customer and licence."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.products import generate_profiles, price_product, protected_model, security_catalog
from cyberins.products.forms import CustomerSegment
from tests.products.helpers import fixed_model, load, policy_dict


def two_type_model(lam: float) -> dict[str, Any]:
    """Ransomware and denial of service, each Poisson(lam) events of exactly 10,000."""
    m = fixed_model(lam, 10_000)
    m["event_types"]["denial_of_service"] = fixed_model(lam, 10_000, "denial_of_service")["event_types"][
        "denial_of_service"
    ]
    return m


def warranty(
    customers: list[dict[str, Any]], segments: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": "test-warranty",
        "form": "product_warranty",
        "policy": policy_dict(),
        "product": {"name": "Shield", "category": "anti_ransomware", **extra},
        "conditions": {"alerts_handled_within_hours": 4},
        "customers": customers,
        "segments": segments or [],
    }


def test_the_warranty_covers_only_the_protected_event_types_with_the_product_factors() -> None:
    # anti_ransomware protects against ransomware only: frequency × 0.6 and severity × 0.7 (packaged category).
    category = security_catalog().categories["anti_ransomware"]
    assert category.event_types == ("ransomware",)
    product = load(warranty([{"model": two_type_model(0.5)}]))
    factors = [f.to_factor("product") for f in category.factors]
    covered = protected_model(product.insureds["customers[0]"].model, category.event_types, factors)
    assert [et.event_type for et in covered.event_types] == ["ransomware"]
    assert covered.expected_loss() == pytest.approx(0.5 * 10_000 * 0.6 * 0.7)


def test_rates_per_customer_and_per_licence() -> None:
    customers = [
        {"id": "a", "model": fixed_model(0.3, 20_000), "licences": 100},
        {"id": "b", "model": fixed_model(0.6, 20_000), "licences": 300},
    ]
    r = price_product(load(warranty(customers)), 20_000, seed=3)
    d = r.details
    assert d.customers == 2 and d.licences == 400
    # rates round half up, like every amount of money (a premium of 12,306.00 gives 30.765 → 30.77 a licence)
    assert d.rate_per_customer == (r.technical_premium / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert d.rate_per_licence == (r.technical_premium / 400).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    by_id = {line.id: line for line in r.lines}
    assert by_id["a"].details["licences"] == 100
    assert Decimal(by_id["b"].details["rate_per_licence"]) == (by_id["b"].technical_premium / 300).quantize(
        Decimal("0.01")
    )
    # Lines add up: expected losses to the base's, premiums to the base premium exactly.
    assert sum(line.expected_insured_loss for line in r.lines) == pytest.approx(r.expected_insured_loss)
    assert sum(line.technical_premium for line in r.lines) == r.technical_premium
    # Closed form of the base: each event pays 20,000 × 0.7 at rate lam × 0.6.
    assert r.expected_insured_loss == pytest.approx((0.3 + 0.6) * 0.6 * 20_000 * 0.7, rel=0.05)


def test_without_licences_everywhere_there_is_no_rate_per_licence() -> None:
    r = price_product(
        load(warranty([{"model": fixed_model(0.3, 1_000), "licences": 5}, {"model": fixed_model(0.3, 1_000)}])),
        2_000,
        1,
    )
    assert r.details.licences is None and r.details.rate_per_licence is None
    assert any("licences" in str(note) for note in r.notes)


def test_a_vendor_may_give_its_own_factors_inside_the_category() -> None:
    own = {"factors": [{"event_type": "ransomware", "frequency": 0.5, "source": "vendor test 2026"}]}
    r = price_product(load(warranty([{"model": fixed_model(0.4, 10_000)}], **own)), 50_000, seed=2)
    assert r.expected_insured_loss == pytest.approx(0.4 * 0.5 * 10_000, rel=0.05)
    outside = {"factors": [{"event_type": "denial_of_service", "frequency": 0.5, "source": "vendor"}]}
    with pytest.raises(InvalidInput) as err:
        price_product(load(warranty([{"model": fixed_model(0.4, 10_000)}], **outside)), 100, 1)
    assert err.value.problems[0].field == "product.factors"


SEGMENT = {
    "id": "smb",
    "industry": "manufacturing",
    "count": 5,
    "annual_revenue": [10_000_000, 40_000_000],
    "employees": [20, 100],
    "licences_per_customer": 10,
}


def test_a_synthetic_segment_is_drawn_from_the_seed() -> None:
    product = load(warranty([], [SEGMENT]))
    seg = CustomerSegment.model_validate(SEGMENT)
    first = generate_profiles(seg, 11, product.policy)
    assert [p.name for p in first] == [f"smb-00{i}" for i in range(1, 6)]
    assert first == generate_profiles(seg, 11, product.policy)
    assert first != generate_profiles(seg, 12, product.policy)
    assert all(10_000_000 <= p.annual_revenue <= 40_000_000 and 20 <= p.employees <= 100 for p in first)
    r = price_product(product, 2_000, seed=11)
    assert [line.id for line in r.lines] == ["smb"]
    assert r.details.customers == 5 and r.details.licences == 50
    # population_seed fixes the base: absent, the pricing seed draws it.
    fixed = load({**warranty([], [SEGMENT]), "population_seed": 1})
    assert (
        price_product(fixed, 2_000, 1).expected_insured_loss
        == price_product(load(warranty([], [SEGMENT])), 2_000, 1).expected_insured_loss
    )
    assert (
        price_product(fixed, 2_000, 2).expected_gross_loss
        != price_product(load(warranty([], [SEGMENT])), 2_000, 2).expected_gross_loss
    )


def test_an_empty_base_or_a_bad_segment_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match="customer base is empty"):
        load(warranty([]))
    with pytest.raises(InvalidInput) as err:
        load(warranty([], [{**SEGMENT, "industry": "alchemy"}]))
    assert err.value.problems[0].field == "segments[0].industry"
    with pytest.raises(InvalidInput) as err:
        load(warranty([], [{**SEGMENT, "profile": {"controls": {"mfa": "maybe"}}}]))
    assert err.value.problems[0].field.startswith("segments[0].profile.controls")
    with pytest.raises(InvalidInput) as err:
        load({**warranty([{"model": fixed_model(0.1, 1.0)}]), "product": {"name": "X", "category": "magic"}})
    assert err.value.problems[0].field == "product.category"

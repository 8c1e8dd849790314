"""The example products price quickly and show what each form is for."""

from __future__ import annotations

from pathlib import Path

import yaml

from cyberins.products import load_product, price_product
from tests.products.helpers import PRODUCTS, load

YEARS, SEED = 20_000, 11


def test_the_bundle_lowers_the_expected_insured_loss() -> None:
    r = price_product(load_product(PRODUCTS / "service-bundle-sme.yaml"), YEARS, SEED)
    by_id = {line.id: line for line in r.lines}
    assert by_id["with_services"].expected_insured_loss < by_id["without_services"].expected_insured_loss
    assert by_id["with_services"].technical_premium < by_id["without_services"].technical_premium


def test_the_warranty_prices_its_base_per_licence() -> None:
    r = price_product(load_product(PRODUCTS / "product-warranty-anti-ransomware.yaml"), YEARS, SEED)
    assert r.details.customers == 79 and r.details.licences is not None
    assert r.details.rate_per_licence is not None and r.details.rate_per_licence > 0
    assert sum(line.technical_premium for line in r.lines) == r.technical_premium


def test_the_scheme_has_ten_members_or_more_and_respects_a_tiny_aggregate() -> None:
    path = PRODUCTS / "group-scheme-industrial-park.yaml"
    r = price_product(load_product(path), YEARS, SEED)
    assert r.details.members >= 10 and len(r.lines) == r.details.members
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tiny = max(1, int(r.expected_insured_loss / 100))
    data["scheme"]["aggregate_limit"] = tiny
    small = price_product(load(data, Path(path).parent), YEARS, SEED)
    assert small.expected_insured_loss <= tiny * (1 + 1e-9)
    # Any year with a claim of at least the aggregate uses it up.
    assert small.details.exhaustion_probability > r.details.exhaustion_probability

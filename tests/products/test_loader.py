"""Product files: validation names the field; references resolve relative to the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cyberins.model.errors import InvalidInput
from cyberins.model.ids import PolicyForm
from cyberins.products import load_product
from tests.products.helpers import PRODUCTS, bundle, fixed_model, load, service


def field_of(data: dict, base: Path = PRODUCTS) -> str:
    with pytest.raises(InvalidInput) as err:
        load(data, base)
    return err.value.problems[0].field


def test_the_form_is_checked_first() -> None:
    assert field_of({**bundle([service()]), "form": "flux_scheme"}) == "form"
    data = bundle([service()])
    del data["form"]
    assert field_of(data) == "form"
    with pytest.raises(InvalidInput, match="service_bundle, product_warranty, group_scheme"):
        load({**bundle([service()]), "form": "standalone"})


def test_policy_template_inline_or_by_file() -> None:
    data = bundle([service()])
    assert field_of({**data, "policy_file": "../policies/sme-standalone-cny.yaml"}) == ""  # both given
    del data["policy"]
    assert field_of(data) == ""  # neither given
    product = load({**data, "policy_file": "../policies/sme-standalone-cny.yaml"})
    assert product.policy.form is PolicyForm.SERVICE_BUNDLE  # the template takes the product's form
    assert product.policy.policy_number == "CY-SME-2026-0001"
    assert field_of({**data, "policy_file": "../policies/missing.yaml"}) == "policy_file"
    bad = bundle([service()])
    bad["policy"]["coverages"]["incident_response"]["sublimit"] = -1
    assert field_of(bad) == "policy.coverages.incident_response.sublimit"


def test_insureds_resolve_inline_or_by_path(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text(yaml.safe_dump(fixed_model(0.1, 1_000)), encoding="utf-8")
    product = load(bundle([service()], insured={"model": "model.yaml"}), tmp_path)
    assert product.insureds["insured"].model.expected_loss() == pytest.approx(100)
    assert field_of(bundle([service()], insured={"model": "nowhere.yaml"}), tmp_path) == "insured.model"
    assert field_of(bundle([service()], insured={})) == "insured"
    profile = {"name": "X", "industry": "alchemy", "annual_revenue": 1e7, "employees": 5}
    assert field_of(bundle([service()], insured={"profile": profile})) == "insured.profile.industry"
    usd = {**fixed_model(0.1, 1.0), "currency": "USD"}
    assert field_of(bundle([service()], insured={"model": usd})) == "insured"


def test_a_product_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"id": "x", "form": "group_scheme"', encoding="utf-8")
    with pytest.raises(InvalidInput, match="malformed JSON"):
        load_product(path)
    assert load_product(PRODUCTS / "service-bundle-sme.yaml").spec.id == "sme-guard-bundle"

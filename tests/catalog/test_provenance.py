"""The one provenance checker (catalog/provenance.py), as the catalog, assess, products and pricing use it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cyberins.catalog.provenance import Cited, uncited
from cyberins.catalog.schema import Provenance, Source
from cyberins.pricing.basis import Sourced
from cyberins.products.spec import FactorSpec


def test_an_undeclared_source_is_named_by_its_path_inside_tuples_and_mappings() -> None:
    data = {"rules": (Provenance(source="known"), Provenance(source=("known", "made_up")))}
    problems = uncited(data, (Source(id="known", title="A report"),), "file")
    assert [(p.field, "made_up" in p.message) for p in problems] == [("file.rules[1].source", True)]


@pytest.mark.parametrize("model", [Cited, FactorSpec, Sourced])
def test_a_number_cites_a_source_or_is_an_assumption_with_a_reason(model: type[Cited]) -> None:
    extra = {"event_type": "ransomware"} if model is FactorSpec else {"value": 1} if model is Sourced else {}
    assert model(source="vendor test", **extra).source == "vendor test"
    assert model(assumption=True, reason="expert view", **extra).assumption
    for bad in ({}, {"assumption": True}, {"source": "  "}):
        with pytest.raises(ValidationError):
            model(**bad, **extra)

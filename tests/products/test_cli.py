"""`cyberins product price` (issue 12 contract): the sub-app through Typer's runner, and the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from cyberins.catalog import get_catalog
from cyberins.cli import products as products_cli
from cyberins.model.ids import PolicyForm
from tests.cli.helpers import cyberins
from tests.products.helpers import PRODUCTS

EXAMPLES = sorted(PRODUCTS.glob("*.yaml"))
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, BaseException | None]:
    app = typer.Typer()
    app.add_typer(products_cli.app, name="product")
    result = runner.invoke(app, ["product", "price", *args], env={"COLUMNS": "160"})
    return result.exit_code, result.output, result.exception


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_json_keeps_the_contract_and_repeats_for_a_seed(path: Path) -> None:
    code, out, exc = invoke(str(path), "--years", "2000", "--seed", "11", "--json")
    assert code == 0, exc
    doc = json.loads(out)
    assert {"product", "form", "currency", "expected_insured_loss", "technical_premium", "lines"} <= set(doc)
    assert isinstance(doc["expected_insured_loss"], float) and isinstance(doc["technical_premium"], str)
    assert doc["lines"] and all(
        isinstance(x["expected_insured_loss"], float) and isinstance(x["technical_premium"], str) for x in doc["lines"]
    )
    assert json.loads(invoke(str(path), "--years", "2000", "--seed", "11", "--json")[1]) == doc


def test_the_table_speaks_the_readers_language() -> None:
    path = str(PRODUCTS / "group-scheme-industrial-park.yaml")
    code, out, _ = invoke(path, "--years", "1000", "--seed", "1")
    assert code == 0
    cat = get_catalog()  # the form as the catalog names it (no copy of the labels)
    for text in (cat.label(PolicyForm.GROUP_SCHEME, "zh"), "技术保费", "统保累计限额"):
        assert text in out
    assert "Technical premium" not in out
    code, out, _ = invoke(path, "--years", "1000", "--seed", "1", "--lang", "en")
    assert code == 0
    for text in (cat.label(PolicyForm.GROUP_SCHEME, "en"), "Technical premium", "Scheme aggregate"):
        assert text in out
    assert "技术保费" not in out


def test_an_unknown_form_names_the_field(tmp_path: Path) -> None:
    data = yaml.safe_load((PRODUCTS / "service-bundle-sme.yaml").read_text(encoding="utf-8"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**data, "form": "flux_scheme"}), encoding="utf-8")
    result = runner.invoke(products_cli.app, ["price", str(bad), "--years", "100", "--json"])
    assert result.exit_code == 2  # cli.errors.CyberinsGroup: the problems, no traceback
    assert "form" in result.output and "Traceback" not in result.output


def _registered() -> bool:
    from cyberins.cli.app import app

    return any(group.name == "product" for group in app.registered_groups)


# Needs `app.add_typer(products.app, name="product")` in cli/app.py (the lead's file).
@pytest.mark.skipif(not _registered(), reason="`cyberins product` is not registered in cli/app.py yet")
def test_the_real_entry_point(tmp_path: Path) -> None:
    r = cyberins(
        "product", "price", str(PRODUCTS / "service-bundle-sme.yaml"), "--years", "2000", "--seed", "3", "--json"
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["form"] == "service_bundle"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"id": "x", "form": "flux_scheme"}), encoding="utf-8")
    r = cyberins("product", "price", str(bad), "--json")
    assert r.returncode == 2 and "form" in r.stderr and "Traceback" not in r.stderr

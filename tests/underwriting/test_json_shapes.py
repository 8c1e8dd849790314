"""One JSON shape per concept (issue 17 §5): money as decimal strings beside `currency`, and the eligibility
result the same in `quote --json`, `explain --json` and the API's documents."""

from __future__ import annotations

import json
from decimal import Decimal

import typer
from typer.testing import CliRunner

from cyberins.api.schemas.documents import Eligibility
from cyberins.assess import load_profile
from cyberins.cli.assess import explain
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.underwriting import QuoteOptions, underwrite
from cyberins.underwriting.document import quote_document
from tests.conftest import EXAMPLES

PROFILE = EXAMPLES / "orgs" / "sme-manufacturer.yaml"
POLICY = EXAMPLES / "policies" / "sme-standalone-cny.yaml"


def _explain_json() -> dict[str, object]:
    app = typer.Typer()
    app.command()(explain)
    result = CliRunner().invoke(app, [str(PROFILE), "--json"])
    assert result.exit_code == 0, result.output
    out: dict[str, object] = json.loads(result.output)
    return out


def _is_money(value: object) -> bool:
    return isinstance(value, str) and Decimal(value).is_finite()


def test_explain_shows_money_as_decimal_strings_beside_its_currency() -> None:
    out = _explain_json()
    assert out["currency"] == "CNY" and _is_money(out["expected_annual_loss"])
    for row in out["event_types"]:  # type: ignore[attr-defined]
        assert _is_money(row["severity"]) and _is_money(row["expected_loss"])
        assert isinstance(row["frequency"], float)  # events a year: a number, not money
    for row in out["factors"]:  # type: ignore[attr-defined]
        assert row["effect"] is None or _is_money(row["effect"])
        assert isinstance(row["frequency"], float) and isinstance(row["severity"], float)
    assert all(_is_money(v) for v in out["uninsured"].values())  # type: ignore[attr-defined]


def test_the_eligibility_result_has_one_shape_in_quote_explain_and_the_api() -> None:
    explained = _explain_json()["eligibility"]
    quoted = quote_document(
        underwrite(
            load_profile(PROFILE), load_model(Policy, POLICY), QuoteOptions(years=1000, seed=1, price_grid=False)
        )
    )["eligibility"]
    assert explained == quoted
    assert Eligibility.model_validate(quoted).model_dump(mode="json") == quoted  # the API's schema, nothing lost
    assert set(quoted) == {"outcome", "reasons"}
    assert quoted["reasons"] and all(set(r) == {"rule", "outcome", "text_zh", "text_en"} for r in quoted["reasons"])

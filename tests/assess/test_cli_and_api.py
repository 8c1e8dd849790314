"""`cyberins explain`, the public API of `cyberins.assess`, ROI inputs, uninsured losses, explicit models."""

from __future__ import annotations

import json
import math
import time
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import cyberins.assess
from cyberins.assess import assess, candidate_controls, load_profile, load_risk_model, model_with
from cyberins.assess.uninsured import uninsured
from cyberins.cli.assess import explain
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Coverage, EventType
from cyberins.quant.simulate import simulate
from tests.assess.helpers import EXAMPLE_ORGS, ROOT, event_type, make_profile

HOSPITAL = ROOT / "examples" / "orgs" / "tertiary-hospital.yaml"


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(explain)
    return app


def test_public_api_is_pinned() -> None:
    assert {"assess", "explain", "load_risk_model", "OrganizationProfile", "check_eligibility"} <= set(
        cyberins.assess.__all__
    )
    assert all(hasattr(cyberins.assess, name) for name in cyberins.assess.__all__)


def test_explain_json_lists_factors_eligibility_and_uninsured() -> None:
    result = CliRunner().invoke(cli(), [str(HOSPITAL), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["currency"] == "CNY" and out["eligibility"]["outcome"] == "decline"
    assert {r["rule"] for r in out["eligibility"]["reasons"]} >= {"no_mfa_remote_access"}
    assert len(out["event_types"]) == 9
    names = {f["factor"] for f in out["factors"]}
    assert {"control:mfa", "history:ransomware", "exposure:vpn:sangfor"} <= names
    assert Decimal(out["uninsured"]["ransom"]) > 0 and out["currency"] == "CNY"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_tables(lang: str) -> None:
    result = CliRunner().invoke(cli(), [str(HOSPITAL), "--lang", lang])
    assert result.exit_code == 0, result.output
    assert ("因子" if lang == "zh" else "Factors") in result.output


def test_explain_a_bad_profile_raises_invalid_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nindustry: nope\nannual_revenue: 1\nemployees: 1\n", encoding="utf-8")
    result = CliRunner().invoke(cli(), [str(bad)])
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.problems[0].field == "industry"


def test_candidate_controls_cost_follows_revenue_and_skip_what_is_in_place() -> None:
    # EDR costs CNY 40k at CNY 15M and 300k at CNY 160M (band anchors): a power law between them.
    by_hand = 40_000 * (30 / 15) ** (math.log(300_000 / 40_000) / math.log(160 / 15))
    small = {c.control_id: c.annual_cost for c in candidate_controls(make_profile(controls={"mfa": True}))}
    assert "mfa" not in small and float(small["edr"]) == pytest.approx(by_hand, abs=0.01)
    usd = candidate_controls(make_profile(currency="USD", annual_revenue=30_000_000 / 7.2))
    edr = next(c for c in usd if c.control_id == "edr")
    assert float(edr.annual_cost) == pytest.approx(by_hand / 7.2, abs=0.01)
    # Beyond the first and last anchors the cost stays at the anchor's.
    tiny = candidate_controls(make_profile(annual_revenue=1_000_000))
    assert next(c for c in tiny if c.control_id == "edr").annual_cost == 40_000


def test_model_with_puts_controls_in_place() -> None:
    profile = make_profile(controls={"edr": False})
    with_edr = model_with(profile)(frozenset({"edr"}))
    lam = event_type(with_edr, EventType.RANSOMWARE).frequency.mean()
    assert lam < event_type(assess(profile), EventType.RANSOMWARE).frequency.mean()


def test_uninsured_ransom_only_where_not_indemnifiable() -> None:
    cn, intl = make_profile(jurisdiction="CN"), make_profile(jurisdiction="INTL")
    assert uninsured(cn, assess(cn)).ransom > 0
    assert uninsured(intl, assess(intl)).ransom == 0
    assert uninsured(cn, assess(cn)).fines > 0


def test_explicit_model_ci90_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "explicit.yaml"
    path.write_text(
        "kind: explicit\ncurrency: CNY\nevent_types:\n  ransomware:\n"
        "    frequency: {dist: poisson, lam: 0.5}\n"
        "    losses:\n      data_restoration: {dist: lognormal, ci90: [10000, 1000000]}\n",
        encoding="utf-8",
    )
    model = load_risk_model(path)
    # mu = (ln 1e4 + ln 1e6) / 2 = ln 1e5; sigma = ln(100) / (2 x 1.6449) = 1.39992.
    sigma = math.log(100) / (2 * 1.6448536)
    expected = 0.5 * math.exp(math.log(1e5) + sigma**2 / 2)
    assert model.expected_loss() == pytest.approx(expected, rel=1e-6)
    assert model.coverages == (Coverage.DATA_RESTORATION,)


def test_a_million_years_of_the_largest_example_simulate_in_seconds() -> None:
    biggest = max(EXAMPLE_ORGS, key=lambda p: load_profile(p).annual_revenue)
    model = assess(load_profile(biggest))
    start = time.perf_counter()
    result = simulate(model, None, 1_000_000, seed=1)
    assert time.perf_counter() - start < 10
    assert result.gross().aal == pytest.approx(model.expected_loss(), rel=0.15)

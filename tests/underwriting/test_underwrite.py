"""The underwriting job: one profile and one wording through assess, price, grid, adequacy, ROI and subsidy."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cyberins.assess import load_profile
from cyberins.model.errors import InvalidInput
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.pricing import TolerancePoint, load_scheme
from cyberins.underwriting import QuoteOptions, planned_simulations, underwrite
from cyberins.underwriting.document import quote_document
from tests.conftest import EXAMPLES

PROFILE = EXAMPLES / "orgs" / "sme-manufacturer.yaml"
POLICY = EXAMPLES / "policies" / "sme-standalone-cny.yaml"
FAST = QuoteOptions(years=20_000, seed=5)  # the 1000-year point needs enough simulated years


def job(options: QuoteOptions = FAST, profile: Path = PROFILE, policy: Path = POLICY):  # type: ignore[no-untyped-def]
    return underwrite(load_profile(profile), load_model(Policy, policy), options)


def test_the_quote_prices_the_wording_and_offers_a_grid_around_it() -> None:
    r = job()
    assert r.premium.premium >= r.premium.expected_loss > 0
    assert r.simulation.insured().aal <= r.simulation.gross().aal
    # default grid: half, the same and twice the aggregate (2M) and the largest retention (20,000)
    assert {row.aggregate_limit for row in r.grid.rows} == {
        Decimal("1000000.00"),
        Decimal("2000000.00"),
        Decimal("4000000.00"),
    }
    assert {row.retention for row in r.grid.rows} == {Decimal("10000.00"), Decimal("20000.00"), Decimal("40000.00")}
    cell = r.grid.cell(Decimal("2000000.00"), Decimal("20000.00"))
    assert cell is not None and cell.premium > 0


def test_the_recommended_cover_keeps_the_retained_loss_under_the_profile_tolerance() -> None:
    r = job()
    assert r.adequacy is not None  # the example profile states its risk tolerance
    assert not r.adequacy.gross_stays_under  # uninsured, its 1-in-100 year would break the tolerance
    assert r.adequacy.recommended is not None
    chosen = next(c for c in r.adequacy.cells if c.row is r.adequacy.recommended)
    assert chosen.stays_under
    cheaper = [c for c in r.adequacy.cells if c.row.premium < r.adequacy.recommended.premium]
    assert all(not c.stays_under for c in cheaper)


def test_tolerance_from_the_options_overrides_the_profile() -> None:
    huge = (TolerancePoint(Decimal(10**9), 20), TolerancePoint(Decimal(10**10), 100))
    r = job(QuoteOptions(years=4_000, seed=5, tolerance=huge, recommend_controls=False))
    assert r.adequacy is not None and r.adequacy.gross_stays_under
    assert r.controls is None


def test_controls_are_ranked_by_return_and_priced_against_their_cost() -> None:
    r = job()
    assert r.controls is not None and r.controls.ranked
    returns = [c.return_on_cost for c in r.controls.ranked]
    assert returns == sorted(returns, reverse=True)  # type: ignore[type-var]
    for change in r.controls.ranked:
        assert change.net_benefit == change.retained_loss_drop + change.premium_drop - change.annual_cost


def test_a_subsidy_scheme_splits_the_premium() -> None:
    scheme = load_scheme(EXAMPLES / "subsidies" / "sme-cyber-subsidy-cny.yaml")
    r = job(QuoteOptions(years=4_000, seed=5, subsidy=scheme, recommend_controls=False))
    assert r.subsidy is not None
    assert r.subsidy.subsidy + r.subsidy.payable == r.premium.premium


def test_same_seed_same_document() -> None:
    a, b = quote_document(job()), quote_document(job())
    assert a == b
    assert a["premium"]["technical_premium"] == str(job().premium.premium)


def test_profile_and_policy_in_different_currencies_are_refused() -> None:
    with pytest.raises(InvalidInput, match="currency"):
        job(policy=EXAMPLES / "policies" / "us-claims-made-usd.yaml")


def test_a_declined_risk_is_quoted_subject_to_its_remedies_and_not_bindable() -> None:
    """trust.md item 5, shape B: every declining rule in `subject_to`, never bindable, the premium once fixed."""
    r = job(QuoteOptions(years=20_000, seed=5, recommend_controls=False))
    doc = quote_document(r)
    assert doc["eligibility"]["outcome"] == "decline"
    declining = {x["rule"] for x in doc["eligibility"]["reasons"] if x["outcome"] == "decline"}
    assert declining and {s["rule"] for s in doc["subject_to"]} == declining
    assert doc["bindable"] is False and doc["premium"]["bindable"] is False
    assert doc["premium"]["subject_to"] == doc["subject_to"]
    assert all(s["controls"] and s["cost"] is not None for s in doc["subject_to"])
    # the premium once fixed is the same wording priced for the profile with the remedies in place, on the
    # same simulated years
    fixed = underwrite(
        load_profile(PROFILE).with_controls({"mfa"}),
        load_model(Policy, POLICY),
        QuoteOptions(years=20_000, seed=5, recommend_controls=False),
    )
    assert fixed.bindable and fixed.remediation is None
    assert doc["premium_after_remediation"]["technical_premium"] == str(fixed.premium.premium)
    assert Decimal(doc["premium_after_remediation"]["technical_premium"]) < r.premium.premium
    assert doc["remediation"]["eligibility_after"]["outcome"] == fixed.eligibility.outcome.value != "decline"


def test_an_accepted_or_referred_risk_is_bindable_with_nothing_subject_to() -> None:
    profile = load_profile(PROFILE).with_controls({"mfa"})
    r = underwrite(profile, load_model(Policy, POLICY), QuoteOptions(years=20_000, seed=5, recommend_controls=False))
    doc = quote_document(r)
    assert doc["bindable"] is True and doc["premium"]["bindable"] is True
    assert doc["subject_to"] == [] and "subject_to" not in doc["premium"]
    assert doc["remediation"] is None and doc["premium_after_remediation"] is None


def test_the_quote_reports_each_simulation_it_planned() -> None:
    profile, policy = load_profile(PROFILE), load_model(Policy, POLICY)
    options = QuoteOptions(years=1_000, seed=5)  # the default grid and the controls ranked
    heard: list[tuple[int, int]] = []
    r = underwrite(profile, policy, options, lambda done, total: heard.append((done, total)))
    planned = planned_simulations(profile, policy, options)
    assert r.controls is not None and r.remediated is not None  # the example is declined: its remedies priced
    # the wording's run, the remedied profile's, the 3 × 3 grid, then the controls' base and one per candidate
    assert planned == 1 + 1 + 9 + 1 + len(r.controls.ranked)
    # once the years are chosen, then after each run; the controls' base is heard with their first candidate
    assert heard == [(n, planned) for n in range(planned + 1) if n != 12]
    alone = QuoteOptions(years=1_000, seed=5, price_grid=False, recommend_controls=False)
    assert planned_simulations(profile, policy, alone) == 2

"""Underwriting through HTTP with the engines wired in: the profile is validated on submission, the assessment
stores a reproducible model summary, the quote prices the wording on that model (with a grid and a tier), and
the bind takes the quoted wording at the quoted premium. Expected numbers come from the engines called here
directly, so a route that priced anything else would fail."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from cyberins.assess import OrganizationProfile, assess, check_eligibility
from cyberins.assess.grade import grade_of, load_grade_scale
from cyberins.catalog import get_catalog
from cyberins.model.money import money_text
from cyberins.model.policy import Policy
from cyberins.pricing import default_basis, technical_premium
from cyberins.quant.simulate import simulate, years_for_precision
from tests.platform.world import World, policy_document, profile

NO_CONTROLS = {"mfa": False, "edr": False, "offline_backups": False}


def _submit(client: TestClient, world: World, body: dict[str, Any]) -> dict[str, Any]:
    base = {"insurer_org_id": world.org["insurer_a"], "insured_org_id": world.org["insured_a"]}
    response = client.post("/submissions", json=base | body, headers=world.headers("broker_a"))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _wording(number: str | None = None) -> dict[str, Any]:
    document = policy_document("sme-standalone-cny.yaml", "unused")
    document.pop("policy_number")
    return document | ({"policy_number": number} if number else {})


def _fields(response: Any) -> list[str]:
    return [f["field"] for f in response.json()["error"]["fields"]]


def test_a_submission_profile_is_validated_naming_the_field(client: TestClient, world: World) -> None:
    base = {"insurer_org_id": world.org["insurer_a"], "insured_org_id": world.org["insured_a"]}
    cases = [
        ({k: v for k, v in profile("X").items() if k != "employees"}, "profile.employees"),
        (profile("X", industry="alchemy"), "profile.industry"),
        (profile("X", controls={"mfa": "sometimes"}), "profile.controls"),
        (profile("X", calibration_overrides={"base_rates.ransomware": 0}), "profile.calibration_overrides"),
    ]
    for body, field in cases:
        response = client.post("/submissions", json=base | {"profile": body}, headers=world.headers("broker_a"))
        assert response.status_code == 422, response.text
        assert field in _fields(response), (field, response.text)


def test_the_assessment_stores_a_reproducible_model_summary(client: TestClient, world: World, settings: Any) -> None:
    sub = _submit(client, world, {"profile": profile("Assessed Co")})
    insurer = world.headers("insurer_a")
    assessed = client.post(f"/submissions/{sub['id']}/assess", json={"seed": 11, "years": 4000}, headers=insurer)
    assert assessed.status_code == 200, assessed.text
    body = assessed.json()
    assert (body["state"], body["assessment"]["seed"]) == ("assessed", 11)
    summary = body["assessment"]["summary"]
    org = OrganizationProfile.model_validate(profile("Assessed Co"))
    model = assess(org)
    gross = simulate(model, None, 4000, 11).gross()
    assert summary["catalog_version"] == get_catalog().version
    assert (summary["years"], summary["seed"], summary["currency"]) == (4000, 11, "CNY")
    assert summary["gross"]["aal"] == money_text(gross.aal, "CNY")
    assert summary["gross"]["tvar"]["0.995"] == money_text(gross.tvar["0.995"], "CNY")
    assert summary["eligibility"]["outcome"] == check_eligibility(org).outcome.value
    ratio = gross.aal / float(org.annual_revenue)  # the risk grade of the same simulation (docs/grading.md)
    assert summary["grade"]["expected_loss_ratio"] == ratio
    assert summary["grade"]["grade"] == grade_of(ratio, check_eligibility(org).outcome, load_grade_scale())
    assert len(summary["expected_loss_by_event_type"]) == len(model.event_types)
    assert any(row["factor"] == "control:mfa" for row in summary["explain"])
    again = client.post(f"/submissions/{sub['id']}/assess", json={"seed": 11, "years": 4000}, headers=insurer)
    assert again.status_code == 200 and again.json()["assessment"]["summary"] == summary  # same seed, same numbers
    default = client.post(f"/submissions/{sub['id']}/assess", json={}, headers=insurer).json()
    # no years named: as many as the gross AAL's 0.5% standard error needs (the precision default)
    chosen = years_for_precision(model, None, settings.seed)
    assert default["assessment"]["seed"] == settings.seed and default["assessment"]["summary"]["years"] == chosen
    too_many = client.post(f"/submissions/{sub['id']}/assess", json={"years": 10**7}, headers=insurer)
    assert too_many.status_code == 422 and _fields(too_many) == ["years"]


def test_the_quote_prices_the_wording_and_the_bind_takes_it(client: TestClient, world: World) -> None:
    sub = _submit(client, world, {"profile": profile("Quoted Co")})
    insurer = world.headers("insurer_a")
    early = client.post(f"/submissions/{sub['id']}/quote", json={"document": _wording()}, headers=insurer)
    assert early.status_code == 409 and early.json()["error"]["current_state"] == "submitted"
    client.post(f"/submissions/{sub['id']}/assess", json={"seed": 5, "years": 3000}, headers=insurer)
    grid = {"limits": ["1000000", "2000000"], "retentions": ["10000", "600000"]}
    path = f"/submissions/{sub['id']}"
    quoted = client.post(f"{path}/quote", json={"document": _wording(), "grid": grid}, headers=insurer)
    assert quoted.status_code == 200, quoted.text
    quote = quoted.json()["quote"]
    policy = Policy.model_validate(_wording())
    model = assess(OrganizationProfile.model_validate(profile("Quoted Co")))
    expected = technical_premium(simulate(model, policy, 3000, 5), policy, default_basis())
    assert quoted.json()["state"] == "quoted"
    assert Decimal(quote["premium"]) == expected.premium and quote["currency"] == "CNY"
    details = quote["details"]
    assert details["premium"]["technical_premium"] == quote["premium"]
    assert details["premium"]["expected_insured_loss"] == format(expected.expected_loss, "f")
    assert (details["seed"], details["years"], details["bindable"]) == (5, 3000, True)
    assert len(details["grid"]) == 2 and len(details["grid_skipped"]) == 2  # a 600,000 retention reaches sublimits
    headers = {**insurer, "Idempotency-Key": "bind-quoted"}
    wrong_premium = client.post(f"/submissions/{sub['id']}/bind", json={"premium": "1.00"}, headers=headers)
    assert wrong_premium.status_code == 422 and _fields(wrong_premium) == ["premium"]
    changed = {**_wording(), "aggregate_limit": "3000000"}
    headers["Idempotency-Key"] = "bind-changed"
    other = client.post(f"/submissions/{sub['id']}/bind", json={"document": changed}, headers=headers)
    assert other.status_code == 422 and _fields(other) == ["document"]
    headers["Idempotency-Key"] = "bind-ok"
    terms = {"policy_number": "CY-Q-0001", "premium": quote["premium"]}
    bound = client.post(f"{path}/bind", json=terms, headers=headers)
    assert bound.status_code == 201, bound.text
    assert Decimal(bound.json()["premium"]) == expected.premium
    assert Policy.model_validate(bound.json()["document"]) == policy.model_copy(update={"policy_number": "CY-Q-0001"})
    requote = client.post(f"/submissions/{sub['id']}/quote", json={"document": _wording()}, headers=insurer)
    assert requote.status_code == 409 and requote.json()["error"]["current_state"] == "bound"


def test_a_tier_assesses_its_controls_in_and_eligibility_can_refuse(client: TestClient, world: World) -> None:
    exposed = profile("Exposed Co", controls=NO_CONTROLS, exposure={"rdp_exposed": True})
    sub = _submit(client, world, {"profile": exposed})
    insurer = world.headers("insurer_a")
    assessed = client.post(f"/submissions/{sub['id']}/assess", json={"seed": 3, "years": 3000}, headers=insurer)
    assert assessed.json()["assessment"]["summary"]["eligibility"]["outcome"] == "decline"
    refused = client.post(f"/submissions/{sub['id']}/quote", json={"document": _wording()}, headers=insurer)
    assert refused.status_code == 409 and refused.json()["error"]["current_state"] == "assessed"
    assert "multi-factor" in refused.json()["error"]["message"]
    tier = {"name": "managed_security", "controls": ["mfa", "edr", "offline_backups"]}
    bad_tier = {"name": "x", "controls": ["telepathy"]}
    quote_path = f"/submissions/{sub['id']}/quote"
    unknown = client.post(quote_path, json={"document": _wording(), "tier": bad_tier}, headers=insurer)
    assert unknown.status_code == 422 and _fields(unknown) == ["tier.controls.telepathy"]
    with_tier = client.post(quote_path, json={"document": _wording(), "tier": tier}, headers=insurer)
    assert with_tier.status_code == 200, with_tier.text
    assert with_tier.json()["quote"]["details"]["tier"] == tier
    secured = OrganizationProfile.model_validate(exposed).with_controls(set(tier["controls"]))
    policy = Policy.model_validate(_wording())
    expected = technical_premium(simulate(assess(secured), policy, 3000, 3), policy, default_basis())
    assert Decimal(with_tier.json()["quote"]["premium"]) == expected.premium
    usd = policy_document("us-claims-made-usd.yaml", "US-1")
    mismatch = client.post(f"/submissions/{sub['id']}/quote", json={"document": usd, "tier": tier}, headers=insurer)
    assert mismatch.status_code == 422 and _fields(mismatch) == ["document.currency"]


def test_a_quote_without_a_grid_prices_the_wording_alone(client: TestClient, world: World) -> None:
    """No `grid` asked: no options and no recommendation, so a quote costs one simulation, not ten."""
    sub = _submit(client, world, {"profile": profile("Plain Co")})
    insurer = world.headers("insurer_a")
    client.post(f"/submissions/{sub['id']}/assess", json={"seed": 5, "years": 3000}, headers=insurer)
    quoted = client.post(f"/submissions/{sub['id']}/quote", json={"document": _wording()}, headers=insurer)
    assert quoted.status_code == 200, quoted.text
    details = quoted.json()["quote"]["details"]
    assert details["grid"] == [] and details["grid_skipped"] == [] and details["adequacy"] is None
    assert details["premium"]["technical_premium"] == quoted.json()["quote"]["premium"]

"""Profiles: valid examples load; bad ones raise InvalidInput naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cyberins.assess import OrganizationProfile, load_profile, load_risk_model
from cyberins.model.errors import InvalidInput
from cyberins.model.loading import parse_model
from tests.assess.helpers import EXAMPLE_ORGS, make_profile, profile_data


def fields_of(data: dict[str, object]) -> list[str]:
    with pytest.raises(InvalidInput) as err:
        parse_model(OrganizationProfile, data, "profile.yaml")
    return [p.field for p in err.value.problems]


def test_eleven_example_orgs_exist() -> None:
    assert len(EXAMPLE_ORGS) >= 11


@pytest.mark.parametrize("path", EXAMPLE_ORGS, ids=lambda p: p.stem)
def test_every_example_org_loads(path: Path) -> None:
    profile = load_profile(path)
    assert profile.name and profile.name_zh
    assert profile.currency == "CNY"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"industry": "crypto_mining"}, "industry"),
        ({"annual_revenue": -5}, "annual_revenue"),
        ({"annual_revenue": 0}, "annual_revenue"),
        ({"employees": 0}, "employees"),
        ({"controls": {"firewall_magic": True}}, "controls.firewall_magic"),
        ({"records": {"health": -1}}, "records.health"),
        ({"online_revenue_share": 1.5}, "online_revenue_share"),
        ({"mlps_level": 5}, "mlps_level"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "JPY"}, "currency"),
        ({"dependencies": [{"name": "x", "kind": "satellite"}]}, "dependencies[0].kind"),
        ({"exposure": {"vulnerabilities": [{"cve": "CVE-24-1"}]}}, "exposure.vulnerabilities[0].cve"),
        ({"incidents": [{"year": 2023, "event_type": "meteor", "loss": 1}]}, "incidents[0].event_type"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_profile_names_the_field(change: dict[str, object], field: str) -> None:
    assert field in fields_of(profile_data(**change))


def test_wrong_answer_type_names_the_control() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_model(OrganizationProfile, profile_data(controls={"patch_sla": "whenever"}), "p.yaml")
    (problem,) = err.value.problems
    assert problem.field == "controls"
    assert "controls.patch_sla" in problem.message and "within_7_days" in problem.message


def test_yes_no_question_wants_a_boolean() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_model(OrganizationProfile, profile_data(controls={"mfa": "sometimes"}), "p.yaml")
    assert "controls.mfa" in err.value.problems[0].message


def test_with_controls_sets_the_best_answer_and_rejects_unknown_ids() -> None:
    p = make_profile(controls={"mfa": False}).with_controls({"mfa", "patch_sla"})
    assert p.controls == {"mfa": True, "patch_sla": "within_7_days"}
    with pytest.raises(InvalidInput) as err:
        make_profile().with_controls({"magic"})
    assert err.value.problems[0].field == "controls.magic"


def test_load_risk_model_names_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "org.yaml"
    bad.write_text(yaml.safe_dump(profile_data(industry="nope")), encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_risk_model(bad)
    assert err.value.source == str(bad)
    assert [p.field for p in err.value.problems] == ["industry"]


def test_load_risk_model_rejects_an_unknown_kind(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text("kind: guesswork\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_risk_model(bad)
    assert err.value.problems[0].field == "kind"


def test_load_risk_model_reads_explicit_models_and_profiles(tmp_path: Path) -> None:
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text(
        "kind: explicit\ncurrency: USD\nevent_types:\n  ransomware:\n"
        "    frequency: {dist: poisson, lam: 0.3}\n"
        "    losses:\n      data_restoration: {dist: lognormal, ci90: [10000, 500000]}\n",
        encoding="utf-8",
    )
    model = load_risk_model(explicit)
    assert model.kind == "explicit" and model.currency == "USD"
    org = tmp_path / "org.json"
    org.write_text(OrganizationProfile.model_validate(profile_data()).model_dump_json(), encoding="utf-8")
    assert load_risk_model(org).kind == "assessed"


def test_profile_without_kind_is_an_organization(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(profile_data()), encoding="utf-8")
    assert load_risk_model(path).name == "Test Manufacturer"

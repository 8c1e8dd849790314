"""The catalog: real facts of the packaged data, and broken copies that must fail naming the field."""

from __future__ import annotations

import doctest
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import cyberins.catalog
import cyberins.catalog.catalog
from cyberins.catalog import Catalog, Label, get_catalog, load_catalog
from cyberins.catalog.checks import RULE_4
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import (
    THIRD_PARTY_COVERAGES,
    TIME_ELEMENT_COVERAGES,
    CostCategory,
    Coverage,
    CoverageKind,
    EventType,
    Exclusion,
    Jurisdiction,
)

DATA = Path(cyberins.catalog.__file__).parent / "data"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return get_catalog()


# --- the packaged catalog ---------------------------------------------------------------------------------


def test_every_id_of_the_vocabulary_has_an_entry_in_enum_order(cat: Catalog) -> None:
    assert list(cat.event_types) == list(EventType)
    assert list(cat.coverages) == list(Coverage)
    assert list(cat.cost_categories) == list(CostCategory)
    assert list(cat.exclusions) == list(Exclusion)
    assert list(cat.jurisdictions) == list(Jurisdiction)
    assert set(cat.conditions) >= {
        "ransom_requires_insurer_consent",
        "pr_legal_require_insurer_consent",
        "approved_vendors_required",
        "minimum_security",
    }


def test_version_is_the_one_every_file_carries(cat: Catalog) -> None:
    versions = {yaml.safe_load(p.read_text(encoding="utf-8"))["version"] for p in DATA.glob("*.yaml")}
    assert versions == {cat.version}


def test_ransomware_hits_extortion_interruption_and_restoration_at_once(cat: Catalog) -> None:
    ransomware = cat.event_types[EventType.RANSOMWARE]
    assert {Coverage.CYBER_EXTORTION, Coverage.BUSINESS_INTERRUPTION, Coverage.DATA_RESTORATION} <= set(
        ransomware.triggers
    )
    assert ransomware.malicious
    assert ransomware.label.zh == "勒索软件事件"
    assert ransomware.gbt20986.name.zh == "恶意程序事件"


def test_funds_transfer_fraud_triggers_cyber_fraud_not_interruption(cat: Catalog) -> None:
    triggers = cat.event_types[EventType.FUNDS_TRANSFER_FRAUD].triggers
    assert Coverage.CYBER_FRAUD in triggers
    assert Coverage.BUSINESS_INTERRUPTION not in triggers


def test_only_system_failure_and_human_error_are_non_malicious(cat: Catalog) -> None:
    non_malicious = {e for e, entry in cat.event_types.items() if not entry.malicious}
    assert non_malicious == {EventType.SYSTEM_FAILURE, EventType.HUMAN_ERROR}


def test_every_coverage_is_triggered_by_some_event_type(cat: Catalog) -> None:
    triggered = {c for entry in cat.event_types.values() for c in entry.triggers}
    assert triggered == set(Coverage)


def test_white_paper_terms_label_the_losses(cat: Catalog) -> None:
    """Table 4 of the 2021 white paper names these loss types."""
    assert cat.coverages[Coverage.BUSINESS_INTERRUPTION].label.zh == "营业中断损失"
    assert cat.coverages[Coverage.CYBER_EXTORTION].label.zh == "网络勒索损失"
    assert cat.coverages[Coverage.PRIVACY_LIABILITY].label.zh == "信息泄露责任"
    assert cat.coverages[Coverage.MEDIA_LIABILITY].label.zh == "媒体侵权责任"
    assert cat.coverages[Coverage.CYBER_PHYSICAL_DAMAGE].label.zh == "物理损失"


@pytest.mark.parametrize(
    ("coverage", "code", "name"),
    [
        (Coverage.BUSINESS_INTERRUPTION, 7, "NPBI"),
        (Coverage.DEPENDENT_BUSINESS_INTERRUPTION, 8, "CBI"),
        (Coverage.DATA_RESTORATION, 9, "DIAS"),
        (Coverage.HARDWARE_REPLACEMENT, 9, "DIAS"),
        (Coverage.CYBER_EXTORTION, 10, "EXT"),
        (Coverage.CYBER_FRAUD, 11, "FIN"),
        (Coverage.INCIDENT_RESPONSE, 12, "INRE"),
        (Coverage.PUBLIC_RELATIONS, 12, "INRE"),
        (Coverage.LEGAL, 12, "INRE"),
        (Coverage.CONSULTING, 12, "INRE"),
        (Coverage.RECERTIFICATION, 12, "INRE"),
        (Coverage.PRIVACY_LIABILITY, 13, "LIAB"),
        (Coverage.NETWORK_SECURITY_LIABILITY, 13, "LIAB"),
        (Coverage.MEDIA_LIABILITY, 13, "LIAB"),
        (Coverage.OUTSOURCED_PROVIDER_LIABILITY, 13, "LIAB"),
        (Coverage.REGULATORY_DEFENCE, 14, "REG"),
        (Coverage.CYBER_PHYSICAL_DAMAGE, 16, "CYB"),
    ],
)
def test_oed_codes(cat: Catalog, coverage: Coverage, code: int, name: str) -> None:
    oed = cat.coverages[coverage].oed
    assert (oed.code, oed.name) == (code, name)


def test_kinds_and_time_element_agree_with_ids(cat: Catalog) -> None:
    for coverage, entry in cat.coverages.items():
        third = coverage in THIRD_PARTY_COVERAGES
        assert entry.kind is (CoverageKind.THIRD_PARTY if third else CoverageKind.FIRST_PARTY)
        assert entry.time_element is (coverage in TIME_ELEMENT_COVERAGES)


def test_cn_never_indemnifies_a_virtual_currency_ransom_and_needs_a_police_report(cat: Catalog) -> None:
    cn = cat.jurisdictions[Jurisdiction.CN]
    assert cn.ransom_virtual_currency_indemnifiable is False
    assert cn.ransom_requires_police_report is True
    assert cn.ransom_requires_insurer_consent is True
    assert cn.administrative_fines == "never"
    assert cn.timezone == "Asia/Shanghai"
    assert cn.rules.ransom_virtual_currency_indemnifiable.source_ids  # a cited notice, not an assumption


def test_intl_defaults(cat: Catalog) -> None:
    intl = cat.jurisdictions[Jurisdiction.INTL]
    assert intl.timezone == "UTC"
    assert intl.ransom_requires_insurer_consent is True
    assert intl.administrative_fines == "if_named_in_wording"


def test_industries_name_their_gbt4754_section_and_mlps_level(cat: Catalog) -> None:
    assert cat.industries["banking"].gbt4754.section == "J"
    assert cat.industries["banking"].required_mlps_level == 3
    assert cat.industries["healthcare_hospital"].required_mlps_level == 3
    assert cat.industries["retail"].required_mlps_level == 2
    expected = {
        "energy_utility", "ecommerce", "healthcare_hospital", "autonomous_driving", "automotive_manufacturing",
        "securities_finance", "banking", "professional_services", "trading_wholesale", "manufacturing",
        "it_services", "education", "government_public", "retail", "logistics",
    }  # fmt: skip
    assert expected <= set(cat.industries)


def test_minimum_security_takes_the_kev_patch_days_parameter(cat: Catalog) -> None:
    parameter = cat.conditions["minimum_security"].parameters["kev_patch_days"]
    assert parameter.type == "integer"
    assert parameter.label.en


def test_every_label_and_description_is_bilingual(cat: Catalog) -> None:
    labelled: list[Any] = [
        *cat.event_types.values(), *cat.coverages.values(), *cat.cost_categories.values(),
        *cat.exclusions.values(), *cat.conditions.values(), *cat.jurisdictions.values(), *cat.industries.values(),
    ]  # fmt: skip
    for entry in labelled:
        assert isinstance(entry.label, Label)
        assert entry.label.zh.strip() and entry.label.en.strip()
        assert entry.label.zh != entry.label.en


def test_the_catalog_is_read_only(cat: Catalog) -> None:
    with pytest.raises(TypeError):
        cat.event_types[EventType.RANSOMWARE] = cat.event_types[EventType.MALWARE]  # type: ignore[index]
    with pytest.raises(ValueError, match="frozen"):
        cat.coverages[Coverage.LEGAL].time_element = True  # type: ignore[misc]
    assert get_catalog() is cat


# --- rule 4 and labels ------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", [c for c in CostCategory if c is not CostCategory.DEFENCE])
def test_each_cost_category_maps_to_its_rule_4_coverage(cat: Catalog, category: CostCategory) -> None:
    assert cat.coverage_for_cost(category) is RULE_4[category]
    assert cat.cost_categories[category].coverage is RULE_4[category]


def test_forensics_is_incident_response(cat: Catalog) -> None:
    assert cat.coverage_for_cost(CostCategory.FORENSICS, None) is Coverage.INCIDENT_RESPONSE
    assert cat.coverage_for_cost("forensics", "incident_response") is Coverage.INCIDENT_RESPONSE


def test_defence_takes_the_liability_coverage_named_on_the_line(cat: Catalog) -> None:
    assert cat.cost_categories[CostCategory.DEFENCE].coverage is None
    assert cat.coverage_for_cost(CostCategory.DEFENCE, Coverage.PRIVACY_LIABILITY) is Coverage.PRIVACY_LIABILITY
    with pytest.raises(InvalidInput) as err:
        cat.coverage_for_cost(CostCategory.DEFENCE, None)
    assert err.value.problems[0].field == "coverage"
    with pytest.raises(InvalidInput, match="first party"):
        cat.coverage_for_cost(CostCategory.DEFENCE, Coverage.LEGAL)


def test_a_line_cannot_move_a_cost_to_another_coverage(cat: Catalog) -> None:
    with pytest.raises(InvalidInput, match="incident_response"):
        cat.coverage_for_cost(CostCategory.FORENSICS, Coverage.LEGAL)
    with pytest.raises(InvalidInput) as err:
        cat.coverage_for_cost("forensic", None)
    assert err.value.problems[0].field == "category"


def test_label_of_any_id(cat: Catalog) -> None:
    assert cat.label("ransomware") == "勒索软件事件"
    assert cat.label("ransomware", lang="en") == "Ransomware"
    assert cat.label("CN") == "中国大陆"
    assert cat.label("banking", "en") == "Banking"
    assert cat.label("minimum_security", "en") == "Minimum security standard"
    assert cat.label("war") == "战争除外"


def test_label_tells_apart_ids_shared_by_two_tables(cat: Catalog) -> None:
    assert cat.label(EventType.CYBER_EXTORTION) == "网络勒索事件"
    assert cat.label(Coverage.CYBER_EXTORTION) == "网络勒索损失"
    assert cat.label("coverage:cyber_extortion") == "网络勒索损失"
    assert cat.label("cyber_extortion") == "网络勒索事件"  # bare id: event types are looked up first
    assert cat.label("cost_category:defence", "en") == "Defence costs"


@pytest.mark.parametrize(("ident", "lang"), [("phishing", "zh"), ("policy:legal", "zh"), ("legal", "fr")])
def test_label_refuses_unknown_ids_and_languages(cat: Catalog, ident: str, lang: Any) -> None:
    with pytest.raises(InvalidInput):
        cat.label(ident, lang)


def test_docstring_examples_run() -> None:
    for module in (cyberins.catalog, cyberins.catalog.catalog):
        assert doctest.testmod(module).failed == 0


# --- broken copies ----------------------------------------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def edit(folder: Path, file: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / file
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def fields_of(err: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [p.field for p in err.value.problems]


def test_an_untouched_copy_loads(data: Path) -> None:
    assert load_catalog(data) == get_catalog()


def test_unknown_event_type_is_named(data: Path) -> None:
    edit(data, "event_types.yaml", lambda d: d["event_types"].update(phishing=d["event_types"]["malware"]))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert "event_types.phishing" in fields_of(err)
    assert err.value.source.endswith("event_types.yaml")


def test_missing_event_type_is_named(data: Path) -> None:
    edit(data, "event_types.yaml", lambda d: d["event_types"].pop("human_error"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["event_types.human_error"]


def test_unknown_trigger_is_named_by_its_index(data: Path) -> None:
    edit(data, "event_types.yaml", lambda d: d["event_types"]["ransomware"]["triggers"].__setitem__(2, "bogus"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["event_types.ransomware.triggers[2]"]
    assert "bogus" in str(err.value)


def test_missing_label_is_named(data: Path) -> None:
    edit(data, "coverages.yaml", lambda d: d["coverages"]["legal"]["label"].pop("zh"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["coverages.legal.label.zh"]
    assert err.value.source.endswith("coverages.yaml")


def test_blank_label_is_refused(data: Path) -> None:
    edit(data, "exclusions.yaml", lambda d: d["exclusions"]["war"]["label"].__setitem__("en", "  "))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["exclusions.war.label.en"]


def test_entry_without_source_or_assumption_is_refused(data: Path) -> None:
    edit(data, "exclusions.yaml", lambda d: d["exclusions"]["war"].pop("source"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["exclusions.war"]
    assert "assumption" in str(err.value)


def test_assumption_without_reason_is_refused(data: Path) -> None:
    edit(data, "exclusions.yaml", lambda d: d["exclusions"]["betterment"].pop("reason"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["exclusions.betterment"]


def test_source_not_declared_in_the_file_is_named(data: Path) -> None:
    edit(data, "jurisdictions.yaml", lambda d: d["jurisdictions"]["CN"]["rules"]["timezone"].update(source="tzdb"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["jurisdictions.CN.rules.timezone.source"]


def test_wrong_cost_mapping_is_named(data: Path) -> None:
    edit(data, "cost_categories.yaml", lambda d: d["cost_categories"]["forensics"].update(coverage="legal"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["cost_categories.forensics.coverage"]
    assert "rule 4" in str(err.value)


def test_defence_with_a_fixed_coverage_is_refused(data: Path) -> None:
    def fix_defence(d: dict[str, Any]) -> None:
        d["cost_categories"]["defence"].update(coverage="privacy_liability", coverage_from_line=False)

    edit(data, "cost_categories.yaml", fix_defence)
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["cost_categories.defence.coverage_from_line"]


def test_time_element_must_agree_with_ids(data: Path) -> None:
    edit(data, "coverages.yaml", lambda d: d["coverages"]["legal"].update(time_element=True))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["coverages.legal.time_element"]


def test_coverage_kind_must_agree_with_ids(data: Path) -> None:
    edit(data, "coverages.yaml", lambda d: d["coverages"]["media_liability"].update(kind="first_party"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["coverages.media_liability.kind"]


def test_oed_code_and_name_must_match(data: Path) -> None:
    edit(data, "coverages.yaml", lambda d: d["coverages"]["cyber_fraud"]["oed"].update(code=10))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["coverages.cyber_fraud.oed"]


def test_a_coverage_no_event_type_triggers_is_refused(data: Path) -> None:
    def drop_media(d: dict[str, Any]) -> None:
        for entry in d["event_types"].values():
            entry["triggers"] = [c for c in entry["triggers"] if c != "media_liability"]

    edit(data, "event_types.yaml", drop_media)
    with pytest.raises(InvalidInput, match="media_liability"):
        load_catalog(data)


def test_unknown_time_zone_is_named(data: Path) -> None:
    edit(
        data, "jurisdictions.yaml", lambda d: d["jurisdictions"]["CN"]["rules"]["timezone"].update(value="Asia/Beijing")
    )
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["jurisdictions.CN.rules.timezone"]


def test_unknown_fines_rule_is_named(data: Path) -> None:
    edit(
        data,
        "jurisdictions.yaml",
        lambda d: d["jurisdictions"]["INTL"]["rules"]["administrative_fines"].update(value="always"),
    )
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["jurisdictions.INTL.rules.administrative_fines.value"]


def test_division_outside_its_section_is_refused(data: Path) -> None:
    edit(data, "industries.yaml", lambda d: d["industries"]["banking"]["gbt4754"].update(division="36"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["industries.banking.gbt4754"]


def test_missing_condition_is_named(data: Path) -> None:
    edit(data, "conditions.yaml", lambda d: d["conditions"].pop("minimum_security"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["conditions.minimum_security"]


def test_an_id_given_twice_is_refused(data: Path) -> None:
    path = data / "exclusions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n  war:\n    label: {zh: 战争, en: War}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["exclusions.war"]
    assert "twice" in str(err.value)


def test_files_must_share_one_version(data: Path) -> None:
    edit(data, "industries.yaml", lambda d: d.update(version="9.9.9"))
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert fields_of(err) == ["version"]
    assert err.value.source.endswith("industries.yaml")


def test_missing_file_and_malformed_yaml_name_the_file(data: Path) -> None:
    (data / "conditions.yaml").unlink()
    with pytest.raises(InvalidInput) as err:
        load_catalog(data)
    assert err.value.source.endswith("conditions.yaml")
    (data / "conditions.yaml").write_text("version: [1.0\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="malformed YAML"):
        load_catalog(data)


def test_policy_forms_and_trigger_kinds_have_bilingual_labels() -> None:
    from cyberins.model.ids import PolicyForm, TriggerKind

    cat = get_catalog()
    assert set(cat.forms) == set(PolicyForm) and set(cat.triggers) == set(TriggerKind)
    assert cat.label(PolicyForm.SERVICE_BUNDLE, "zh") == "安全服务绑定保险"  # the white paper's term
    assert cat.label(TriggerKind.CLAIMS_MADE, "en") == "Claims made"
    assert cat.label("form:endorsement", "zh") == "附加险"

"""CPE matching (monitor/matching.py): contract §4 rule by rule, then the example inventory against the snapshot."""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberins.monitor.aliases import load_aliases
from cyberins.monitor.cpe import build_cpe
from cyberins.monitor.matching import (
    Kind,
    Match,
    Matcher,
    Relation,
    Term,
    Tier,
    compile_entry,
    entry_result,
    relate,
    term,
)

EQUAL, SUPERSET, SUBSET, DISJOINT = Relation.EQUAL, Relation.SUPERSET, Relation.SUBSET, Relation.DISJOINT


def cpe(vendor: str, product: str, version: str = "*", update: str = "*", *, part: str = "a", hw: str = "*") -> str:
    return f"cpe:2.3:{part}:{vendor}:{product}:{version}:{update}:*:*:*:*:{hw}:*"


def item(criteria: str, vulnerable: bool = True, **bounds: str) -> dict[str, Any]:
    return {"vulnerable": vulnerable, "criteria": criteria, **bounds}


def node(*items: dict[str, Any], operator: str = "OR", negate: bool = False) -> dict[str, Any]:
    return {"operator": operator, "negate": negate, "cpeMatch": list(items)}


def simple(*items: dict[str, Any]) -> list[dict[str, Any]]:
    """One configuration with one OR node: the shape of most NVD records."""
    return [{"nodes": [node(*items)]}]


def scan(configurations: list[dict[str, Any]], *rows: tuple[str, str], **kwargs: Any) -> list[Match]:
    return Matcher([("CVE-TEST-1", configurations)], **kwargs).scan(list(rows))


def tiers(configurations: list[dict[str, Any]], *rows: tuple[str, str]) -> dict[int, str]:
    return {m.row: m.tier for m in scan(configurations, *rows)}


def one(criteria_item: dict[str, Any], asset: str) -> tuple[str, tuple[str, ...]]:
    """An entry against an asset: (tier name, uncertain attributes)."""
    matches = scan(simple(criteria_item), ("host", asset))
    assert len(matches) <= 1
    return (matches[0].tier, matches[0].uncertain) if matches else ("none", ())


# --- NISTIR 7696 table 6-2: the relation of a source (entry) value to a target (asset) value -------------
@pytest.mark.parametrize(
    ("source", "target", "relation"),
    [
        ("*", "*", EQUAL),  # ANY/ANY
        ("-", "-", EQUAL),  # NA/NA
        ("2.4.49", "2.4.49", EQUAL),  # i/i
        ("HTTP_Server", "http_server", EQUAL),  # case-insensitive
        (r"15.2\(5\)E", r"15.2\(5\)e", EQUAL),  # escapes compared as the characters they quote
        ("*", "2.4.49", SUPERSET),  # ANY/i
        ("*", "-", SUPERSET),  # ANY/NA
        ("2.4.49", "*", SUBSET),  # i/ANY
        ("-", "*", SUBSET),  # NA/ANY
        ("-", "2.4.49", DISJOINT),  # NA/i
        ("2.4.49", "-", DISJOINT),  # i/NA
        ("2.4.49", "2.4.50", DISJOINT),  # i/k
        ("2.4.*", "2.4.49", SUPERSET),  # a pattern the target fits
        ("2.4.*", "2.5.1", DISJOINT),  # a pattern it does not
        ("2.4.4?", "2.4.49", SUPERSET),  # ? is exactly one character
        ("2.4.4?", "2.4.4", DISJOINT),
        ("2.4.4?", "2.4.490", DISJOINT),
        ("*49", "2.4.49", SUPERSET),
        ("2.4.*", "-", DISJOINT),  # pattern/NA
        ("2.4.*", "*", SUBSET),  # pattern/ANY
        (r"2.4.\*", "2.4.49", DISJOINT),  # a quoted * is a literal star, not a pattern
    ],
)
def test_relation_table(source: str, target: str, relation: Relation) -> None:
    assert relate(term(source), term(target)) is relation


def test_terms_kinds() -> None:
    assert term("*").kind is Kind.ANY and term("-").kind is Kind.NA
    assert term("2.4.*").kind is Kind.PATTERN and term(r"2\*").kind is Kind.VALUE
    assert term(r"15.2\(5\)E") == Term(Kind.VALUE, "15.2(5)e")


# --- An entry against an asset: rules (1)-(4) ------------------------------------------------------------
def test_rule_1_vendor_subset_with_product_superset_is_none() -> None:
    assert one(item("cpe:2.3:a:apache:*:*:*:*:*:*:*:*:*"), cpe("*", "http_server", "2.4.49")) == ("none", ())
    assert one(item("cpe:2.3:a:*:http_server:*:*:*:*:*:*:*:*"), cpe("apache", "*", "2.4.49")) == ("none", ())


def test_an_asset_less_precise_in_vendor_and_product_is_possible() -> None:
    assert one(item(cpe("apache", "http_server", "2.4.49")), cpe("*", "*", "2.4.49")) == (
        "possible",
        ("vendor", "product"),
    )


def test_a_wildcard_vendor_entry_matches_through_the_side_list() -> None:
    assert one(item("cpe:2.3:a:*:log4j:2.14.1:*:*:*:*:*:*:*"), cpe("apache", "log4j", "2.14.1")) == ("confirmed", ())
    assert one(item("cpe:2.3:a:apach?:log4j:2.14.1:*:*:*:*:*:*:*"), cpe("apache", "log4j", "2.14.1"))[0] == "confirmed"
    assert one(item("cpe:2.3:a:apach?:log4j:2.14.1:*:*:*:*:*:*:*"), cpe("apachex", "log4j", "2.14.1"))[0] == "none"


def test_all_superset_or_equal_is_confirmed_any_disjoint_is_none() -> None:
    entry = item(cpe("apache", "http_server", "2.4.49"))
    assert one(entry, cpe("apache", "http_server", "2.4.49")) == ("confirmed", ())
    assert one(entry, cpe("Apache", "HTTP_Server", "2.4.49")) == ("confirmed", ())
    assert one(entry, cpe("apache", "http_server", "2.4.50")) == ("none", ())
    assert one(entry, cpe("apache", "http_server", "2.4.49", part="o")) == ("none", ())
    assert one(entry, cpe("apache", "http_server", "*")) == ("possible", ("version",))
    assert one(entry, cpe("apache", "http_server", "-")) == ("none", ())


def test_other_attributes_named_by_the_entry() -> None:
    entry = item(cpe("microsoft", "office", "2016", hw="x64"))
    assert one(entry, cpe("microsoft", "office", "2016", hw="x64")) == ("confirmed", ())
    assert one(entry, cpe("microsoft", "office", "2016")) == ("possible", ("target_hw",))
    assert one(entry, cpe("microsoft", "office", "2016", hw="x86")) == ("none", ())


@pytest.mark.parametrize(
    ("version", "bounds", "tier"),
    [
        ("2.14.1", {"versionStartIncluding": "2.0.1", "versionEndExcluding": "2.15.0"}, "confirmed"),
        ("2.0.1", {"versionStartIncluding": "2.0.1", "versionEndExcluding": "2.15.0"}, "confirmed"),  # included
        ("2.0.1", {"versionStartExcluding": "2.0.1", "versionEndExcluding": "2.15.0"}, "none"),  # excluded
        ("2.15.0", {"versionStartIncluding": "2.0.1", "versionEndExcluding": "2.15.0"}, "none"),  # excluded
        ("2.15.0", {"versionEndIncluding": "2.15.0"}, "confirmed"),  # included
        ("2.15", {"versionEndIncluding": "2.15.0"}, "confirmed"),  # 2.15 = 2.15.0
        ("2.15.1", {"versionEndIncluding": "2.15.0"}, "none"),
        ("2.0-beta9", {"versionStartIncluding": "2.0-beta9", "versionEndExcluding": "2.15.0"}, "confirmed"),
        ("2.0-beta8", {"versionStartIncluding": "2.0-beta9", "versionEndExcluding": "2.15.0"}, "none"),
        (r"9.5\(3\)", {"versionEndExcluding": "9.5.4"}, "confirmed"),  # escapes removed before ordering
        ("10.0.19045.3570", {"versionEndExcluding": "10.0.19045.4412"}, "confirmed"),
        ("10.0.19045.4412", {"versionEndExcluding": "10.0.19045.4412"}, "none"),
    ],
)
def test_rule_2_range_bounds(version: str, bounds: dict[str, str], tier: str) -> None:
    assert one(item(cpe("apache", "log4j"), **bounds), cpe("apache", "log4j", version))[0] == tier


def test_rule_2_asset_version_any_or_na_against_a_range_is_possible() -> None:
    entry = item(cpe("microsoft", "windows_server_2019", part="o"), versionEndExcluding="10.0.17763.1999")
    for version in ("*", "-"):
        assert one(entry, cpe("microsoft", "windows_server_2019", version, part="o")) == ("possible", ("version",))


def test_rule_2_a_range_entry_naming_a_version_still_compares_it() -> None:
    entry = item(cpe("vendor", "product", "5.0"), versionEndExcluding="6.0")
    assert one(entry, cpe("vendor", "product", "5.0"))[0] == "confirmed"
    assert one(entry, cpe("vendor", "product", "5.1")) == ("none", ())  # version DISJOINT before the bounds


@pytest.mark.parametrize(
    ("asset", "result"),
    [
        (cpe("apache", "log4j", "2.0-beta9"), ("confirmed", ())),  # read as 2.0 update beta9
        (cpe("apache", "log4j", "2.0beta9"), ("confirmed", ())),
        (cpe("apache", "log4j", "2.0_BETA9"), ("confirmed", ())),
        (cpe("apache", "log4j", "2.0", "beta9"), ("confirmed", ())),
        (cpe("apache", "log4j", "2.0-beta8"), ("none", ())),
        (cpe("apache", "log4j", "2.0"), ("possible", ("update",))),
        (cpe("apache", "log4j", "2.0-beta9", "beta9"), ("none", ())),  # update given: no reading
    ],
)
def test_rule_3_update_suffix_reading(asset: str, result: tuple[str, tuple[str, ...]]) -> None:
    assert one(item(cpe("apache", "log4j", "2.0", "beta9")), asset) == result


def test_rule_3_not_for_range_entries() -> None:
    entry = item("cpe:2.3:a:apache:log4j:*:beta9:*:*:*:*:*:*", versionEndExcluding="2.15.0")
    assert one(entry, cpe("apache", "log4j", "2.0-beta9"))[0] == "possible"  # update stays ANY on the asset


@pytest.mark.parametrize(
    ("entry_update", "asset_update", "tier"),
    [
        ("update_3", "update_3", "confirmed"),
        ("update_3", "UPDATE_3", "confirmed"),
        ("update_1", "update_3", "none"),  # names are compared, never ordered
        ("update_3", "update_1", "none"),
        ("update_3", "update_3c", "none"),
        ("cumulative_update_19", "cumulative_update_19", "confirmed"),
        ("cumulative_update_19", "cumulative_update_20", "none"),
        ("sp1", "sp2", "none"),
        ("r11.3", "r11.3", "confirmed"),
        ("patch1", "patch2", "none"),
        ("-", "-", "confirmed"),
        ("-", "sp1", "none"),
        ("*", "update_3", "confirmed"),
        ("update_3", "*", "possible"),
    ],
)
def test_update_names(entry_update: str, asset_update: str, tier: str) -> None:
    entry = item(cpe("vmware", "esxi", "7.0", entry_update, part="o"))
    assert one(entry, cpe("vmware", "esxi", "7.0", asset_update, part="o"))[0] == tier


def test_escaped_characters_in_entry_and_built_asset() -> None:
    entry = item(r"cpe:2.3:o:cisco:ios:15.2\(5\)e:*:*:*:*:*:*:*")
    assert one(entry, build_cpe("o", "cisco", "ios", "15.2(5)E")) == ("confirmed", ())
    assert one(entry, build_cpe("o", "cisco", "ios", "15.2(5)E1")) == ("none", ())


# --- Vendor aliases ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("entry_vendor", "asset_vendor", "product"),
    [
        ("todd_miller", "sudo_project", "sudo"),
        ("sudo_project", "sudo", "sudo"),
        ("todd_miller", "sudo", "sudo"),
        ("pivotal_software", "vmware", "spring_framework"),
        ("vmware", "pivotal", "spring_framework"),
        ("nginx", "f5", "nginx"),
        ("f5", "nginx", "nginx"),
    ],
)
def test_contract_aliases_apply_to_entry_and_asset(entry_vendor: str, asset_vendor: str, product: str) -> None:
    entry = item(cpe(entry_vendor, product), versionEndExcluding="99")
    assert one(entry, cpe(asset_vendor, product, "1.0")) == ("confirmed", ())


def test_an_alias_is_by_vendor_and_product_and_can_be_given() -> None:
    entry = item(cpe("nginx", "njs"), versionEndExcluding="99")
    assert one(entry, cpe("f5", "njs", "1.0"))[0] == "none"  # nginx:njs is not aliased
    assert tiers(simple(entry), ("h", cpe("f5", "njs", "1.0"))) == {}
    matches = scan(simple(entry), ("h", cpe("f5", "njs", "1.0")), aliases={("nginx", "njs"): "f5"})
    assert [m.tier for m in matches] == ["confirmed"]


def test_every_packaged_alias_has_a_source() -> None:
    table = load_aliases()
    assert table[("todd_miller", "sudo")] == table[("sudo", "sudo")] == "sudo_project"
    assert table[("pivotal_software", "spring_framework")] == table[("pivotal", "spring_framework")] == "vmware"
    assert table[("nginx", "nginx")] == "f5"
    text = (Path(__file__).parents[2] / "src/cyberins/monitor/data/aliases.yaml").read_text(encoding="utf-8")
    assert text.count("source:") == text.count("- names:")


# --- Configurations: AND platforms on the same host, negate, unknown platform, tiers -----------------------
SPRING = [
    {
        "operator": "AND",
        "negate": False,
        "nodes": [
            node(item(cpe("vmware", "spring_framework"), versionStartIncluding="5.3.0", versionEndExcluding="5.3.18")),
            node(item(cpe("oracle", "jdk"), vulnerable=False, versionStartIncluding="9")),
        ],
    }
]
SPRING_ROW = cpe("vmware", "spring_framework", "5.3.17")


def test_and_platform_met_by_the_same_host() -> None:
    jdk = cpe("oracle", "jdk", "11.0.12")
    matches = scan(SPRING, ("app", SPRING_ROW), ("app", jdk))
    assert [(m.row, m.tier, m.platform, m.uncertain) for m in matches] == [(0, "confirmed", (jdk,), ())]
    assert matches[0].range == {"versionStartIncluding": "5.3.0", "versionEndExcluding": "5.3.18"}


def test_and_platform_on_another_host_does_not_count() -> None:
    matches = scan(SPRING, ("app", SPRING_ROW), ("other", cpe("oracle", "jdk", "11.0.12")))
    assert [(m.row, m.tier, m.uncertain) for m in matches] == [(0, "possible", ("platform",))]


def test_and_platform_known_and_not_met_is_none() -> None:
    assert tiers(SPRING, ("app", SPRING_ROW), ("app", cpe("oracle", "jdk", "1.8.0", "update_202"))) == {}


def test_and_platform_unknown_is_possible() -> None:
    assert tiers(SPRING, ("app", SPRING_ROW), ("app", cpe("apache", "tomcat", "9.0.1"))) == {0: "possible"}


def test_and_platform_named_less_precisely_is_possible() -> None:
    matches = scan(SPRING, ("app", SPRING_ROW), ("app", cpe("oracle", "jdk")))
    expected = [("possible", (cpe("oracle", "jdk"),), ("platform",))]
    assert [(m.tier, m.platform, m.uncertain) for m in matches] == expected


def test_the_platform_row_itself_is_no_match() -> None:
    """Only vulnerable:true entries name what is affected; the JDK row gets no alert of its own."""
    assert {m.row for m in scan(SPRING, ("app", SPRING_ROW), ("app", cpe("oracle", "jdk", "11")))} == {0}


def test_an_and_node_needs_all_its_entries() -> None:
    both = [{"nodes": [node(item(cpe("a", "x", "1")), item(cpe("b", "y", "1")), operator="AND")]}]
    assert tiers(both, ("h", cpe("a", "x", "1"))) == {}
    assert tiers(both, ("h", cpe("a", "x", "1")), ("h", cpe("b", "y", "1"))) == {0: "confirmed", 1: "confirmed"}
    assert tiers(both, ("h", cpe("a", "x", "1")), ("h", cpe("b", "y"))) == {0: "possible", 1: "possible"}


NEGATED = [
    {
        "operator": "AND",
        "nodes": [
            node(item(cpe("vendor", "app", "1.0"))),
            node(item(cpe("vendor", "hardened_os", "2.0", part="o"), vulnerable=False), negate=True),
        ],
    }
]


@pytest.mark.parametrize(
    ("platform_row", "expected"),
    [
        (cpe("vendor", "hardened_os", "2.0", part="o"), {}),  # confirmed platform, negated: none
        (cpe("vendor", "hardened_os", "3.0", part="o"), {0: "confirmed"}),  # known, not it: negated confirmed
        (cpe("other", "os", "1", part="o"), {0: "possible"}),  # unknown stays possible under negate
    ],
)
def test_negate_swaps_confirmed_and_none(platform_row: str, expected: dict[int, str]) -> None:
    assert tiers(NEGATED, ("h", cpe("vendor", "app", "1.0")), ("h", platform_row)) == expected


def test_one_match_per_row_and_cve_best_tier_over_configurations() -> None:
    configurations = simple(item(cpe("vendor", "app", "1.0", hw="x64"))) + simple(item(cpe("vendor", "app", "1.0")))
    matches = scan(configurations, ("h", cpe("vendor", "app", "1.0")))
    assert [(m.tier, m.configuration, m.criteria) for m in matches] == [("confirmed", 1, cpe("vendor", "app", "1.0"))]


def test_ties_go_to_the_first_configuration_and_first_entry() -> None:
    first, second = item(cpe("vendor", "app"), versionEndExcluding="2"), item(cpe("vendor", "app", "1.0"))
    configurations = simple(first, second) + simple(second)
    [match] = scan(configurations, ("h", cpe("vendor", "app", "1.0")))
    assert (match.configuration, match.criteria, match.range) == (0, first["criteria"], {"versionEndExcluding": "2"})


def test_many_hosts_in_one_scan_ordered_by_row_then_record() -> None:
    records = [
        ("CVE-A", simple(item(cpe("apache", "http_server", "2.4.49")))),
        ("CVE-B", simple(item(cpe("apache", "http_server"), versionEndIncluding="2.4.50"))),
        ("CVE-C", SPRING),
    ]
    rows = [
        ("h1", cpe("apache", "http_server", "2.4.50")),
        ("h2", cpe("apache", "http_server", "2.4.49")),
        ("h2", SPRING_ROW),
        ("h3", SPRING_ROW),
        ("h2", cpe("oracle", "jdk", "17")),
    ]
    got = [(m.row, m.cve, m.tier) for m in Matcher(records).scan(rows)]
    assert got == [
        (0, "CVE-B", "confirmed"),
        (1, "CVE-A", "confirmed"),
        (1, "CVE-B", "confirmed"),
        (2, "CVE-C", "confirmed"),
        (3, "CVE-C", "possible"),
    ]


def test_the_index_offers_only_entries_of_the_same_vendor_and_product() -> None:
    records = [(f"CVE-{i}", simple(item(cpe(f"vendor{i}", "product", "1")))) for i in range(50)]
    records.append(("CVE-WILD", simple(item("cpe:2.3:a:*:product:1:*:*:*:*:*:*:*"))))
    matcher = Matcher(records)
    offered = list(matcher.candidates(matcher.hits(cpe("vendor7", "product", "1")).terms))
    assert [matcher.entries[i].criteria for i in offered] == [
        cpe("vendor7", "product", "1"),
        "cpe:2.3:a:*:product:1:*:*:*:*:*:*:*",
    ]
    offered = list(matcher.candidates(matcher.hits(cpe("*", "product", "1")).terms))
    assert len(offered) == 51  # vendor ANY: every entry of the product


def test_a_malformed_row_names_the_row() -> None:
    with pytest.raises(ValueError, match="row 1: the version attribute has a wildcard"):
        scan(SPRING, ("h", SPRING_ROW), ("h", cpe("vendor", "app", "1.*")))


def test_a_malformed_criteria_never_matches() -> None:
    entry = compile_entry({"vulnerable": True, "criteria": "cpe:2.3:a:broken"}, 0, 0, {})
    assert entry_result(entry, tuple(term("*") for _ in range(11))) == (Tier.NONE, ())


# --- Acceptance: example_assets.csv against the whole snapshot (feeds README §5) --------------------------
@pytest.fixture(scope="module")
def example(feeds_dir: Path) -> tuple[list[dict[str, str]], list[Match]]:
    with gzip.open(feeds_dir / "kev_cve_nvd.jsonl.gz", "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    with (feeds_dir / "example_assets.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    matcher = Matcher((record["id"], record["configurations"]) for record in records)
    return rows, matcher.scan([(row["hostname"], row["cpe"]) for row in rows])


def confirmed_cves(example: tuple[list[dict[str, str]], list[Match]], hostname: str, product: str) -> list[str]:
    rows, matches = example
    return sorted(
        m.cve
        for m in matches
        if m.tier == "confirmed" and rows[m.row]["hostname"] == hostname and rows[m.row]["product"] == product
    )


def test_example_inventory_confirmed_pairs(example: tuple[list[dict[str, str]], list[Match]]) -> None:
    rows, matches = example
    confirmed = [m for m in matches if m.tier == "confirmed"]
    assert len(confirmed) == 256
    assert len({m.row for m in confirmed}) == 38
    assert len({(m.row, m.cve) for m in matches}) == len(matches)  # one per (row, CVE)
    per_component = Counter((rows[m.row]["hostname"], rows[m.row]["product"]) for m in confirmed)
    assert per_component == README_TABLE


README_TABLE = Counter(
    {
        ("hz-fw-01", "fortios"): 2,
        ("hz-web-legacy-01", "http_server"): 2,
        ("hz-order-app-01", "tomcat"): 1,
        ("hz-order-app-01", "spring_framework"): 1,
        ("hz-order-app-01", "log4j"): 2,
        ("hz-pay-app-01", "tomcat"): 1,
        ("hz-member-app-01", "shiro"): 1,
        ("hz-legacy-erp-01", "weblogic_server"): 1,
        ("hz-legacy-erp-01", "struts"): 5,
        ("hz-mq-01", "activemq"): 1,
        ("hz-mq-02", "rocketmq"): 1,
        ("hz-gw-01", "spring_cloud_gateway"): 1,
        ("hz-apigw-01", "apisix"): 1,
        ("hz-flink-01", "flink"): 1,
        ("hz-spark-01", "spark"): 1,
        ("hz-solr-01", "solr"): 1,
        ("hz-jenkins-01", "jenkins"): 1,
        ("hz-gitlab-01", "gitlab"): 1,
        ("hz-k8s-node-01", "linux_kernel"): 2,
        ("hz-zabbix-01", "zabbix"): 1,
        ("hz-confluence-01", "confluence_server"): 2,
        ("hz-exch-01", "exchange_server"): 8,
        ("hz-oa-win-01", "php"): 1,
        ("hz-vcenter-01", "vcenter_server"): 4,
        ("hz-esxi-01", "esxi"): 4,
        ("hz-esxi-02", "esxi"): 3,
        ("hz-legacy-api-01", "openssl"): 1,
        ("hz-legacy-api-01", "bash"): 2,
        ("hz-bi-01", "sudo"): 1,
        ("hz-bi-01", "polkit"): 1,
        ("hz-b2b-erp-01", "ofbiz"): 3,
        ("hz-graph-01", "hugegraph"): 1,
        ("hz-desk-023", "office"): 8,
        ("hz-dc-01", "windows_server_2019"): 19,
        ("hz-oa-win-01", "windows_server_2012"): 71,
        ("hz-desk-023", "windows_10_22h2"): 18,
        ("hz-desk-051", "windows_11_23h2"): 17,
        ("hz-fin-desk-01", "windows_7"): 64,
    }
)


@pytest.mark.parametrize(
    ("hostname", "product", "cves"),
    [
        ("hz-legacy-erp-01", "struts", "CVE-2017-5638 CVE-2017-9791 CVE-2017-9805 CVE-2018-11776 CVE-2020-17530"),
        (
            "hz-exch-01",
            "exchange_server",
            "CVE-2021-26855 CVE-2021-26857 CVE-2021-26858 CVE-2021-27065 CVE-2021-31207 CVE-2021-33766 "
            "CVE-2021-34473 CVE-2021-34523",
        ),
        ("hz-vcenter-01", "vcenter_server", "CVE-2021-21972 CVE-2021-21973 CVE-2021-21985 CVE-2021-22005"),
        ("hz-esxi-01", "esxi", "CVE-2024-37085 CVE-2025-22224 CVE-2025-22225 CVE-2025-22226"),
        ("hz-esxi-02", "esxi", "CVE-2025-22224 CVE-2025-22225 CVE-2025-22226"),
        ("hz-order-app-01", "spring_framework", "CVE-2022-22965"),
        ("hz-order-app-01", "log4j", "CVE-2021-44228 CVE-2021-45046"),
        ("hz-legacy-api-01", "openssl", "CVE-2014-0160"),
        ("hz-legacy-api-01", "bash", "CVE-2014-6271 CVE-2014-7169"),
        ("hz-bi-01", "sudo", "CVE-2021-3156"),
        ("hz-fw-01", "fortios", "CVE-2023-27997 CVE-2024-21762"),
        ("hz-fw-02", "fortios", ""),
        ("hz-pay-app-01", "log4j", ""),
        ("hz-pay-app-01", "spring_framework", ""),
        ("hz-search-legacy-01", "elasticsearch", ""),
    ],
)
def test_example_inventory_per_host(
    example: tuple[list[dict[str, str]], list[Match]], hostname: str, product: str, cves: str
) -> None:
    assert confirmed_cves(example, hostname, product) == cves.split()


def test_example_inventory_spring_platform_is_the_hosts_jdk(example: tuple[list[dict[str, str]], list[Match]]) -> None:
    rows, matches = example
    [spring] = [m for m in matches if m.cve == "CVE-2022-22965"]
    assert rows[spring.row]["hostname"] == "hz-order-app-01"
    assert spring.platform == ("cpe:2.3:a:oracle:jdk:11.0.12:*:*:*:*:*:*:*",)


def test_example_inventory_possible(example: tuple[list[dict[str, str]], list[Match]]) -> None:
    rows, matches = example
    possible = [m for m in matches if m.tier == "possible"]
    assert len(possible) == 33
    windows_2019 = [m for m in possible if rows[m.row]["product"] == "windows_server_2019"]
    assert len(windows_2019) == 28
    assert {m.uncertain for m in windows_2019} == {("version",)}  # the row names no build: version `-`
    assert all(m.range for m in windows_2019)
    assert all(m.uncertain for m in possible)


# --- Properties ----------------------------------------------------------------------------------------------
ENTRY_VALUES = st.sampled_from(["*", "-", "x", "y", "x*", "?"])
ASSET_VALUES = st.sampled_from(["*", "-", "x", "y", "xy"])


@given(st.lists(ENTRY_VALUES, min_size=4, max_size=4), st.lists(ASSET_VALUES, min_size=4, max_size=4))
def test_possible_exactly_when_the_asset_leaves_open_what_the_entry_names(
    entry_values: list[str], asset_values: list[str]
) -> None:
    entry = compile_entry({"criteria": cpe(*entry_values)}, 0, 0, {})
    asset = tuple(term(value) for value in cpe(*asset_values).split(":")[2:])
    tier, uncertain = entry_result(entry, asset)
    assert (tier is Tier.CONFIRMED) == (tier is not Tier.NONE and not uncertain)
    named = {"vendor": 0, "product": 1, "version": 2, "update": 3}
    for attribute in uncertain:  # SUBSET only where the asset says ANY and the entry does not
        assert asset_values[named[attribute]] == "*" != entry_values[named[attribute]]
    if tier is Tier.POSSIBLE:  # naming those attributes as the entry does settles it
        settled = [
            e if a == "*" and e not in ("x*", "?") else a for e, a in zip(entry_values, asset_values, strict=True)
        ]
        if settled != asset_values:
            again = entry_result(entry, tuple(term(value) for value in cpe(*settled).split(":")[2:]))
            assert again[0] is not Tier.NONE

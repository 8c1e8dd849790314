"""Alerts (contract §2): the priority table case by case, due dates, stable ids, event types and techniques from
the table, and the effect through the same `assess` (examples/orgs/)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.assess import assess, load_profile
from cyberins.assess.profile import ExposureSignals, Vulnerability
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import EventType
from cyberins.monitor.alerts import (
    Alert,
    Cvss,
    Epss,
    KevListing,
    Matched,
    alert_id,
    build_alert,
    cvss_severity_v2,
    due_by,
    priority,
)
from cyberins.monitor.effect import Rescorer, extended, scan_exposure
from cyberins.monitor.inventory import AssetRow, Inventory, read_assets
from cyberins.monitor.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
ORG = ROOT / "examples" / "orgs" / "listed-ecommerce.yaml"
OPENED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
KNOWN = KevListing(True, date(2021, 12, 10), date(2021, 12, 24), "Known")
UNKNOWN = KevListing(True, date(2021, 12, 10), date(2021, 12, 24), "Unknown")
NOT_LISTED = KevListing(False)


def cvss(score: float, vector: str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") -> Cvss:
    return Cvss("3.1", score, "CRITICAL" if score >= 9 else "HIGH", vector)


def epss(percentile: float) -> Epss:
    return Epss(0.5, percentile, date(2026, 8, 16))


# (case, tier, kev, internet-facing, epss percentile, cvss, criticality) -> level
PRIORITY_CASES = [
    ("kev ransomware internet", "confirmed", KNOWN, True, None, None, "medium", 1),
    ("kev internet", "confirmed", UNKNOWN, True, None, None, "medium", 2),
    ("kev ransomware internal", "confirmed", KNOWN, False, None, None, "medium", 2),
    ("kev internal", "confirmed", UNKNOWN, False, None, None, "medium", 3),
    ("epss at 0.95 internet", "confirmed", NOT_LISTED, True, 0.95, None, "medium", 3),
    ("epss high internal", "confirmed", NOT_LISTED, False, 0.99, None, "medium", 4),
    ("cvss 9.0", "confirmed", NOT_LISTED, True, 0.94, 9.0, "medium", 4),
    ("cvss 8.9", "confirmed", NOT_LISTED, True, 0.94, 8.9, "medium", 5),
    ("nothing known", "confirmed", NOT_LISTED, True, None, None, "medium", 5),
    ("high raises", "confirmed", UNKNOWN, False, None, None, "high", 2),
    ("high stays at 1", "confirmed", KNOWN, True, None, None, "high", 1),
    ("low lowers", "confirmed", KNOWN, True, None, None, "low", 2),
    ("low stays at 5", "confirmed", NOT_LISTED, False, None, 5.0, "low", 5),
    ("possible capped at 3", "possible", KNOWN, True, None, None, "medium", 3),
    ("possible high still 3", "possible", KNOWN, True, None, None, "high", 3),
    ("possible low", "possible", UNKNOWN, False, None, None, "low", 4),
    ("possible rest", "possible", NOT_LISTED, False, None, None, "medium", 5),
]


@pytest.mark.parametrize(
    ("tier", "kev", "facing", "pct", "score", "criticality", "level"),
    [c[1:] for c in PRIORITY_CASES],
    ids=[c[0] for c in PRIORITY_CASES],
)
def test_priority_table(
    tier: str, kev: KevListing, facing: bool, pct: float | None, score: float | None, criticality: str, level: int
) -> None:
    got = priority(
        tier,  # type: ignore[arg-type]
        kev, facing, epss(pct) if pct is not None else None, cvss(score) if score is not None else None, criticality,
        ("version",) if tier == "possible" else (),
    )  # fmt: skip
    assert got.level == level
    assert got.reason_en.endswith(".") and got.reason_zh.endswith("。")


def test_priority_reasons_say_why() -> None:
    assert priority("confirmed", KNOWN, True, None, None, "medium").reason_en == (
        "KEV-listed with known ransomware use, on an internet-facing asset."
    )
    raised = priority("confirmed", UNKNOWN, False, None, None, "high")
    assert raised.reason_en == "KEV-listed, on an internal asset; raised one level: criticality high."
    capped = priority("possible", KNOWN, True, None, None, "medium", ("version",))
    assert "a possible match (uncertain: version) is never above 3" in capped.reason_en
    assert (
        "EPSS percentile 0.970 ≥ 0.95" in priority("confirmed", NOT_LISTED, False, epss(0.97), None, "medium").reason_en
    )


@pytest.mark.parametrize(
    ("kev", "opened", "days", "due"),
    [
        (NOT_LISTED, OPENED, 14, None),  # not KEV-listed: no SLA
        (UNKNOWN, OPENED, None, date(2021, 12, 24)),  # no policy: CISA's due date
        (UNKNOWN, OPENED, 14, date(2026, 3, 16)),  # listed long ago: opened + 14 days
        (UNKNOWN, datetime(2021, 12, 1, tzinfo=UTC), 30, date(2022, 1, 9)),  # opened before the listing: listing + 30
        (UNKNOWN, datetime(2021, 12, 10, 23, 0, tzinfo=UTC), 7, date(2021, 12, 17)),  # the same day
    ],
)
def test_due_by(kev: KevListing, opened: datetime, days: int | None, due: date | None) -> None:
    assert due_by(kev, opened, days) == due


def test_cvss_v2_severity_bands() -> None:
    assert [cvss_severity_v2(s) for s in (0.0, 3.9, 4.0, 6.9, 7.0, 10.0)] == [
        "LOW", "LOW", "MEDIUM", "MEDIUM", "HIGH", "HIGH",
    ]  # fmt: skip


def row(hostname: str = "web-1", cpe: str = "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", **kw: object) -> AssetRow:
    values: dict[str, object] = {
        "ip": "10.0.0.5", "vendor": "", "product": "", "version": "", "role": "order service",
        "internet_facing": True, "criticality": "medium", "part": "a", "where": "row 2",
    }  # fmt: skip
    values.update(kw)
    return AssetRow(hostname=hostname, cpe=cpe, **values)  # type: ignore[arg-type]


def alert(
    asset: AssetRow | None = None,
    cve: str = "CVE-2021-44228",
    *,
    tier: str = "confirmed",
    kev: KevListing = KNOWN,
    cwe: tuple[str, ...] = ("CWE-502", "CWE-917"),
    score: Cvss | None = None,
    days: int | None = None,
    insured: str | None = None,
) -> Alert:
    uncertain = ("version",) if tier == "possible" else ()
    return build_alert(
        asset or row(), cve, tier,  # type: ignore[arg-type]
        Matched("cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", {"versionEndExcluding": "2.15.0"}, 0, (), uncertain),
        rules=load_rules(), cvss=score or cvss(10.0), kev=kev, epss=epss(0.99), cwe=cwe, attack=None,
        provenance={"nvd_file": "kev_cve_nvd.jsonl.gz"}, opened_at=OPENED, insured=insured, kev_patch_days=days,
    )  # fmt: skip


def test_an_alert_has_every_key_of_the_contract() -> None:
    out = alert(days=14).to_json()
    assert set(out) >= {
        "id", "insured", "cve", "match", "asset", "matched", "cvss", "kev", "epss", "cwe", "attack_techniques",
        "event_types", "priority", "priority_reason", "effect", "state", "opened_at", "due_by", "provenance",
    }  # fmt: skip
    assert set(out["asset"]) >= {"hostname", "ip", "cpe", "internet_facing", "criticality"}
    assert set(out["matched"]) == {"criteria", "range", "configuration", "platform", "uncertain"}
    assert out["kev"] == {"listed": True, "date_added": "2021-12-10", "due_date": "2021-12-24", "ransomware": "Known"}
    assert out["epss"] == {"score": 0.5, "percentile": 0.99, "score_date": "2026-08-16"}
    assert (out["state"], out["opened_at"], out["due_by"]) == ("open", "2026-03-02T09:30:00+00:00", "2026-03-16")
    assert (out["priority"], out["effect"], out["insured"]) == (1, None, None)
    assert json.loads(json.dumps(out)) == out  # plain JSON values only
    assert alert(kev=NOT_LISTED).to_json()["kev"] == {
        "listed": False, "date_added": None, "due_date": None, "ransomware": None,
    }  # fmt: skip


def test_the_id_hashes_insured_host_cpe_and_cve_only(tmp_path: Path, feeds_dir: Path) -> None:
    first = alert()
    assert first.id == alert(kev=UNKNOWN, score=cvss(5.0), days=7).id  # feed updates keep the id
    assert first.id != alert(insured="ins-1").id != alert(cve="CVE-2021-45046").id
    assert first.id != alert(row(hostname="web-2")).id
    csv_rows = read_assets(feeds_dir / "example_assets.csv").rows
    path = tmp_path / "assets.json"
    path.write_text(json.dumps([r.to_json() for r in csv_rows]), encoding="utf-8")
    json_rows = read_assets(path).rows
    cve = "CVE-2021-44228"
    assert [alert_id(None, r.hostname, r.cpe, cve) for r in csv_rows] == [
        alert_id(None, r.hostname, r.cpe, cve) for r in json_rows
    ]


@pytest.mark.parametrize(
    ("cwes", "asset", "ransomware", "expected"),
    [
        (("CWE-502",), row(), False, ["unauthorized_access", "malware"]),
        (("CWE-502",), row(), True, ["unauthorized_access", "malware", "ransomware"]),
        (("CWE-22",), row(), False, ["personal_information_breach", "unauthorized_access"]),
        (("CWE-400",), row(), False, ["denial_of_service"]),
        (("NVD-CWE-noinfo",), row(), False, ["unauthorized_access"]),  # the fallback
        (("NVD-CWE-noinfo",), row(), True, ["ransomware"]),  # KEV's word suffices
        (
            ("NVD-CWE-noinfo",),
            row(cpe="cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_19:*:*:*:*:*:*", role="staff mail"),
            False,
            ["funds_transfer_fraud", "personal_information_breach"],
        ),
        (
            ("CWE-787",),
            row(cpe="cpe:2.3:o:fortinet:fortios:6.4.12:*:*:*:*:*:*:*", role="edge"),
            False,
            ["unauthorized_access", "malware", "ransomware"],
        ),
        (("CWE-20",), row(role="AD domain controller"), False, ["ransomware"]),  # by a word of the role
    ],
)
def test_event_types_from_cwe_asset_and_kev(
    cwes: tuple[str, ...], asset: AssetRow, ransomware: bool, expected: list[str]
) -> None:
    got = alert(asset, cwe=cwes, kev=KNOWN if ransomware else UNKNOWN).to_json()
    assert got["event_types"] == expected
    assert all(EventType(e) for e in got["event_types"])
    assert all(r["reason"] and r["source"] for r in got["event_type_reasons"])


def test_every_table_rule_is_cited_or_an_assumption(tmp_path: Path) -> None:
    rules = load_rules()
    for rule in [*rules.cwe, *rules.assets, rules.ransomware, rules.fallback, *rules.attack]:
        assert rule.reason and (rule.source_ids or rule.assumption)
    table = (ROOT / "src" / "cyberins" / "monitor" / "data" / "event_types.yaml").read_text(encoding="utf-8")
    path = tmp_path / "table.yaml"
    path.write_text(table.replace("source: mitre_cwe", "source: nowhere", 1), encoding="utf-8")
    with pytest.raises(InvalidInput, match="cwe\\[0\\].source: unknown source 'nowhere'"):
        load_rules(path)
    path.write_text(
        table.replace("    event_types: [denial_of_service]", "    event_types: [outage]"), encoding="utf-8"
    )
    with pytest.raises(InvalidInput, match="event_types"):
        load_rules(path)


@pytest.mark.parametrize(
    ("vector", "facing", "techniques"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", True, ["T1190"]),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", False, ["T1210"]),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", True, ["T1203"]),
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", False, ["T1068"]),
        ("AV:N/AC:L/Au:N/C:C/I:C/A:C", True, ["T1190"]),  # CVSS v2: no User Interaction metric
        ("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", True, []),
    ],
)
def test_attack_techniques_from_the_cvss_vector(vector: str, facing: bool, techniques: list[str]) -> None:
    assert list(alert(row(internet_facing=facing), score=cvss(9.8, vector)).attack_techniques) == techniques


# --- exposure and effect: the same `assess`, no second model ------------------------------------------------


def test_scan_exposure_confirmed_vulnerabilities_once_per_host_and_vpn_gateways() -> None:
    fw = row("fw-1", "cpe:2.3:o:fortinet:fortios:6.4.12:*:*:*:*:*:*:*", version="6.4.12")
    inside = row("fw-2", "cpe:2.3:o:fortinet:fortios:7.4.4:*:*:*:*:*:*:*", internet_facing=False)
    log4j = row()
    alerts = [
        alert(fw, "CVE-2023-27997"),
        alert(log4j),
        alert(row(cpe="cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", where="row 3")),  # same CVE, same host
        alert(log4j, "CVE-2021-45046", tier="possible"),
        alert(log4j, "CVE-2099-0001", kev=NOT_LISTED),
    ]
    inventory = Inventory("x.csv", (fw, inside, log4j), rdp_exposed=True, risky_services=("smb",))
    x = scan_exposure(alerts, inventory, load_rules())
    assert [(v.cve, v.kev, v.asset, v.remediated) for v in x.vulnerabilities] == [
        ("CVE-2023-27997", True, "fw-1", False),
        ("CVE-2021-44228", True, "web-1", False),
        ("CVE-2099-0001", False, "web-1", False),
    ]
    assert [(v.product, v.version) for v in x.vpn_products] == [("fortinet", "6.4.12")]  # fw-2 is internal
    assert x.rdp_exposed and x.risky_services == ("smb",)


def test_extended_adds_only_what_the_profile_lacks() -> None:
    base = ExposureSignals(
        risky_services=("database",), vulnerabilities=(Vulnerability(cve="CVE-2021-44228", asset="a"),)
    )
    added = ExposureSignals(
        rdp_exposed=True, risky_services=("database", "smb"),
        vulnerabilities=(
            Vulnerability(cve="CVE-2021-44228", asset="a"), Vulnerability(cve="CVE-2021-44228", asset="b"),
        ),
    )  # fmt: skip
    out = extended(base, added)
    assert out.rdp_exposed and out.risky_services == ("database", "smb")
    assert [(v.cve, v.asset) for v in out.vulnerabilities] == [("CVE-2021-44228", "a"), ("CVE-2021-44228", "b")]


def test_effect_is_assess_before_and_after_with_the_factor_rows() -> None:
    profile = load_profile(ORG)
    added = ExposureSignals(
        vulnerabilities=(Vulnerability(cve="CVE-2023-27997", kev=True, asset="fw-1"),),
        vpn_products=({"product": "fortinet", "version": "6.4.12"},),  # type: ignore[arg-type]
    )
    effect = Rescorer(profile).effect(added)
    expected_after = assess(profile.model_copy(update={"exposure": extended(profile.exposure, added)}))
    assert effect.expected_loss_before == assess(profile).expected_loss()
    assert effect.expected_loss_after == expected_after.expected_loss() > effect.expected_loss_before
    out = effect.to_json()
    assert out["currency"] == "CNY"
    assert out["expected_loss_after"] == f"{expected_after.expected_loss():.2f}"
    ransomware = out["frequency"]["ransomware"]
    assert ransomware["after"] > ransomware["before"]
    assert out["frequency"]["system_failure"]["after"] == out["frequency"]["system_failure"]["before"]
    rows = {(f["id"], f["event_type"]): f for f in out["factors"]}
    assert rows[("exposure:kev_unremediated", "ransomware")]["frequency"] == 1.5
    assert rows[("exposure:vpn:fortinet", "ransomware")]["frequency"] == 2.0
    assert all(f["id"].startswith(("exposure:", "bound:exposure")) for f in out["factors"])


def test_an_alert_effect_is_that_alert_alone_and_only_when_confirmed() -> None:
    profile = load_profile(ORG)
    rescorer = Rescorer(profile)
    one = rescorer.alert_effect(alert())
    assert one is not None
    alone = profile.model_copy(
        update={"exposure": extended(profile.exposure, ExposureSignals(vulnerabilities=(
            Vulnerability(cve="CVE-2021-44228", kev=True, asset="web-1"),)))}
    )  # fmt: skip
    assert one.expected_loss_after == f"{assess(alone).expected_loss():.2f}"
    assert one.expected_loss_before == f"{assess(profile).expected_loss():.2f}"
    assert rescorer.alert_effect(alert(tier="possible")) is None
    not_kev = rescorer.alert_effect(alert(kev=NOT_LISTED))
    assert not_kev is not None
    assert float(one.expected_loss_before) < float(not_kev.expected_loss_after) < float(one.expected_loss_after)


# --- properties -------------------------------------------------------------------------------------------------

kevs = st.sampled_from([KNOWN, UNKNOWN, NOT_LISTED])
percentiles = st.none() | st.floats(0, 1)
scores = st.none() | st.floats(0, 10)
LEVEL = {"high": -1, "medium": 0, "low": 1}


@settings(max_examples=300, deadline=None)
@given(kevs, st.booleans(), percentiles, scores, st.sampled_from(["high", "medium", "low"]))
def test_priority_properties(
    kev: KevListing, facing: bool, pct: float | None, score: float | None, criticality: str
) -> None:
    def level(tier: str, crit: str) -> int:
        e = epss(pct) if pct is not None else None
        c = cvss(score) if score is not None else None
        return priority(tier, kev, facing, e, c, crit).level  # type: ignore[arg-type]

    confirmed, possible, medium = (
        level("confirmed", criticality),
        level("possible", criticality),
        level("confirmed", "medium"),
    )
    assert 1 <= confirmed <= 5 and 3 <= possible <= 5
    assert possible == max(confirmed, 3)  # a possible match is the confirmed level, never above 3
    assert confirmed == min(max(medium + LEVEL[criticality], 1), 5)  # criticality moves one level within 1…5
    if kev.listed:
        assert medium <= 3  # KEV always outranks EPSS-only and CVSS-only findings
    elif facing and pct is not None and pct >= 0.95:
        assert medium == 3
    # the same finding on an internet-facing asset is never lower than on an internal one
    inside = priority("confirmed", kev, False, epss(pct) if pct is not None else None,
                      cvss(score) if score is not None else None, "medium").level  # fmt: skip
    assert medium <= inside if facing else True


@settings(max_examples=200, deadline=None)
@given(st.dates(date(2015, 1, 1), date(2030, 12, 31)), st.dates(date(2015, 1, 1), date(2030, 12, 31)),
       st.integers(1, 365))  # fmt: skip
def test_due_by_is_never_before_the_listing_or_the_opening_plus_the_days(added: date, opened: date, days: int) -> None:
    kev = KevListing(True, added, added + timedelta(days=21), "Unknown")
    due = due_by(kev, datetime(opened.year, opened.month, opened.day, tzinfo=UTC), days)
    assert due is not None and due - timedelta(days=days) == max(added, opened)

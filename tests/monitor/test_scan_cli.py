"""`cyberins monitor scan|book` end to end (contract §2, §3, §5): the whole snapshot once (module scope), the
small examples/monitoring folder for the rest, and bad input exiting 2 with the file, row and column named."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cyberins.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "monitoring"
SMALL_FEEDS = EXAMPLES / "feeds"
ORG = ROOT / "examples" / "orgs" / "listed-ecommerce.yaml"
POLICY = ROOT / "examples" / "policies" / "large-enterprise-cny.yaml"  # minimum_security.kev_patch_days: 14


def said(result: Any) -> str:
    """stderr with Rich's line wrapping undone (a long temporary path moves the break)."""
    return " ".join(result.stderr.split())


def run(*args: str) -> Any:
    from cyberins.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def full(feeds_dir: Path) -> dict[str, Any]:
    """example_assets.csv against the whole snapshot, with a profile and a policy."""
    result = run("monitor", "scan", feeds_dir / "example_assets.csv", "--feeds", feeds_dir, "--json",
                 "--profile", ORG, "--policy", POLICY)  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_the_json_has_the_contract_keys_and_the_snapshot(full: dict[str, Any], feeds_dir: Path) -> None:
    assert list(full) == ["snapshot", "assets", "alerts", "exposure", "effect"]
    assert full["snapshot"]["dir"] == str(feeds_dir)
    sources = {s["source"]: s for s in full["snapshot"]["sources"]}
    assert set(sources) == {"kev", "epss", "nvd", "attack"}
    assert all(set(s) >= {"source", "file", "sha256", "snapshot_date", "records"} for s in sources.values())
    assert sources["nvd"]["records"] == 721 and sources["kev"]["records"] == 1404
    assert len(full["assets"]) == 72


def test_the_readme_pairs_are_confirmed_and_windows_server_2019_is_possible(full: dict[str, Any]) -> None:
    confirmed = [a for a in full["alerts"] if a["match"] == "confirmed"]
    possible = [a for a in full["alerts"] if a["match"] == "possible"]
    assert len(confirmed) == 256
    assert len({(a["asset"]["hostname"], a["asset"]["cpe"]) for a in confirmed}) == 38
    assert len(possible) == 33
    assert sum(1 for a in possible if "windows_server_2019" in a["asset"]["cpe"]) == 28
    pairs = {(a["asset"]["hostname"], a["asset"]["cpe"].split(":")[4], a["cve"]) for a in confirmed}
    assert {("hz-fw-01", "fortios", "CVE-2023-27997"), ("hz-fw-01", "fortios", "CVE-2024-21762"),
            ("hz-order-app-01", "spring_framework", "CVE-2022-22965"),
            ("hz-legacy-api-01", "openssl", "CVE-2014-0160")} <= pairs  # fmt: skip
    assert all(a["matched"]["uncertain"] == [] for a in confirmed)
    assert all(a["matched"]["uncertain"] for a in possible)
    assert len({a["id"] for a in full["alerts"]}) == len(full["alerts"])


def readme_pairs(readme: Path) -> dict[tuple[str, str], tuple[int, set[str]]]:
    """The feeds README §5 table: (host, product) → (n, the CVEs it names; empty where it says "Windows KEV CVEs")."""
    section = readme.read_text(encoding="utf-8").split("## 5.")[1].split("## 6.")[0]
    out = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[2].isdigit():
            host, component, n, cves = cells
            out[(host, component.split()[0])] = (int(n), set(re.findall(r"CVE-\d{4}-\d+", cves.split("(")[0])))
    return out


def test_the_confirmed_pairs_are_the_feeds_readmes_row_by_row(full: dict[str, Any], feeds_dir: Path) -> None:
    """Done-when of issue 18: the example inventory gives the README's 38 rows / 256 pairs as confirmed — the
    same rows, each with its count, and the same CVEs wherever the README names them."""
    expected = readme_pairs(feeds_dir / "README.md")
    assert len(expected) == 38 and sum(n for n, _ in expected.values()) == 256  # the README's own totals
    found: dict[tuple[str, str], set[str]] = {}
    for a in full["alerts"]:
        if a["match"] == "confirmed":
            found.setdefault((a["asset"]["hostname"], a["asset"]["cpe"].split(":")[4]), set()).add(a["cve"])
    assert set(found) == set(expected)
    for row, (n, cves) in expected.items():
        assert len(found[row]) == n, row
        assert not cves or found[row] == cves, row


def test_alerts_follow_the_rules(full: dict[str, Any]) -> None:
    alerts = full["alerts"]
    assert [a["priority"] for a in alerts] == sorted(a["priority"] for a in alerts)  # highest first
    assert all(a["priority"] >= 3 for a in alerts if a["match"] == "possible")
    for a in alerts:
        assert a["event_types"] and a["priority_reason"] and a["state"] == "open"
        if a["kev"]["ransomware"] == "Known":
            assert "ransomware" in a["event_types"]
        if a["kev"]["listed"]:
            opened = datetime.fromisoformat(a["opened_at"]).date()
            assert a["due_by"] == (max(date.fromisoformat(a["kev"]["date_added"]), opened) + timedelta(14)).isoformat()
        else:
            assert a["due_by"] is None
        if a["cvss"] is not None and a["cvss"]["version"] == "2.0":
            assert a["cvss"]["severity"] in {"LOW", "MEDIUM", "HIGH"}
        assert (a["effect"] is None) == (a["match"] == "possible")
        assert set(a["provenance"]) == {"nvd_file", "nvd_source", "kev_catalog_version", "epss_score_date"}
    log4j = next(a for a in alerts if a["cve"] == "CVE-2021-44228")
    assert log4j["kev"]["ransomware"] == "Known" and log4j["epss"]["percentile"] > 0.99
    assert log4j["priority"] == 2  # KEV + ransomware on an internal asset
    assert log4j["provenance"]["kev_catalog_version"] == "2025.08.25"


def test_exposure_and_effect(full: dict[str, Any]) -> None:
    x = full["exposure"]
    assert set(x) == {"rdp_exposed", "vpn_products", "risky_services", "vulnerabilities"}
    assert {(v["product"], v["version"]) for v in x["vpn_products"]} == {("fortinet", "6.4.12"), ("fortinet", "7.4.4")}
    confirmed = {(a["cve"], a["asset"]["hostname"]) for a in full["alerts"] if a["match"] == "confirmed"}
    assert {(v["cve"], v["asset"]) for v in x["vulnerabilities"]} == confirmed
    effect = full["effect"]
    assert set(effect) >= {"currency", "expected_loss_before", "expected_loss_after", "frequency", "factors"}
    assert float(effect["expected_loss_after"]) > float(effect["expected_loss_before"])
    assert effect["frequency"]["ransomware"]["after"] > effect["frequency"]["ransomware"]["before"]
    assert {f["id"] for f in effect["factors"]} >= {"exposure:kev_unremediated", "exposure:vpn:fortinet"}


def test_the_renewal_premium_moves_with_the_signals_and_reconciles_with_a_quote(full: dict[str, Any]) -> None:
    from cyberins.assess import load_profile
    from cyberins.assess.engine import assess
    from cyberins.model.loading import load_model
    from cyberins.model.policy import Policy
    from cyberins.pricing.basis import default_basis
    from cyberins.pricing.premium import technical_premium
    from cyberins.quant.simulate import simulate

    renewal = full["effect"]["renewal"]
    policy = load_model(Policy, POLICY)
    assert (renewal["policy"], renewal["currency"]) == (policy.policy_number, "CNY")
    before, after = Decimal(renewal["premium_before"]), Decimal(renewal["premium_after"])
    assert after > before and Decimal(renewal["premium_change"]) == after - before
    assert Decimal(renewal["premium_change_ratio"]) == ((after - before) / before).quantize(Decimal("0.0001"))
    assert Decimal(renewal["expected_insured_loss_after"]) > Decimal(renewal["expected_insured_loss_before"])
    # the "before" is the quote of the profile as given, under the same seed and years
    quote = technical_premium(
        simulate(assess(load_profile(ORG)), policy, renewal["years"], renewal["seed"]), policy, default_basis()
    )
    assert (before, Decimal(renewal["expected_insured_loss_before"])) == (quote.premium, quote.expected_loss)


def test_without_a_profile_there_is_no_effect() -> None:
    result = run("monitor", "scan", EXAMPLES / "assets.csv", "--feeds", SMALL_FEEDS, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["effect"] is None and all(a["effect"] is None for a in data["alerts"])
    assert all(a["due_by"] == a["kev"]["due_date"] for a in data["alerts"])  # no policy: CISA's due date
    built = next(a for a in data["alerts"] if a["asset"]["hostname"] == "hz-pay-app-01")
    assert built["asset"]["cpe"] == "cpe:2.3:a:apache:tomcat:9.0.83:*:*:*:*:*:*:*"


def test_the_plain_summary_in_both_languages() -> None:
    args = ("monitor", "scan", EXAMPLES / "assets.csv", "--feeds", SMALL_FEEDS, "--profile", ORG)
    en = run(*args, "--lang", "en")
    assert en.exit_code == 0, en.output
    assert "Alerts: 11 confirmed, 1 possible" in en.stdout
    assert "CVE-2023-27997" in en.stdout and "Expected annual loss (CNY)" in en.stdout
    zh = run(*args, "--lang", "zh")
    assert "告警：确认 11，可能 1" in zh.stdout and "预期年损失" in zh.stdout
    assert "Renewal" not in en.stdout + zh.stdout  # no policy: no renewal to price
    priced = {lang: run(*args, "--policy", POLICY, "--lang", lang).stdout for lang in ("en", "zh")}
    assert "Renewal technical premium (CNY, policy" in priced["en"] and "续保技术保费（CNY，保单" in priced["zh"]
    assert "Factors behind the change" in priced["en"] and "解释变化的因子" in priced["zh"]
    assert "unremediated" in priced["en"] and "未修复的已知被利用漏洞 (KEV)" in priced["zh"]  # the factor rows


def test_nmap_xml_and_json_inventories_scan(tmp_path: Path) -> None:
    result = run("monitor", "scan", EXAMPLES / "nmap-scan.xml", "--feeds", SMALL_FEEDS, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["exposure"]["rdp_exposed"] and data["exposure"]["risky_services"] == ["telnet", "database"]
    assert {a["cve"] for a in data["alerts"]} == {"CVE-2023-27997", "CVE-2024-21762"}  # FortiOS 6.4.12 via Nmap
    sme = json.loads(run("monitor", "scan", EXAMPLES / "assets-sme.json", "--feeds", SMALL_FEEDS, "--json").stdout)
    assert {a["cve"] for a in sme["alerts"]} >= {"CVE-2021-44228", "CVE-2024-21762"}


def bad(tmp_path: Path, name: str, text: str, *extra: str) -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run("monitor", "scan", path, "--feeds", SMALL_FEEDS, *extra)


def test_a_csv_without_the_cpe_column_exits_2_naming_it(tmp_path: Path) -> None:
    result = bad(tmp_path, "a.csv", "hostname,ip,vendor,product,version,role,internet_facing\nh,,a,b,1,r,true\n")
    assert result.exit_code == 2
    assert "a.csv" in said(result) and "cpe: required column missing" in said(result)
    assert "Traceback" not in result.output + result.stderr


def test_a_malformed_cpe_on_line_3_exits_2_naming_row_3(tmp_path: Path) -> None:
    lines = (EXAMPLES / "assets.csv").read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith("hz-lb-01,")
    lines[2] = lines[2].replace("cpe:2.3:a:f5:nginx:1.24.0:*:*:*:*:*:*:*", "cpe:/a:f5:nginx:1.24.0")
    result = bad(tmp_path, "a.csv", "\n".join(lines) + "\n")
    assert result.exit_code == 2
    assert "row 3, cpe: not a CPE 2.3 formatted string" in said(result)


def test_a_feeds_folder_without_nvd_exits_2(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    shutil.copy(SMALL_FEEDS / "known_exploited_vulnerabilities.json", feeds)
    result = run("monitor", "scan", EXAMPLES / "assets.csv", "--feeds", feeds)
    assert result.exit_code == 2
    assert "--feeds" in said(result) and "no NVD file" in said(result)


def test_an_unknown_insured_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An --insured the platform database lacks (the stored scan: tests/monitor/test_monitoring_platform.py)."""
    monkeypatch.setenv("CYBERINS_DATABASE_URL", f"sqlite:///{tmp_path / 'cyberins.db'}")
    get_settings.cache_clear()
    try:
        result = run("monitor", "scan", EXAMPLES / "assets.csv", "--feeds", SMALL_FEEDS, "--insured", "ins-1")
        assert result.exit_code == 2 and "ins-1" in said(result)
        mixed = run("monitor", "scan", EXAMPLES / "assets.csv", "--feeds", SMALL_FEEDS, "--insured", "ins-1",
                    "--policy", POLICY)  # fmt: skip
        assert mixed.exit_code == 2 and "--insured" in said(mixed)
    finally:
        get_settings.cache_clear()


# --- monitor book ---------------------------------------------------------------------------------------------


def book(*args: str) -> Any:
    return run("monitor", "book", *args, "--book", EXAMPLES / "book.yaml", "--feeds", SMALL_FEEDS)


def test_book_for_a_cve_lists_every_exposed_policy_and_the_confirmed_total() -> None:
    result = book("CVE-2021-44228", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["cve", "insureds", "totals"]
    assert data["cve"] == "CVE-2021-44228"
    items = {i["insured"]: i for i in data["insureds"]}
    assert set(items) == {"ins-hz-ecommerce", "ins-sme-manufacturer"}
    first = items["ins-hz-ecommerce"]
    assert {k: first[k] for k in ("name", "policy", "limit", "currency", "match", "state")} == {
        "name": "Hangzhou e-commerce group", "policy": "CY-ENT-2026-0042", "limit": "50000000.00",
        "currency": "CNY", "match": "confirmed", "state": "open",
    }  # fmt: skip
    assert [a["hostname"] for a in first["assets"]] == ["hz-order-app-01"]
    assert data["totals"] == {"insureds": 2, "policies": 2, "limits_sum": {"CNY": "52000000.00"}}


def test_book_totals_count_confirmed_items_only() -> None:
    data = json.loads(book("CVE-2021-33742", "--json").stdout)  # only a possible match on hz-dc-01
    assert [(i["insured"], i["match"]) for i in data["insureds"]] == [("ins-hz-ecommerce", "possible")]
    assert data["totals"] == {"insureds": 0, "policies": 0, "limits_sum": {}}


def test_book_by_product_and_bad_targets() -> None:
    data = json.loads(book("--product", "Fortinet:FortiOS", "--json").stdout)
    assert data["cve"] is None and data["product"] == "fortinet:fortios"
    assert {i["insured"] for i in data["insureds"]} == {"ins-hz-ecommerce", "ins-sme-manufacturer"}
    plain = book("--product", "apache:log4j", "--lang", "en")
    assert plain.exit_code == 0 and "Confirmed total: 2 insureds, 2 policies" in plain.stdout
    for args in (("log4shell",), ("CVE-2021-44228", "--product", "apache:log4j"), ("--product", "log4j"), ()):
        result = book(*args)
        assert result.exit_code == 2, args
    nobook = run("monitor", "book", "CVE-2021-44228", "--feeds", SMALL_FEEDS)  # --feeds only with --book
    assert nobook.exit_code == 2 and "--feeds" in said(nobook)


def test_each_language_stays_itself() -> None:
    """A zh summary carries no English word beside names and codes (hosts, paths, CVE ids, KEV...); en no Chinese."""
    common = ("--feeds", SMALL_FEEDS, "--profile", ORG, "--policy", POLICY)
    names = {str(EXAMPLES / "assets.csv"), str(SMALL_FEEDS), "fortinet", "apache:log4j"}
    names |= {line.split(",")[0] for line in (EXAMPLES / "assets.csv").read_text(encoding="utf-8").splitlines()[1:]}
    outputs = {
        lang: run("monitor", "scan", EXAMPLES / "assets.csv", *common, "--lang", lang).stdout
        + run("monitor", "book", "--product", "apache:log4j", "--book", EXAMPLES / "book.yaml", "--feeds",
              SMALL_FEEDS, "--lang", lang).stdout
        for lang in ("zh", "en")
    }  # fmt: skip
    zh = outputs["zh"]
    for name in sorted(names, key=len, reverse=True):
        zh = zh.replace(name, " ")
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9/_.-]*[A-Za-z0-9]|[A-Za-z]", zh))
    assert {w for w in words if not re.fullmatch(r"[A-Z0-9/&-]+", w)} == set()
    assert re.findall(r"[\u4e00-\u9fff]+", outputs["en"]) == []


def test_the_example_feeds_are_an_unchanged_cut_of_the_snapshots(feeds_dir: Path) -> None:
    """examples/monitoring/feeds says it copies 12 CVEs from ../shared/data/feeds unchanged: it does."""
    import gzip

    kev = json.loads((feeds_dir / "known_exploited_vulnerabilities.json").read_text(encoding="utf-8"))
    cut = json.loads((SMALL_FEEDS / "known_exploited_vulnerabilities.json").read_text(encoding="utf-8"))
    whole = {v["cveID"]: v for v in kev["vulnerabilities"]}
    assert cut["catalogVersion"] == kev["catalogVersion"] and cut["count"] == len(cut["vulnerabilities"]) == 12
    assert all(whole[v["cveID"]] == v for v in cut["vulnerabilities"])
    with gzip.open(feeds_dir / "kev_cve_nvd.jsonl.gz", "rt", encoding="utf-8") as f:
        nvd = set(f.read().splitlines())
    assert set((SMALL_FEEDS / "nvd_sample.jsonl").read_text(encoding="utf-8").splitlines()) <= nvd
    with gzip.open(feeds_dir / "epss_scores-2026-08-16.csv.gz", "rt", encoding="utf-8") as f:
        epss = f.read().splitlines()
    rows = (SMALL_FEEDS / "epss_scores-2026-08-16.csv").read_text(encoding="utf-8").splitlines()
    assert rows[:2] == epss[:2] and set(rows[2:]) <= set(epss[2:]) and len(rows) == 14


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scan_and_book_speak_one_language_in_every_branch(lang: str) -> None:
    """The branches the summary above does not reach: a possible match and why it is uncertain, the match tier
    and KEV cells, a book item that is only possible and a book nobody is exposed in (tests/one_language.py)."""
    from tests.one_language import chinese_in, english_in

    scan = run("monitor", "scan", EXAMPLES / "assets.csv", "--feeds", SMALL_FEEDS, "--lang", lang)
    possible = book("CVE-2021-33742", "--lang", lang)
    nobody = book("--product", "acme:nothing", "--lang", lang)
    assert scan.exit_code == possible.exit_code == nobody.exit_code == 0
    out = scan.stdout + possible.stdout + nobody.stdout
    if lang == "zh":
        assert "可能匹配的不确定项：版本 1" in out and "勒索" in out and "没有被保险人受影响。" in out
        hosts = [line.split(",")[0] for line in (EXAMPLES / "assets.csv").read_text(encoding="utf-8").splitlines()]
        names = [str(EXAMPLES / "assets.csv"), str(SMALL_FEEDS), "fortinet", "acme:nothing", *hosts[1:]]
        assert english_in(out, names=names) == set(), out
    else:
        assert "Possible matches are uncertain on: version 1" in out and "No insured is exposed." in out
        assert "Confirmed total: 0 insureds, 0 policies, limits —" in out and chinese_in(out) == [], out

"""Every command speaks the reader's language: a zh output carries no English word and an en output no
Chinese, beside names and codes (currency and GB/T codes, acronyms such as RDP or EDR, policy numbers, time
zones) and the cited sources' own titles."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from subprocess import CompletedProcess

import pytest
import yaml

from cyberins.assess.eligibility import load_rules
from tests.cli.helpers import cyberins
from tests.conftest import EXAMPLES
from tests.one_language import chinese_in, english_in

PROFILE = str(EXAMPLES / "orgs" / "sme-manufacturer.yaml")
POLICY = str(EXAMPLES / "policies" / "sme-standalone-cny.yaml")
INCIDENT = str(EXAMPLES / "incidents" / "sme-ransomware-erp.yaml")
BOOK = str(EXAMPLES / "portfolios" / "mixed-book.yaml")
TRANSACTIONS = str(EXAMPLES / "claims" / "transactions.csv")

COMMANDS = {
    "explain": ("explain", PROFILE),
    "simulate": ("simulate", PROFILE, "--policy", POLICY, "--years", "2000"),
    "quote": ("quote", PROFILE, "--policy", POLICY, "--years", "2000", "--no-controls"),
    "whatif": ("whatif", PROFILE, "--policy", POLICY, "--add-control", "edr", "--years", "2000"),
    "policy show": ("policy", "show", POLICY),
    "claim adjust": ("claim", "adjust", INCIDENT, "--policy", POLICY),
    "product price": ("product", "price", str(EXAMPLES / "products" / "service-bundle-sme.yaml"), "--years", "2000"),
    "quote with controls": ("quote", PROFILE, "--policy", POLICY, "--years", "1000"),
    "policy apply": ("policy", "apply", POLICY, str(EXAMPLES / "scenarios" / "ransomware-72h.yaml")),
    "claim adjust (late notice)": (
        "claim",
        "adjust",
        str(EXAMPLES / "incidents" / "late-notice.yaml"),
        "--policy",
        POLICY,
    ),
    "portfolio run": ("portfolio", "run", BOOK, "--years", "500", "--seed", "1"),
    "portfolio stress": ("portfolio", "stress", BOOK, "--scenario", "edr_faulty_update", "--hours", "36"),
    "portfolio stress --set": (
        "portfolio",
        "stress",
        BOOK,
        "--scenario",
        "edr_faulty_update",
        "--hours",
        "36",
        "--set",
        "waiting_period_hours=24",
    ),
    "reserve triangle": ("reserve", "triangle", str(EXAMPLES / "claims" / "transactions.csv"), "--grain", "year"),
    "reserve triangle --method bf": (
        "reserve",
        "triangle",
        str(EXAMPLES / "claims" / "transactions.csv"),
        "--method",
        "bf",
        "--apriori-loss-ratio",
        "0.6",
        "--premium",
        str(EXAMPLES / "claims" / "premium.csv"),
    ),
    "product price (group scheme)": (
        "product",
        "price",
        str(EXAMPLES / "products" / "group-scheme-industrial-park.yaml"),
        "--years",
        "500",
    ),
    "product price (warranty)": (
        "product",
        "price",
        str(EXAMPLES / "products" / "product-warranty-anti-ransomware.yaml"),
        "--years",
        "500",
    ),
    "reserve credibility": (
        "reserve",
        "credibility",
        "--observed",
        "12",
        "--exposure",
        "40",
        "--prior-frequency",
        "0.2",
        "--prior-weight",
        "20",
    ),
}


#: Names a zh output shows as they are: the book's ids (authors' names and symbols: `tests.one_language.VERBATIM`).
NAMES = (
    *(
        item["id"]
        for part in ("policies", "scenarios", "reinsurance")
        for item in yaml.safe_load(Path(BOOK).read_text(encoding="utf-8"))[part]
    ),
    "mixed-book-usd",
    "waiting_period_hours=24",
)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_zh_output_has_no_english_word(name: str) -> None:
    r = cyberins(*COMMANDS[name], "--lang", "zh", env={"COLUMNS": "100"})
    assert r.returncode == 0, r.stderr
    assert english_in(r.stdout, names=NAMES) == set()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_en_output_has_no_chinese(name: str) -> None:
    r = cyberins(*COMMANDS[name], "--lang", "en", env={"COLUMNS": "100"})
    assert r.returncode == 0, r.stderr
    assert chinese_in(r.stdout) == []


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, CompletedProcess[str]]]:
    """The main job once per language (slow: a simulation and the whole platform each)."""
    out = {}
    for lang in ("zh", "en"):
        folder = tmp_path_factory.mktemp(f"run-{lang}")
        r = cyberins("run", "--out", str(folder), "--years", "1000", "--no-pdf", "--lang", lang, env={"COLUMNS": "100"})
        assert r.returncode == 0, r.stderr
        out[lang] = (folder, r)
    return out


def test_run_speaks_one_language(runs: dict[str, tuple[Path, CompletedProcess[str]]]) -> None:
    folder, zh = runs["zh"]
    files = [str(folder / name) for name in ("report-zh.html", "statement-zh.html", "cyberins.db")]
    rules = [rule.id for rule in load_rules().rules]  # a declined rule is named by its id beside its text
    assert english_in(zh.stdout.replace("\n", ""), names=files + rules) == set()
    assert "全流程" in zh.stdout and "审计链：完整" in zh.stdout
    folder, en = runs["en"]
    assert chinese_in(en.stdout) == []
    assert "The lifecycle" in en.stdout and "audit chain: intact" in en.stdout


#: Refused input: errors are in the chosen language (`--lang` or CYBERINS_LANG) where the catalogue says them.
ERRORS = {
    "policy check": (("policy", "check", "{bad}"), {}),
    "quote --quoted-on": (("quote", PROFILE, "--policy", POLICY, "--quoted-on", "2026/07/01", "--lang", "{lang}"), {}),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_error_speaks_the_chosen_language(name: str, lang: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad-policy.yaml"
    bad.write_text("policy_number: X\ncurency: CNY\n", encoding="utf-8")
    args, _ = ERRORS[name]
    argv = [a.format(bad=bad, lang=lang) for a in args]
    r = cyberins(*argv, env={"CYBERINS_LANG": lang})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    fields = ["policy_number", "currency", "curency", "period", "aggregate_limit", "coverages", "--quoted-on"]
    if lang == "zh":
        assert "输入无效" in r.stderr and english_in(r.stderr, names=[str(bad), *fields]) == set(), r.stderr
    else:
        assert "invalid input" in r.stderr and chinese_in(r.stderr) == [], r.stderr


#: A policy file with the problems people make most often: one of each kind of problem the catalogue says.
BAD_POLICY = """\
policy_number: X
currency: CNY
period: {start: 2026-07-01, end: 2026-01-01}
aggregate_limit: 10M
timezone: Mars/Base
jurisdiction: CNN
trigger: {kind: occurrence, retroactive_date: soon, reporting_deadline: {days: 0, after: noticed}}
coverages:
  legal: {sublimit: 100, retention: 200}
curency: x
"""
#: Each refused field, with what the zh sentence says of it.
REFUSED = {
    "period": "早于起始日",
    "timezone": "未知时区",
    "trigger.retroactive_date": "应为 ISO 日期",
    "trigger.reporting_deadline.days": "应大于 0",
    "trigger.reporting_deadline.after": "应为以下之一",
    "jurisdiction": "是否应为 'CN'",
    "aggregate_limit": "只写数字",
    "coverages.legal": "永远不会赔付",
    "curency": "是否应为 'currency'",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_validators_problems_speak_the_chosen_language(lang: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad-policy.yaml"
    bad.write_text(BAD_POLICY, encoding="utf-8")
    r = cyberins("policy", "check", str(bad), env={"CYBERINS_LANG": lang, "COLUMNS": "200"})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.splitlines()[1:]
    assert sorted(line.split("：" if lang == "zh" else ": ")[0].removeprefix("  - 字段 ").removeprefix("  - ")
                  for line in lines) == sorted(REFUSED)  # fmt: skip
    if lang == "zh":
        for field, said in REFUSED.items():
            assert any(line.startswith(f"  - 字段 {field}：") and said in line for line in lines), field
        values = ["'Mars/Base'", "'CNN'", "'CN'", "'currency'", "Asia/Shanghai", "discovered_at", "occurred_at"]
        assert english_in(r.stderr, names=[str(bad), *REFUSED, *values]) == set(), r.stderr
    else:
        assert "retention 200 is at or above the sublimit 100" in r.stderr and chinese_in(r.stderr) == [], r.stderr


def test_a_cost_line_in_another_currency_is_told_to_convert_in_either_language(tmp_path: Path) -> None:
    incident = yaml.safe_load(Path(INCIDENT).read_text(encoding="utf-8"))
    incident["costs"][0]["currency"] = "USD"
    bad = tmp_path / "usd-line.yaml"
    bad.write_text(yaml.safe_dump(incident, allow_unicode=True), encoding="utf-8")
    said = {}
    for lang in ("zh", "en"):
        r = cyberins("claim", "adjust", str(bad), "--policy", POLICY, "--lang", lang, env={"COLUMNS": "300"})
        assert r.returncode == 2 and "Traceback" not in r.stderr
        said[lang] = r.stderr
    assert "costs[0]" in said["zh"] and "换算成该币种" in said["zh"]
    assert english_in(said["zh"], names=[str(bad), "costs[0]", "`currency`"]) == set(), said["zh"]
    assert "convert this line to it" in said["en"] and chinese_in(said["en"]) == []


#: Problems found outside validation, one command line per family: (argv, the field named or "" for a problem
#: of the whole file, the zh words, the en words). `{tmp}` is the test's folder, prepared by `_refused_files`.
MONITOR_FEEDS = str(EXAMPLES / "monitoring" / "feeds")
REFUSED_OUTSIDE = {
    "cannot read": (("policy", "check", "{tmp}/missing.yaml"), "", "无法读取该文件：文件或文件夹不存在",
                    "cannot read the file: No such file or directory"),
    "a directory": (("policy", "check", "{tmp}"), "", "这是文件夹，不是文件", "is a directory, not a file"),
    "not YAML": (("policy", "check", "{tmp}/bad.yaml"), "", "YAML 格式错误（第 2 行第 1 列）",
                 "malformed YAML at line 2, column 1: "),
    "not JSON": (("policy", "check", "{tmp}/bad.json"), "", "JSON 格式错误（第 1 行）",
                 "malformed JSON at line 1: Expecting value"),
    "not UTF-8": (("policy", "check", "{tmp}/latin1.yaml"), "", "不是 UTF-8 文本：第 1 行第 10 列的字节 0xe9",
                  "not UTF-8 text: byte 0xe9 at line 1, column 10"),
    "not a mapping": (("policy", "check", "{tmp}/list.yaml"), "", "顶层应为字段映射，实际为 列表",
                      "expected a mapping of fields at the top level, got list"),
    "column missing": (("monitor", "scan", "{tmp}/assets.csv", "--feeds", MONITOR_FEEDS), "cpe", "缺少必需的列",
                       "required column missing"),
    "unknown format": (("monitor", "scan", "{tmp}/assets.txt", "--feeds", MONITOR_FEEDS), "", "未知格式 '.txt'",
                       "unknown format '.txt': use .csv, .json, .xml"),
    "not a folder": (("monitor", "scan", str(EXAMPLES / "monitoring" / "assets.csv"), "--feeds", "{tmp}/nowhere"),
                     "--feeds", "不是文件夹", "is not a folder"),
    "cannot write": (("claim", "adjust", INCIDENT, "--policy", POLICY, "--html", "{tmp}/bad.json/x.html"), "--html",
                     "无法写入该文件：路径中有一段不是文件夹", "cannot write the file: Not a directory"),
    "not an amount": (("quote", PROFILE, "--policy", POLICY, "--limit", "10M"), "--limit",
                      "不是金额：10M（只写数字，如 10000000", "not amounts: 10M (write digits, e.g. 10000000"),
    "unknown id": (("whatif", PROFILE, "--policy", POLICY, "--add-control", "edrr"), "--add-control",
                   "未知取值 'edrr'；是否应为 'edr'？", "unknown value 'edrr'; did you mean 'edr'?"),
    # the monitoring feeds' and book's record checks (`input.monitor.*`)
    "not a CVE id": (("monitor", "book", "CVE-21-1"), "CVE-ID", "'CVE-21-1' 不是 CVE 编号（CVE-YYYY-NNNN）",
                     "'CVE-21-1' is not a CVE id (CVE-YYYY-NNNN)"),
    "feed record": (("monitor", "scan", str(EXAMPLES / "monitoring" / "assets.csv"), "--feeds", "{tmp}/feeds"),
                    "line 3, epss", "'high' 不是 [0, 1] 之间的数字", "'high' is not a number in [0, 1]"),
    # the portfolio engine's (`input.portfolio.*`)
    "unknown line": (("portfolio", "marginal", str(EXAMPLES / "portfolios" / "mixed-book.yaml"), "--line", "nope",
                      "--years", "100", "--seed", "1"), "--line", "未知业务线 'nope'；组合中有：",
                     "unknown line 'nope'; the book has: "),
    # the last families (issue 17): products, pricing, exchange (an OED row), reserving, catalog, claims, --set
    "product form": (("product", "price", "{tmp}/product.yaml"), "form", "未知产品形式 'bogus'；可选：",
                     "unknown form 'bogus'; use one of "),
    "tolerance point": (("quote", PROFILE, "--policy", POLICY, "--tolerance", "5M@20", "--tolerance", "1000000@50"),
                        "--tolerance", "'5M@20'：应为“损失@重现期”", "'5M@20': expected LOSS@RETURN_PERIOD"),
    "OED row": (("exchange", "import-oed", "{tmp}/oed", "--out", "{tmp}/book.yaml"), "account.csv row 2.IndustryCode1",
                "NAICS 代码 '11' 不对应目录中的任何行业", "NAICS '11' matches no catalog industry"),
    "triangle as of": (("reserve", "triangle", TRANSACTIONS, "--as-of", "1990-01-01"), "as_of",
                       "1990-01-01 及之前没有任何交易", "no transaction on or before 1990-01-01"),
    "cost line coverage": (("claim", "adjust", "{tmp}/incident.yaml", "--policy", POLICY), "costs[0].coverage",
                           "forensics 费用属于 incident_response，不属于 legal（规则 4）",
                           "forensics costs fall under incident_response, not legal (rule 4)"),
    "no policy": (("claim", "adjust", INCIDENT), "policy", "请给出保单（--policy），或把保单嵌入事故文件的 policy 字段",
                  "give the policy (--policy) or embed it in the incident under `policy:`"),
    "--set that no longer validates": (
        ("portfolio", "stress", BOOK, "--scenario", "edr_faulty_update", "--hours", "36", "--set",
         "waiting_period_hours=-3"), "--set waiting_period_hours",
        "改动后的保单不再有效：字段 coverages.business_interruption.waiting_period_hours：应不小于 0",
        "--set waiting_period_hours: coverages.business_interruption.waiting_period_hours: "),
}  # fmt: skip
#: What the zh refusals above show as they are: values, ids and paths the reader typed or the files hold.
REFUSED_NAMES = (
    "'edrr'", "'edr'", "'.txt'", ".csv, .json, .xml", "'high'", "'nope'", "prof-services, retail-edr, uninsured-banks",
    "'bogus'", "service_bundle, product_warranty, group_scheme", "'5M@20'", "5000000@20", "'11'", "--policy", "policy",
    "forensics", "incident_response", "legal", "coverages.business_interruption.waiting_period_hours",
)  # fmt: skip
#: The EPSS file of the "feed record" case: the example feeds with one score that is not a number.
EPSS = "epss_scores-2026-08-16.csv"


def _refused_files(folder: Path) -> None:
    (folder / "bad.yaml").write_text("a: [1,\n", encoding="utf-8")
    (folder / "bad.json").write_text('{"a": }', encoding="utf-8")
    (folder / "latin1.yaml").write_bytes("name: caf\u00e9\n".encode("latin-1"))
    (folder / "list.yaml").write_text("- 1\n", encoding="utf-8")
    (folder / "assets.csv").write_text("hostname,ip,vendor,product,version,role,internet_facing\n", encoding="utf-8")
    (folder / "assets.txt").write_text("x\n", encoding="utf-8")
    (folder / "product.yaml").write_text("form: bogus\n", encoding="utf-8")
    shutil.copytree(EXAMPLES / "exchange" / "oed", folder / "oed")
    with (folder / "oed" / "account.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["IndustryCode1"] = "11"  # a NAICS sector no catalog industry falls in
    with (folder / "oed" / "account.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    incident = Path(INCIDENT).read_text(encoding="utf-8")
    (folder / "incident.yaml").write_text(
        incident.replace("{category: forensics,", "{category: forensics, coverage: legal,"), encoding="utf-8"
    )
    shutil.copytree(MONITOR_FEEDS, folder / "feeds")
    (folder / "feeds" / EPSS).write_text(
        "#score_date:2026-08-16\ncve,epss,percentile\nCVE-2021-44228,high,0.5\n", encoding="utf-8"
    )


@pytest.mark.parametrize("name", sorted(REFUSED_OUTSIDE))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_problem_outside_validation_speaks_the_chosen_language(name: str, lang: str, tmp_path: Path) -> None:
    """In process (CliRunner), as the platform tests drive the CLI: a refused file or option exits 2 naming the
    field, in the language the reader chose, without a traceback."""
    from typer.testing import CliRunner

    from cyberins.cli.app import app

    _refused_files(tmp_path)
    args, field, zh, en = REFUSED_OUTSIDE[name]
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r = CliRunner().invoke(app, argv, env={"CYBERINS_LANG": lang, "COLUMNS": "400"})
    said = r.stderr
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit | None), said
    assert "Traceback" not in said
    problem = said.splitlines()[1]
    if lang == "zh":
        assert problem.startswith(f"  - 字段 {field}：" if field else "  - ") and zh in problem, said
        names = [a for a in argv if a.startswith("/")] + [str(tmp_path), str(tmp_path / "feeds" / EPSS), *REFUSED_NAMES]
        assert english_in(said, names=[*names, field] if field else names) == set(), said
    else:
        assert problem.startswith(f"  - {field}: " if field else "  - ") and en in problem, said
        assert chinese_in(said) == [], said


#: Click's own refusals of an option (range, number, choice, missing): (argv, the option named, the zh words).
#: `--lang` comes last: it is read before the other options are checked.
CLICK_REFUSED = {
    "range": (("simulate", PROFILE, "--years", "0"), "--years", "应不小于 1"),
    "not a number": (("simulate", PROFILE, "--years", "many"), "--years", "应为整数"),
    "choice": (("reserve", "triangle", TRANSACTIONS, "--grain", "yeer"), "--grain",
               "未知取值 'yeer'；是否应为 'year'？"),
    "missing option": (("portfolio", "run", BOOK, "--years", "10"), "--seed", "缺少此必需的选项"),
    "missing argument": (("simulate",), "model_file", "缺少此必需的参数"),
    # click's usage errors, met while reading the line: `--lang zh` is found among the words as typed
    "unknown option": (("simulate", PROFILE, "--yeers", "5"), "--yeers", "没有此选项；是否应为 --seed / --years？"),
    "extra argument": (("simulate", PROFILE, "more"), "", "命令行的写法有误，请查看该命令的帮助（--help）"),
    # cyberins' own options, read before any command runs
    "unknown option of cyberins": (("--verbos",), "--verbos", "没有此选项；是否应为 --verbose？"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CLICK_REFUSED))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_clicks_own_refusal_of_an_option_speaks_the_chosen_language(name: str, lang: str) -> None:
    """A zh reader gets the catalogue's sentence naming the option; an en reader click's own words (as before)."""
    from typer.testing import CliRunner

    from cyberins.cli.app import app

    args, option, zh = CLICK_REFUSED[name]
    r = CliRunner().invoke(app, [*args, "--lang", lang], env={"COLUMNS": "400"})
    said = r.stderr
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit) and "Traceback" not in said, said
    if lang == "zh":
        assert said.splitlines()[1] == (f"  - 字段 {option}：{zh}" if option else f"  - {zh}"), said
        names = [n for n in (option, "'yeer'", "'year'", "--seed", "--years", "--help", "--verbose") if n]
        assert english_in(said, names=names) == set(), said
    else:
        assert option in said and chinese_in(said) == [], said


def test_an_engines_refusal_outside_the_cli_speaks_either_language() -> None:
    """The quant engine's (here a scheme without members) as the API and the CLI print it."""
    from cyberins.model.errors import InvalidInput
    from cyberins.quant.scheme import simulate_scheme

    with pytest.raises(InvalidInput) as info:
        simulate_scheme([], 10, 1)
    (problem,) = info.value.problems
    assert problem.field == "members" and problem.message == "a scheme needs at least one member"
    assert problem.in_lang("zh") == "方案至少需要一个成员"

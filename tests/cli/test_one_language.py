"""Every command speaks the reader's language: a zh output carries no English word and an en output no
Chinese, beside names and codes (currency and GB/T codes, acronyms such as RDP or EDR, policy numbers, time
zones) and the cited sources' own titles."""

from __future__ import annotations

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


#: Names and symbols a zh output shows as they are: a method named after its author, a formula's symbol.
NAMES = (
    "Mack",
    "= k",
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

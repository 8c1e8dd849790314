"""Malformed input to every command that reads a file or a bound option (issue 16 §3): exit 2, the field or
option named, no traceback, nothing written.

The table is commands × kinds of bad input. Each case runs in-process with `CliRunner` (a subprocess per case
would cost seconds); an exception that escapes the command is what a user would see as a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cyberins.model.loading import MAX_DOCUMENT_BYTES
from tests.conftest import EXAMPLES

POLICY = EXAMPLES / "policies" / "sme-standalone-cny.yaml"
SCENARIO = EXAMPLES / "scenarios" / "ransomware-72h.yaml"
PROFILE = EXAMPLES / "orgs" / "sme-manufacturer.yaml"
INCIDENT = EXAMPLES / "incidents" / "sme-ransomware-erp.yaml"
PRODUCT = EXAMPLES / "products" / "service-bundle-sme.yaml"
TRANSACTIONS = EXAMPLES / "claims" / "transactions.csv"
SENTINEL = "__RAW__"


def _yaml_with(source: Path, field: tuple[str | int, ...], raw: str) -> str:
    """`source` with the value at `field` replaced by `raw`, written verbatim (so `.nan` or `2026-13-45` stay
    YAML scalars rather than quoted strings); product references become absolute so the copy still resolves."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for key in ("policy_file",):
        if key in data:
            data[key] = str((source.parent / data[key]).resolve())
    if isinstance(data.get("insured"), dict) and "profile" in data["insured"]:
        data["insured"]["profile"] = str((source.parent / data["insured"]["profile"]).resolve())
    node = data
    for part in field[:-1]:
        node = node[part]
    node[field[-1]] = SENTINEL
    return (
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False).replace(f"'{SENTINEL}'", raw).replace(SENTINEL, raw)
    )


def _csv_with(column: str, raw: str) -> str:
    lines = TRANSACTIONS.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index(column)] = raw
    return "\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n"


@dataclass(frozen=True)
class Target:
    """A command and the file of it that the bad input replaces."""

    name: str
    args: Callable[[str], list[str]]
    source: Path
    amount: tuple[str | int, ...]
    date: tuple[str | int, ...] | None


TARGETS = [
    Target("policy-check", lambda f: ["policy", "check", f], POLICY, ("aggregate_limit",), ("period", "start")),
    Target(
        "policy-show", lambda f: ["policy", "show", f], POLICY, ("coverages", "incident_response", "sublimit"), None
    ),
    Target(
        "policy-apply",
        lambda f: ["policy", "apply", str(POLICY), f],
        SCENARIO,
        ("losses", "incident_response"),
        ("occurred_at",),
    ),
    Target(
        "simulate-model",
        lambda f: ["simulate", f, "--policy", str(POLICY), "--years", "1000", "--json"],
        PROFILE,
        ("annual_revenue",),
        None,
    ),
    Target(
        "simulate-policy",
        lambda f: ["simulate", str(PROFILE), "--policy", f, "--years", "1000", "--json"],
        POLICY,
        ("coverages", "incident_response", "retention"),
        ("period", "end"),
    ),
    Target("explain", lambda f: ["explain", f, "--json"], PROFILE, ("critical_systems", 0, "rto_hours"), None),
    Target(
        "quote-profile",
        lambda f: ["quote", f, "--policy", str(POLICY), "--years", "1000", "--no-controls", "--json"],
        PROFILE,
        ("annual_revenue",),
        None,
    ),
    Target(
        "quote-policy",
        lambda f: ["quote", str(PROFILE), "--policy", f, "--years", "1000", "--no-controls", "--json"],
        POLICY,
        ("aggregate_limit",),
        ("period", "start"),
    ),
    Target(
        "claim-incident",
        lambda f: ["claim", "adjust", f, "--policy", str(POLICY), "--json"],
        INCIDENT,
        ("costs", 0, "amount"),
        ("occurred_at",),
    ),
    Target(
        "claim-policy",
        lambda f: ["claim", "adjust", str(INCIDENT), "--policy", f, "--json"],
        POLICY,
        ("aggregate_limit",),
        ("period", "start"),
    ),
    Target(
        "product",
        lambda f: ["product", "price", f, "--years", "1000", "--json"],
        PRODUCT,
        ("services", 0, "annual_cost"),
        None,
    ),
]

#: Bad scalars put in place of an amount or a date, with the word the error must contain.
BAD_AMOUNTS = {
    "int-10000-digits": "9" * 10_000,
    "float-1e300": "1.0e+300",
    "string-1e300": "'1e300'",
    "nan": ".nan",
    "inf": ".inf",
}
BAD_DATES = {"date-2026-13-45": "2026-13-45", "date-2026-02-30": "2026-02-30"}
#: 200,000 levels: far past Python's recursion limit, the way a naive parser or validator would fail.
DEEP = 200_000


def _alias_bomb() -> str:
    """ "Billion laughs": ten levels of ten aliases each, 10^10 strings once expanded, in under 1 kB."""
    lines = ["a0: &a0 [" + ",".join(["lol"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


#: kind → (file name, contents as bytes or None for "no file at all"/"a directory", expected: refused or read).
def _file_kinds(target: Target) -> dict[str, tuple[str, bytes | None, str]]:
    text = target.source.read_text(encoding="utf-8")
    if target.source.name == PRODUCT.name:
        text = _yaml_with(target.source, ("id",), "sme-guard-bundle")
    kinds: dict[str, tuple[str, bytes | None, str]] = {
        "non-utf8": ("bad.yaml", b"# caf\xe9 \xff\xfe\n" + text.encode("utf-8"), "refused"),
        "bom": ("bom.yaml", b"\xef\xbb\xbf" + text.encode("utf-8"), "read"),
        "empty": ("empty.yaml", b"", "refused"),
        "deep-json": ("deep.json", b"[" * DEEP + b"]" * DEEP, "refused"),
        "deep-yaml": ("deep.yaml", b"a: " + b"[" * DEEP + b"]" * DEEP, "refused"),
        "alias-bomb": ("bomb.yaml", _alias_bomb().encode(), "refused"),
        "huge": ("huge.yaml", text.encode("utf-8") + b"#" * MAX_DOCUMENT_BYTES + b"\n", "refused"),
        "directory": ("adir", None, "refused"),
        "missing": ("missing.yaml", None, "refused"),
    }
    for kind, raw in BAD_AMOUNTS.items():
        kinds[kind] = ("amount.yaml", _yaml_with(target.source, target.amount, raw).encode("utf-8"), "refused")
    if target.date is not None:
        for kind, raw in BAD_DATES.items():
            value = raw + "T01:10:00+08:00" if target.date[-1] == "occurred_at" else raw
            kinds[kind] = ("date.yaml", _yaml_with(target.source, target.date, value).encode(), "refused")
    return kinds


def _csv_kinds() -> dict[str, tuple[str, bytes | None, str]]:
    text = TRANSACTIONS.read_text(encoding="utf-8")
    return {
        "non-utf8": ("bad.csv", text.replace("energy", "\udce9nergy", 1).encode("utf-8", "surrogateescape"), "refused"),
        "bom": ("bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8"), "read"),
        "empty": ("empty.csv", b"", "refused"),
        "int-10000-digits": ("amount.csv", _csv_with("paid", "9" * 10_000).encode(), "refused"),
        "float-1e300": ("amount.csv", _csv_with("paid", "1e300").encode(), "refused"),
        "nan": ("amount.csv", _csv_with("paid", "nan").encode(), "refused"),
        "inf": ("amount.csv", _csv_with("case_reserve", "Infinity").encode(), "refused"),
        "date-2026-13-45": ("date.csv", _csv_with("transaction_date", "2026-13-45").encode(), "refused"),
        "date-2026-02-30": ("date.csv", _csv_with("accident_date", "2026-02-30").encode(), "refused"),
        "directory": ("adir", None, "refused"),
        "missing": ("missing.csv", None, "refused"),
    }


FILE_CASES = [
    pytest.param(target, kind, *spec, id=f"{target.name}-{kind}")
    for target in TARGETS
    for kind, spec in _file_kinds(target).items()
] + [
    pytest.param(
        Target("reserve", lambda f: ["reserve", "triangle", f, "--json"], TRANSACTIONS, (), None),
        kind,
        *spec,
        id=f"reserve-{kind}",
    )
    for kind, spec in _csv_kinds().items()
]

OPTION_CASES = [
    pytest.param(["simulate", str(PROFILE), "--years", str(10**12)], "--years", id="simulate-years-1e12"),
    pytest.param(["simulate", str(PROFILE), "--years", "-1"], "--years", id="simulate-years-negative"),
    pytest.param(["simulate", str(PROFILE), "--years", "1000", "--seed", str(2**64 + 1)], "--seed", id="seed-2^64"),
    pytest.param(["simulate", str(PROFILE), "--years", "1000", "--seed", "-1"], "--seed", id="seed-negative"),
    pytest.param(["product", "price", str(PRODUCT), "--years", str(10**12)], "--years", id="product-years-1e12"),
    pytest.param(["quote", str(PROFILE), "--policy", str(POLICY), "--years", str(10**12)], "--years", id="quote-1e12"),
    pytest.param(["quote", str(PROFILE), "--policy", str(POLICY), "--seed", "-5"], "--seed", id="quote-seed-neg"),
]


def _invoke(args: list[str]) -> tuple[int, str, BaseException | None]:
    from cyberins.cli.app import app

    result = CliRunner().invoke(app, args)
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.stderr, escaped


@pytest.mark.parametrize(("target", "kind", "name", "content", "expected"), FILE_CASES)
def test_bad_file(tmp_path: Path, target: Target, kind: str, name: str, content: bytes | None, expected: str) -> None:
    path = tmp_path / name
    if name == "adir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, stderr, escaped = _invoke(target.args(str(path)))
    assert escaped is None, f"{type(escaped).__name__}: {escaped}"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    if expected == "read":
        assert code == 0, stderr
        return
    assert code == 2, stderr
    assert "Traceback" not in stderr
    named = {
        **dict.fromkeys(BAD_AMOUNTS, str(target.amount[-1]) if target.amount else "paid"),
        **dict.fromkeys(BAD_DATES, str(target.date[-1]) if target.date else ""),
    }
    word = named.get(kind) or name
    if target.name == "reserve" and kind in BAD_DATES:
        word = "date"
    if target.name == "reserve" and kind == "inf":
        word = "case_reserve"
    assert word in re.sub(r"\s+", " ", stderr), stderr


@pytest.mark.parametrize(("args", "option"), OPTION_CASES)
def test_bad_option(args: list[str], option: str) -> None:
    code, stderr, escaped = _invoke(args)
    assert escaped is None, f"{type(escaped).__name__}: {escaped}"
    assert code == 2, stderr
    assert option in stderr


#: Counts and hours past their bounds, which once overflowed float64 or the settlement's decimal arithmetic.
SCALAR_CASES = [
    pytest.param(["explain", "{f}", "--json"], PROFILE, ("employees",), "9" * 5_000, id="employees-5000-digits"),
    pytest.param(
        ["explain", "{f}", "--json"], PROFILE, ("records", "personal_information"), "9" * 5_000, id="records-huge"
    ),
    pytest.param(["policy", "apply", str(POLICY), "{f}"], SCENARIO, ("outages", 0, "end_h"), "1.0e+300", id="end_h"),
    pytest.param(
        ["claim", "adjust", "{f}", "--policy", str(POLICY)], INCIDENT, ("ransom", "demanded"), "1.0e+300", id="ransom"
    ),
    pytest.param(
        ["policy", "check", "{f}"],
        POLICY,
        ("coverages", "business_interruption", "waiting_period_hours"),
        "1.0e+300",
        id="waiting-hours",
    ),
    pytest.param(
        ["policy", "check", "{f}"],
        POLICY,
        ("coverages", "business_interruption", "indemnity_period_days"),
        "99999",
        id="indemnity-days",
    ),
]


@pytest.mark.parametrize(("args", "source", "field", "raw"), SCALAR_CASES)
def test_bad_scalar(tmp_path: Path, args: list[str], source: Path, field: tuple[str | int, ...], raw: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(_yaml_with(source, field, raw), encoding="utf-8")
    code, stderr, escaped = _invoke([str(path) if a == "{f}" else a for a in args])
    assert escaped is None, f"{type(escaped).__name__}: {escaped}"
    assert code == 2, stderr
    assert str(field[-1]) in stderr


def test_a_premium_csv_that_is_not_utf8_or_too_large_is_refused(tmp_path: Path) -> None:
    transactions = Path(__file__).resolve().parents[2] / "examples" / "claims" / "transactions.csv"
    for name, data in (
        ("bytes.csv", b"origin,premium\n2024,\xff\xfe\n"),
        ("huge.csv", b"origin,premium\n2024,1e300\n"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        code, stderr, escaped = _invoke(["reserve", "triangle", str(transactions), "--premium", str(path)])
        assert escaped is None, f"{type(escaped).__name__}: {escaped}"
        assert code == 2 and ("--premium" in stderr or "premium" in stderr), stderr

"""`cyberins exchange pool` and `exchange.pool` (contract (f)): every released quasi-identifier combination occurs
at least k times with at least l causes, nothing identifying leaves, costs pass unchanged, the same input gives
the same output, generalisation comes before suppression, bad input exits 2 naming the field."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cyberins.assess.resources import load_calibration
from cyberins.cli.exchange import app
from cyberins.exchange.contribution import Contribution
from cyberins.exchange.pool import QUASI_IDENTIFIERS, ladder, pool, released
from cyberins.model.errors import InvalidInput
from tests.one_language import chinese_in, english_in

runner = CliRunner()
INDUSTRIES = ("manufacturing", "automotive_manufacturing", "retail", "banking", "it_services")
REGIONS = ("CN-ZJ", "CN-JS", "CN-SH", "CN-GD", "CN-BJ", "CN-SC", "US-CA")
CAUSES = ("phishing", "unpatched_vulnerability", "misconfiguration")
EVENTS = ("ransomware", "funds_transfer_fraud", "personal_information_breach")


def _record(i: int, **changes: Any) -> dict[str, Any]:
    occurred = date(2025, 1, 1) + timedelta(days=(7 * i) % 365)
    return {"record_id": f"rec-{i:04d}", "insured_name": f"Insured {i:04d} Ltd", "event_type": EVENTS[i % 3],
            "industry": INDUSTRIES[i % 2], "annual_revenue": f"{30_000_000 + 1_000_003 * i}.17", "currency": "CNY",
            "region": REGIONS[i % 4], "occurred_on": occurred.isoformat(),
            "reported_on": (occurred + timedelta(days=5)).isoformat(), "cause": CAUSES[i % 3],
            "costs": {"incident_response": f"{1000 + 7 * i}.00"}, **changes}  # fmt: skip


def _contribution(records: list[dict[str, Any]], contributor: str = "test") -> Contribution:
    return Contribution.model_validate(
        {"format": "cyberins-loss-contribution", "version": 1, "contributor": contributor, "records": records}
    )


records_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "event_type": st.sampled_from(EVENTS),
            "industry": st.sampled_from(INDUSTRIES),
            "annual_revenue": st.integers(1_000_000, 20_000_000_000).map(lambda n: f"{n}.00"),
            "currency": st.sampled_from(("CNY", "CNY", "USD")),
            "region": st.sampled_from(REGIONS),
            "occurred_on": st.dates(date(2023, 1, 1), date(2025, 12, 31)).map(date.isoformat),
            "cause": st.sampled_from(CAUSES),
            "costs": st.dictionaries(
                st.sampled_from(("incident_response", "data_restoration", "cyber_fraud")),
                st.decimals(0, 10_000_000, places=2).map(str),
                min_size=1,
            ),
        }
    ),
    max_size=60,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=records_strategy, k=st.integers(2, 6), l_diversity=st.integers(1, 2))
def test_released_combinations_are_k_anonymous_l_diverse_and_costs_unchanged(
    drawn: list[dict[str, Any]], k: int, l_diversity: int
) -> None:
    records = [{**r, "record_id": f"id-{i}", "insured_name": f"Name {i}", "reported_on": r["occurred_on"]}
               for i, r in enumerate(drawn)]  # fmt: skip
    result = pool([_contribution(records)], k=k, l_diversity=l_diversity)
    doc = result.to_json()
    released = doc["records"]
    assert doc["report"]["released_records"] + doc["report"]["suppressed_records"] == len(records)
    classes = Counter(tuple(r[q] for q in QUASI_IDENTIFIERS) for r in released)
    assert all(n >= k for n in classes.values())
    causes: defaultdict[tuple[str, ...], set[str]] = defaultdict(set)
    for r in released:
        causes[tuple(r[q] for q in QUASI_IDENTIFIERS)].add(r["cause"])
    assert all(len(c) >= l_diversity for c in causes.values())
    given_costs = Counter(json.dumps({c: str(Decimal(a)) for c, a in sorted(r["costs"].items())}) for r in records)
    out_costs = Counter(json.dumps({c: str(Decimal(a)) for c, a in sorted(r["costs"].items())}) for r in released)
    assert all(given_costs[c] >= n for c, n in out_costs.items())  # released costs are given ones, unchanged
    # costs pass unchanged (checked above) and may by chance spell a revenue, so the search leaves them out
    text = json.dumps({**doc, "records": [{q: v for q, v in r.items() if q != "costs"} for r in released]})
    for r in records:
        assert r["record_id"] not in text and r["insured_name"] not in text
        assert r["occurred_on"] not in text and r["annual_revenue"] not in text


def test_deterministic_whatever_the_order_of_records_and_files() -> None:
    records = [_record(i) for i in range(60)]
    one = pool([_contribution(records)]).to_json()
    again = pool([_contribution(records[30:], "b"), _contribution(list(reversed(records[:30])), "a")]).to_json()
    assert one == again


def test_generalises_before_it_suppresses() -> None:
    # 40 records over 4 provinces of one area, 2 industries of one section and many months: at the finest node
    # no class reaches k = 5, yet a generalised node releases every record, so nothing is suppressed
    contribution = _contribution([_record(i, region=("CN-ZJ", "CN-JS", "CN-SH", "CN-AH")[i % 4]) for i in range(40)])
    cal = load_calibration()
    ladders = [ladder(r, cal) for r in contribution.records]
    assert not any(released(ladders, [r.cause for r in contribution.records], (0, 0, 0, 0), 5, 2))
    result = pool([contribution])
    assert result.suppressed_records == 0
    assert sum(result.node) > 0


def test_l_diversity_closes_a_homogeneous_class() -> None:
    # banking records all share one cause: with l = 1 they form their own class, with l = 2 they may not
    same = [_record(100 + i, industry="banking", cause="phishing", region="CN-BJ") for i in range(6)]
    mixed = [_record(i, region="CN-BJ") for i in range(30)]
    loose = pool([_contribution(same + mixed)], k=5, l_diversity=1).to_json()["records"]
    strict = pool([_contribution(same + mixed)], k=5, l_diversity=2).to_json()["records"]

    def homogeneous(records: list[dict[str, Any]]) -> int:
        causes: defaultdict[tuple[str, ...], set[str]] = defaultdict(set)
        for r in records:
            causes[tuple(r[q] for q in QUASI_IDENTIFIERS)].add(r["cause"])
        return sum(len(c) == 1 for c in causes.values())

    assert homogeneous(loose) >= 1
    assert homogeneous(strict) == 0


def test_size_band_from_revenue_in_any_currency() -> None:
    # USD 10M is CNY 72M at the calibration's 7.2: mid (CNY 50M-500M), as is CNY 72M
    usd = [_record(i, annual_revenue="10000000", currency="USD") for i in range(5)]
    cny = [_record(i + 5, annual_revenue="72000000") for i in range(5)]
    result = pool([_contribution(usd + cny)], k=5, l_diversity=1, max_suppression=0.0)
    assert {r["size_band"] for r in result.records} <= {"mid", "small+mid", "*"}


def test_bad_parameters_name_the_option() -> None:
    with pytest.raises(InvalidInput) as info:
        pool([], k=1)
    assert info.value.problems[0].field == "k"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region": "Zhejiang"}, "records[0].region"),
        ({"region": "CN-ZZ"}, "records[0].region"),
        ({"industry": "mining_of_coal"}, "records[0].industry"),
        ({"reported_on": "2024-01-01"}, "records[0].reported_on"),
        ({"costs": {"incident_response": "-5"}}, "records[0].costs.incident_response"),
        ({"cause": "the CFO clicked a link"}, "records[0].cause"),
        ({"costs": {"incident_response": "1.005"}}, "minor unit"),
    ],
)
def test_cli_bad_field_exits_2_naming_it(tmp_path: Path, change: dict[str, Any], field: str) -> None:
    path = tmp_path / "c.json"
    doc = {"format": "cyberins-loss-contribution", "version": 1, "contributor": "t",
           "records": [_record(0, **change), *(_record(i) for i in range(1, 6))]}  # fmt: skip
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = runner.invoke(app, ["pool", str(path), "--out", str(tmp_path / "p.json")], env={"COLUMNS": "200"})
    assert r.exit_code == 2, r.output
    assert field in r.output and "Traceback" not in r.output


def test_cli_writes_the_contract_file_and_prints_the_report(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"format": "cyberins-loss-contribution", "version": 1, "contributor": "t",
                                "records": [_record(i) for i in range(40)]}), encoding="utf-8")  # fmt: skip
    out = tmp_path / "p.json"
    r = runner.invoke(app, ["pool", str(path), "--k", "5", "--out", str(out), "--lang", "en"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert (doc["format"], doc["version"], doc["k"], doc["quasi_identifiers"]) == (
        "cyberins-loss-pool",
        1,
        5,
        ["industry", "size_band", "region", "period"],
    )
    assert set(doc["report"]) >= {"input_records", "released_records", "suppressed_records", "generalised"}
    assert "released records" in r.output
    r = runner.invoke(app, ["pool", str(path), "--k", "1", "--out", str(out)])
    assert r.exit_code == 2 and "--k" in r.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_report_in_one_language(tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path("c.json")
    path.write_text(json.dumps({"format": "cyberins-loss-contribution", "version": 1, "contributor": "t",
                                "records": [_record(i) for i in range(40)]}), encoding="utf-8")  # fmt: skip
    out = Path("p.json")
    r = runner.invoke(app, ["pool", str(path), "--out", str(out), "--lang", lang], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    if lang == "zh":
        assert english_in(r.output, names=(str(out), "k = 5", "l = 2")) == set()
    else:
        assert chinese_in(r.output) == []

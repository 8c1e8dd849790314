"""Policy files: the examples are valid; bad wordings are refused with the field named (rule 14)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Coverage, EventType
from cyberins.model.loading import load_model, parse_model
from cyberins.model.policy import Policy
from tests.conftest import EXAMPLES

POLICIES = sorted((EXAMPLES / "policies").glob("*.yaml"))


def base() -> dict[str, Any]:
    return {
        "currency": "CNY",
        "period": {"start": "2026-07-01", "end": "2027-06-30"},
        "aggregate_limit": 1_000_000,
        "coverages": {"legal": {"sublimit": 500_000, "retention": 10_000}},
    }


def problems(data: dict[str, Any]) -> str:
    with pytest.raises(InvalidInput) as err:
        parse_model(Policy, data, "test.yaml")
    return str(err.value)


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_example_policies_are_valid(path: Path) -> None:
    assert load_model(Policy, path).coverages


def test_four_example_forms_and_currencies() -> None:
    policies = [load_model(Policy, p) for p in POLICIES]
    assert {p.currency for p in policies} >= {"CNY", "USD"}
    assert {p.form.value for p in policies} >= {"standalone", "endorsement"}


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (
            lambda d: d["coverages"]["legal"].update(sublimit=-1),
            "coverages.legal.sublimit",
            "greater than or equal",
        ),
        (lambda d: d["period"].update(start="2027-06-30", end="2026-07-01"), "period", "before"),
        (
            lambda d: d["coverages"].update(flux_cover={"sublimit": 1}),
            "coverages.flux_cover",
            "unknown value",
        ),
        (lambda d: d["coverages"]["legal"].update(retention=600_000), "coverages.legal", "retention"),
        (lambda d: d.update(currency="ZZZ"), "currency", "unknown currency"),
        (
            lambda d: d["coverages"]["legal"].update(sublimit=2_000_000),
            "coverages.legal.sublimit",
            "aggregate_limit",
        ),
        (
            lambda d: d["coverages"]["legal"].update(each_claim_limit=600_000),
            "coverages.legal",
            "each_claim_limit",
        ),
        (
            lambda d: d["coverages"]["legal"].update(waiting_period_hours=8),
            "coverages.legal.waiting_period_hours",
            "business",
        ),
        (lambda d: d.update(exclusions=["war", "war"]), "exclusions", "twice"),
        (lambda d: d.update(form="endorsement"), "underlying", "endorsement"),
        (lambda d: d.update(timezone="Mars/Olympus"), "timezone", "unknown time zone"),
        (
            lambda d: d.update(trigger={"kind": "occurrence", "retroactive_date": "2020-01-01"}),
            "retroactive_date",
            "claims_made",
        ),
        (lambda d: d.update(limit=5), "limit", "unknown field"),
        (
            lambda d: d["coverages"]["legal"].update(coinsurance=1),
            "coverages.legal.coinsurance",
            "less than 1",
        ),
        (lambda d: d.update(retention_basis="per_claim"), "retention_basis", "per_incident"),
        (lambda d: d["coverages"]["legal"].update(event_types=[]), "coverages.legal.event_types", "at least 1"),
        (
            lambda d: d["coverages"]["legal"].update(event_types=["malware", "malware"]),
            "coverages.legal.event_types",
            "twice: malware",
        ),
        (
            lambda d: d["coverages"]["legal"].update(event_types=["meteor"]),
            "coverages.legal.event_types[0]",
            "ransomware",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bad_policies_name_the_field_and_the_problem(mutate: Any, field: str, words: str) -> None:
    d = base()
    mutate(d)
    message = problems(d)
    assert field in message and words in message, message


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("coverages: [x\n - : :\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="malformed YAML at line"):
        load_model(Policy, bad)


def test_a_list_at_the_top_level_is_refused() -> None:
    with pytest.raises(InvalidInput, match="expected a mapping"):
        parse_model(Policy, yaml.safe_load("- 1\n- 2"))


def test_period_includes_both_dates_in_the_jurisdiction_zone() -> None:
    p = parse_model(Policy, dict(base(), jurisdiction="CN"))
    shanghai = ZoneInfo("Asia/Shanghai")
    assert p.covers(datetime(2027, 6, 30, 23, 59, tzinfo=shanghai))
    assert not p.covers(datetime(2027, 7, 1, 0, 0, tzinfo=shanghai))
    # 2026-06-30 17:00 UTC is already 1 July 01:00 in Shanghai
    assert p.covers(datetime(2026, 6, 30, 17, 0, tzinfo=ZoneInfo("UTC")))
    assert not parse_model(Policy, dict(base(), jurisdiction="INTL")).covers(
        datetime(2026, 6, 30, 17, 0, tzinfo=ZoneInfo("UTC"))
    )


def test_coverages_keep_their_file_order() -> None:
    d = base()
    d["coverages"] = {
        "legal": {"sublimit": 1},
        "incident_response": {"sublimit": 1},
        "business_interruption": {"sublimit": 1},
    }
    assert [c.value for c in parse_model(Policy, d).coverages] == [
        "legal",
        "incident_response",
        "business_interruption",
    ]


def test_wording_options_default_to_one_retention_per_coverage_and_every_event_type() -> None:
    p = parse_model(Policy, base())
    assert p.retention_basis == "per_coverage" and p.coverages[Coverage.LEGAL].event_types is None
    assert all(p.coverages[Coverage.LEGAL].answers(e) for e in EventType)
    d = base()
    d["coverages"]["legal"]["event_types"] = ["ransomware", "malware"]
    legal = parse_model(Policy, {**d, "retention_basis": "per_incident"}).coverages[Coverage.LEGAL]
    assert legal.answers(EventType.MALWARE) and not legal.answers(EventType.SYSTEM_FAILURE)

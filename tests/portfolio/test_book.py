"""The book (contract §1, §9): what it holds once read, and every error named by its dotted path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.portfolio.book import load_book
from tests.portfolio.books import FOLDER, book, mixed, policy_data


def test_example_books_load() -> None:
    for path in sorted(FOLDER.glob("*.yaml")):
        b = load_book(path)
        assert b.lines and b.policies >= len(b.lines)
    m = load_book(FOLDER / "mixed-book.yaml")
    assert m.policies == 20 + 10 + 5
    assert m.lines[2].policy is None and m.lines[2].model is None
    assert m.lines[0].model is not None and m.lines[0].policy is not None


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        node = data
        for part in path[:-1]:
            node = node[part]
        if value is KeyError:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return edit


def _treaties(data: dict[str, Any]) -> None:
    data["reinsurance"] = [
        {"id": "qs", "kind": "quota_share", "share": 1.5},
        {"id": "rxl", "kind": "per_risk_xl", "attachment": 1e6, "limit": 2e6},
        {"id": "cat", "kind": "cat_xl", "attachment": 2e7},
    ]


def _bond(data: dict[str, Any]) -> None:
    data["ils"] = [
        {"id": "b", "kind": "cat_bond", "trigger": "indemnity_annual_aggregate", "attachment": 5, "exhaustion": 4}
    ]


def _foreign_policy(data: dict[str, Any]) -> None:
    p = policy_data()
    p["currency"] = "EUR"
    data["policies"][1]["policy"] = p


CASES = [
    ("scenarios[0].dependency", _set(["scenarios", 0, "dependency"], "nowhere")),
    ("policies[0].depends_on", _set(["policies", 0, "depends_on"], ["nowhere"])),
    ("policies[1].count", _set(["policies", 1, "count"], 0)),
    ("policies[1].policy.currency", _foreign_policy),
    ("policies[0].industry", _set(["policies", 0, "industry"], "piracy")),
    ("policies[1].id", _set(["policies", 1, "id"], "prof-services")),
    ("scenarios[1].id", _set(["scenarios", 1, "id"], "own_events")),
    ("scenarios[0].hit_probability", _set(["scenarios", 0, "hit_probability"], 0)),
    ("scenarios[0].rate", _set(["scenarios", 0, "rate"], -1)),
    ("scenarios[0].losses.data_restoration", _set(["scenarios", 0, "losses"], {"data_restoration": "hours"})),
    ("policies[0].model", _set(["policies", 0, "model"], "../models/missing.yaml")),
    ("reinsurance[0].share", _treaties),
    ("reinsurance[2].limit", _treaties),
    ("ils[0].exhaustion", _bond),
]


@pytest.mark.parametrize(("field", "edit"), CASES, ids=[c[0] for c in CASES])
def test_errors_name_the_field(field: str, edit: Callable[[dict[str, Any]], None]) -> None:
    data = mixed()
    edit(data)
    with pytest.raises(InvalidInput) as caught:
        book(data)
    fields = [p.field for p in caught.value.problems]
    assert any(f.startswith(field) for f in fields), fields


def test_inline_model_and_policy() -> None:
    data = mixed()
    data["policies"][0]["policy"] = policy_data()
    data["policies"][0]["model"] = {
        "kind": "explicit",
        "currency": "USD",
        "event_types": {
            "malware": {
                "frequency": {"dist": "poisson", "lam": 0.1},
                "losses": {"legal": {"dist": "fixed", "value": 10}},
            }
        },
    }
    b = book(data)
    assert b.lines[0].model is not None and b.lines[0].model.event_types[0].event_type.value == "malware"

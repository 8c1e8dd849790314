"""The one document parser (model/loading.py): every input and data file refuses a key given twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.model.loading import parse_document, read_document, read_packaged


def test_a_yaml_key_given_twice_is_named_with_its_path_and_both_lines() -> None:
    text = "coverages:\n  legal:\n    retention: 10\n    sublimit: 5\n    retention: 1000\n"
    with pytest.raises(InvalidInput) as info:
        parse_document(text, "policy.yaml")
    [problem] = info.value.problems
    assert problem.field == "coverages.legal.retention"
    assert "lines 3 and 5" in problem.message


def test_a_json_key_given_twice_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_document('{"a": 1, "b": {"war": false, "war": true}}', "incident.json", json_=True)
    assert [p.field for p in info.value.problems] == ["war"]


def test_a_merge_key_may_be_overridden_and_aliases_are_read_once() -> None:
    text = "base: &b {retention: 10, sublimit: 5}\nlegal:\n  <<: *b\n  retention: 20\n"
    assert parse_document(text, "x.yaml")["legal"] == {"retention": 20, "sublimit": 5}
    # A billion-laughs document: the duplicate check visits each node once, then the shape check refuses it.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(InvalidInput, match="values once YAML aliases expand"):
        parse_document("\n".join(lines), "bomb.yaml")


def test_files_and_packaged_files_go_through_the_same_checks(tmp_path: Path) -> None:
    for name in ("twice.yaml", "twice.json"):
        path = tmp_path / name
        path.write_text('{"a": 1, "a": 2}', encoding="utf-8")
        with pytest.raises(InvalidInput, match="given twice"):
            read_document(path)
        with pytest.raises(InvalidInput, match="given twice"):
            read_packaged(path)

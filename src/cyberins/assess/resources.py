"""The assessor's packaged data files, read through importlib.resources, validated and cached; overrides.

Overrides change calibration values by dotted path (`event_types.ransomware.outage.median_hours`,
`frequency.base.ransomware`). A path that ends on a `{value: …}` fact sets its value. The block that held
the value is re-marked `assumption: true` with the reason "overridden", so `explain` and the docs never
present an overridden number under its original source.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cyberins.assess.calibration import Calibration
from cyberins.assess.questionnaire import Questionnaire
from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.loading import parse_model, problems_from, read_packaged

M = TypeVar("M", bound=BaseModel)


def packaged(model: type[M], name: str) -> M:
    """Read and validate one of the package's data files (`cyberins/assess/data/NAME`)."""
    path = resources.files("cyberins.assess").joinpath("data", name)
    return parse_model(model, read_packaged(path), f"cyberins/assess/data/{name}")


@functools.cache
def load_calibration() -> Calibration:
    """The packaged calibration (`assess/data/calibration.yaml`)."""
    return packaged(Calibration, "calibration.yaml")


@functools.cache
def load_questionnaire() -> Questionnaire:
    """The packaged controls questionnaire (`assess/data/questionnaire.yaml`)."""
    return packaged(Questionnaire, "questionnaire.yaml")


def with_overrides(
    calibration: Calibration, overrides: Mapping[str, Any], field: str = "calibration_overrides"
) -> Calibration:
    """A copy of `calibration` with values replaced by dotted path; errors name `field.<path>`."""
    if not overrides:
        return calibration
    data = calibration.model_dump(mode="json")
    problems = [p for path, value in overrides.items() for p in _set(data, path, value, field)]
    if problems:
        raise InvalidInput(problems)
    try:
        return Calibration.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput([replace(p, field=f"{field}.{p.field}") for p in problems_from(exc)]) from None


def _set(data: dict[str, Any], path: str, value: Any, field: str) -> list[Problem]:
    where = f"{field}.{path}"
    node: Any = data
    parts = path.split(".")
    blocks: list[dict[str, Any]] = []
    for part in parts[:-1]:
        node = _child(node, part)
        if node is None:
            return [Problem.of(where, Said("input.other.no_calibration_value", {"part": repr(part)}))]
        if isinstance(node, dict):
            blocks.append(node)
    last = parts[-1]
    target = _child(node, last)
    if target is None and not (isinstance(node, dict) and last in node):
        return [Problem.of(where, Said("input.other.no_calibration_value", {"part": repr(last)}))]
    if isinstance(target, dict) and "value" in target:
        node, last = target, "value"
        blocks.append(target)
    elif isinstance(target, dict | list):
        return [Problem.of(where, Said("input.other.calibration_block"))]
    if isinstance(node, list):
        node[int(last)] = copy.deepcopy(value)
    else:
        node[last] = copy.deepcopy(value)
    for block in reversed(blocks):
        if "assumption" in block or "source" in block:
            block["assumption"] = True
            block["reason"] = f"overridden by {field}.{path}"
            break
    return []


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None

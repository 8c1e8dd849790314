"""Read YAML/JSON input files into validated models, turning every failure into `InvalidInput`.

Errors name the field as a dotted path (`coverages.legal.retention`, `outages[0].end`) so a user can find
it in the file; nothing here ever lets a traceback reach a user.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cyberins.model.errors import InvalidInput, Problem

M = TypeVar("M", bound=BaseModel)


def read_document(path: Path) -> Any:
    """Parse a `.json`, `.yaml` or `.yml` file; a syntax error names the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("", f"cannot read the file: {exc.strerror or exc}", str(path)) from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput.one("", f"malformed JSON at line {exc.lineno}: {exc.msg}", str(path)) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise InvalidInput.one("", f"malformed YAML{where}: {problem}", str(path)) from None


def field_path(loc: tuple[int | str, ...]) -> str:
    """`('coverages', 'legal', 'retention')` -> `coverages.legal.retention`; list indexes as `[i]`."""
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic marks a bad mapping key this way; the key itself is already in the path
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for e in error.errors(include_url=False):
        message = e["msg"].removeprefix("Value error, ")
        if e["type"] == "enum" and e.get("input") is not None:
            message = f"unknown value {e['input']!r}; {message[0].lower()}{message[1:]}"
        problems.append(Problem(field_path(tuple(e["loc"])), message))
    return problems


def parse_model(model: type[M], data: Any, source: str = "") -> M:
    """Validate `data` as `model`, raising `InvalidInput` with one problem per failing field."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise InvalidInput.one("", f"expected a mapping of fields at the top level, got {kind}", source)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc), source) from None


def load_model(model: type[M], path: Path) -> M:
    """Read and validate one input file."""
    return parse_model(model, read_document(path), str(path))

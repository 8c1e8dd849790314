"""Read YAML/JSON input files into validated models, turning every failure into `InvalidInput`.

Errors name the field as a dotted path (`coverages.legal.retention`, `outages[0].end`) so a user can find
it in the file; nothing here ever lets a traceback reach a user.
"""

from __future__ import annotations

import difflib
import json
import types
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

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


def problems_from(error: ValidationError, model: type[BaseModel] | None = None) -> list[Problem]:
    """One `Problem` per failing field; an unknown key also gets the nearest known one of `model` at its place
    (a misspelt `atribution` must be refused, never ignored: it would change what a claim pays)."""
    problems = []
    for e in error.errors(include_url=False):
        message = e["msg"].removeprefix("Value error, ")
        loc = tuple(e["loc"])
        if e["type"] == "enum" and e.get("input") is not None:
            message = f"unknown value {e['input']!r}; {message[0].lower()}{message[1:]}"
        if e["type"] == "extra_forbidden":
            known = sorted(_fields_at(model, loc[:-1])) if model is not None else []
            near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            message = f"unknown field; did you mean {near[0]!r}?" if near else "unknown field"
            if known and not near:
                message += f" (known here: {', '.join(known)})"
        problems.append(Problem(field_path(loc), message))
    return problems


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> set[str]:
    """The field names of the model(s) found at `loc` inside `model` (empty when the path leads elsewhere)."""
    current: list[Any] = [model]
    for part in loc:
        current = [nxt for tp in current for nxt in _step(tp, part)]
    return {name for tp in current for m in _models(tp) for name in m.model_fields}


def _unwrap(tp: Any) -> list[Any]:
    """The alternatives of an annotation: Optional/Union arms, Annotated's type."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _unwrap(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [x for arm in get_args(tp) for x in _unwrap(arm)]
    return [tp]


def _models(tp: Any) -> list[type[BaseModel]]:
    return [x for x in _unwrap(tp) if isinstance(x, type) and issubclass(x, BaseModel)]


def _step(tp: Any, part: int | str) -> list[Any]:
    out: list[Any] = []
    for alt in _unwrap(tp):
        origin, args = get_origin(alt), get_args(alt)
        if isinstance(alt, type) and issubclass(alt, BaseModel) and isinstance(part, str):
            field = alt.model_fields.get(part)
            out += [field.annotation] if field is not None else []
        elif origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
            out.append(args[0])
        elif origin is dict and len(args) == 2:
            out.append(args[1])
    return out


def parse_model(model: type[M], data: Any, source: str = "") -> M:
    """Validate `data` as `model`, raising `InvalidInput` with one problem per failing field."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise InvalidInput.one("", f"expected a mapping of fields at the top level, got {kind}", source)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc, model), source) from None


def load_model(model: type[M], path: Path) -> M:
    """Read and validate one input file."""
    return parse_model(model, read_document(path), str(path))

"""Read YAML/JSON input files into validated models, turning every failure into `InvalidInput`.

Errors name the field as a dotted path (`coverages.legal.retention`, `outages[0].end`) so a user can find
it in the file; nothing here ever lets a traceback reach a user.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import types
from decimal import Decimal
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from cyberins.model.errors import InvalidInput, InvalidValue, Problem, Said, english_only, os_reason

M = TypeVar("M", bound=BaseModel)


#: Input files are policies, profiles, incidents and products written by people: the examples are a few kB.
#: 4 MiB leaves room for a scheme of thousands of members and keeps PyYAML's pure-Python parse (about 1 MB/s)
#: to seconds; a larger file is refused before it is read.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
#: Deeper than any model in the package nests (about 6 levels); a deeper document is refused before validation.
MAX_DEPTH = 64
#: Values a document may hold once YAML aliases are expanded: a "billion laughs" file of under 1 kB expands
#: to 10^10 values and would hang whatever walks it.
MAX_VALUES = 1_000_000


def read_document(path: Path) -> Any:
    """Parse a `.json`, `.yaml` or `.yml` file (UTF-8, a byte-order mark allowed); a syntax error names the line.

    Whatever the bytes, the outcome is parsed data or `InvalidInput`: a file too large, not UTF-8, nested too
    deeply, expanding past `MAX_VALUES` or giving a key twice is refused, and a scalar Python cannot build (an
    impossible date, an integer of thousands of digits) is handed on as text or a `Decimal` for the model to
    refuse by field.
    """
    source = str(path)
    return parse_document(_read_text(path, source), source, json_=path.suffix.lower() == ".json")


def read_packaged(file: Traversable) -> Any:
    """A data file shipped in the package (or a copy of one in a test), read with `read_document`'s checks."""
    source = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput.one("", Said("input.cannot_read", {"reason": os_reason(exc)}), source) from None
    return parse_document(text, source, json_=file.name.lower().endswith(".json"))


def parse_document(text: str, source: str, *, json_: bool = False) -> Any:
    """Parse JSON or YAML text: the one parser of every input and data file (see `read_document`)."""
    try:
        data = json.loads(text, parse_int=_int, object_pairs_hook=_unique_keys) if json_ else _load_yaml(text)
    except json.JSONDecodeError as exc:
        said = Said("input.malformed_json", {"line": exc.lineno, "detail": english_only(exc.msg)})
        raise InvalidInput.one("", said, source) from None
    except _RepeatedKeys as exc:
        raise InvalidInput(exc.problems, source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = english_only(getattr(exc, "problem", None) or "cannot parse")
        said = (
            Said("input.malformed_yaml_at", {"line": mark.line + 1, "column": mark.column + 1, "detail": detail})
            if mark
            else Said("input.malformed_yaml", {"detail": detail})
        )
        raise InvalidInput.one("", said, source) from None
    except RecursionError:
        raise InvalidInput.one("", Said("input.too_deep", {"depth": MAX_DEPTH}), source) from None
    check_shape(data, source)
    return data


class _RepeatedKeys(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is refused (`json` would silently keep the last)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            said = Said("input.key_twice")
            raise _RepeatedKeys([Problem.of(key, said)])
        out[key] = value
    return out


def _load_yaml(text: str) -> Any:
    """Compose the YAML once, refuse a key given twice in a mapping (PyYAML would keep the last), construct."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        problems = _repeated_keys(node)
        if problems:
            raise _RepeatedKeys(problems)
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _repeated_keys(root: yaml.Node | None) -> list[Problem]:
    """Keys given twice, by the path of the mapping that repeats them, with both lines. Each node is visited
    once, so an alias-heavy document costs what its text does; merge keys (`<<`) may be overridden."""
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node | None, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key, line = str(key_node.value), key_node.start_mark.line + 1
                child = f"{path}.{key}" if path else key
                if key in first_line:
                    said = Said("input.key_twice_lines", {"first": first_line[key], "second": line})
                    problems.append(Problem.of(child, said))
                first_line.setdefault(key, line)
                stack.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(node.value))
    return problems


def _read_text(path: Path, source: str) -> str:
    try:
        if path.is_dir():
            raise InvalidInput.one("", Said("input.is_directory"), source)
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            limit = MAX_DOCUMENT_BYTES // 1024 // 1024
            raise InvalidInput.one("", Said("input.too_large", {"size": size, "limit": limit}), source)
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput.one("", Said("input.cannot_read", {"reason": os_reason(exc)}), source) from None
    try:
        return data.decode("utf-8-sig")  # a BOM, as Windows editors write it, is not part of the text
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start : exc.start + 1].hex()
        said = Said("input.not_utf8_at", {"byte": byte, "line": line, "column": column})
        raise InvalidInput.one("", said, source) from None


def _int(text: str) -> int | Decimal:
    """An integer literal; one past Python's int-parsing limit (4,300 digits) as a `Decimal`, which any bound on
    the field then refuses by name (int() would raise before the field is known)."""
    return int(text) if len(text.lstrip("+-")) <= _INT_DIGITS else Decimal(text)


_INT_DIGITS = 4300


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that scalars Python cannot build reach validation, which names the field:
    an over-long integer as a `Decimal`, an impossible date (`2026-13-45`, `2026-02-30`) as its text."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        text = str(self.construct_scalar(node)).replace("_", "")
        if text.lstrip("+-").isdigit() and len(text.lstrip("+-")) > _INT_DIGITS:
            return Decimal(text)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def read_csv_rows(path: Path, columns: tuple[str, ...], field: str = "") -> list[dict[str, str]]:
    """The rows of a CSV file with a header (UTF-8; the BOM Excel writes allowed) that holds every one of
    `columns`; a missing column, an unreadable file or text that is not UTF-8 is refused, naming `field`
    (the option that gave the file) or the column."""
    source = str(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                said = Said("input.column_missing")
                raise InvalidInput([Problem.of(c, said) for c in missing], source)
            return list(reader)
    except OSError as exc:
        raise InvalidInput.one(field, Said("input.cannot_read", {"reason": os_reason(exc)}), source) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput.one(field, Said("input.not_utf8", {"byte": exc.start}), source) from None


def check_shape(data: Any, source: str = "") -> None:
    """Refuse data nested deeper than `MAX_DEPTH`, holding more than `MAX_VALUES` values once YAML aliases are
    expanded, or containing itself. Iterative, and each shared container is counted once per visit of its
    parent (memoised by identity), so the check is linear in the document, not in its expansion."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        children = [c for c in (node.values() if isinstance(node, dict) else node) if isinstance(c, (dict, list))]
        if done:
            open_.discard(key)
            scalars = len(node) - len(children)
            size[key] = 1 + scalars + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > MAX_VALUES:
                raise InvalidInput.one("", Said("input.too_many_values", {"n": MAX_VALUES}), source)
            if depth[key] > MAX_DEPTH:
                raise InvalidInput.one("", Said("input.too_deep", {"depth": MAX_DEPTH}), source)
            continue
        if key in size:
            continue
        if key in open_:
            raise InvalidInput.one("", Said("input.alias_loop"), source)
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)


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


#: What to write instead, for each kind of value a person most often gets wrong.
_FORMATS: dict[str, str] = {
    "decimal_parsing": "not an amount: write digits, e.g. 10000000 or 12500.50 (not 10M or 10,000,000)",
    "decimal_type": "not an amount: write digits, e.g. 10000000 or 12500.50",
    "float_parsing": "not a number: write digits, e.g. 0.25 or 1500",
    "float_type": "not a number: write digits, e.g. 0.25 or 1500",
    "int_parsing": "not a whole number: write digits, e.g. 30",
    "int_type": "not a whole number: write digits, e.g. 30",
    "bool_parsing": "not true or false",
    "bool_type": "not true or false",
}
_DATES = ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type")
_MOMENTS = ("datetime_parsing", "datetime_from_date_parsing", "datetime_type", "timezone_aware")


def _arm(part: int | str) -> bool:
    """A location part naming a union's alternative (`HourlyLoss`, `tagged-union[...]`), not a field or a key:
    field names are snake_case here, ids snake_case or upper case (`CN`), model classes CamelCase."""
    return isinstance(part, str) and ("[" in part or re.fullmatch(r"[A-Z][a-z]\w*", part) is not None)


def _split(loc: tuple[int | str, ...]) -> tuple[tuple[int | str, ...], str | None, tuple[int | str, ...]]:
    """(the path to a union, the alternative tried, the path inside it); the alternative is None outside
    unions. A tagged union's tag value follows its part and belongs to the alternative."""
    for n, part in enumerate(loc):
        if _arm(part):
            skip = 2 if str(part).startswith("tagged-union[") and n + 1 < len(loc) else 1
            return loc[:n], "/".join(str(x) for x in loc[n : n + skip]), loc[n + skip :]
    return loc, None, ()


def message_of(e: Any) -> str:
    """A pydantic error said the way a person fixes it: the expected format, the nearest known value."""
    kind, message = str(e["type"]), str(e["msg"]).removeprefix("Value error, ")
    if kind in _FORMATS:
        return _FORMATS[kind]
    if kind in _DATES:
        reason = str((e.get("ctx") or {}).get("error") or "").strip()
        return "not a date: write YYYY-MM-DD, e.g. 2026-07-01" + (f" ({reason})" if reason else "")
    if kind in _MOMENTS:
        return "not a date and time: write ISO 8601 with its offset, e.g. 2026-07-01T09:30:00+08:00"
    if kind == "enum" and e.get("input") is not None:
        expected = re.findall(r"'([^']*)'", str((e.get("ctx") or {}).get("expected", "")))
        near = difflib.get_close_matches(str(e["input"]), expected, n=1, cutoff=0.6)
        if near:
            return f"unknown value {e['input']!r}; did you mean {near[0]!r}?"
        return f"unknown value {e['input']!r}; expected one of: {', '.join(expected)}"
    return message


#: Context values a catalogue sentence of a problem shows (`api.problem.greater_than`: {gt}).
_SAID_VALUES = ("gt", "ge", "lt", "le", "min_length", "max_length", "max_digits", "decimal_places", "whole_digits",
                "multiple_of", "pattern", "discriminator", "expected_tags")  # fmt: skip


def said_of(e: Any, near: str | None = None) -> Said | None:
    """The problem as a catalogue sentence (`api.problem.<pydantic type>`, or the `InvalidValue` a validator of
    ours raised), for a reader of another language; None for a type the catalogue does not say."""
    from cyberins.model.messages import has

    kind, ctx = str(e["type"]), e.get("ctx") or {}
    if kind == "value_error" and isinstance(ctx.get("error"), InvalidValue):
        said: Said = ctx["error"].said
        return said
    if kind == "extra_forbidden" and near:
        return Said("api.problem.extra_near", {"near": repr(near)})
    if kind in ("enum", "literal_error"):
        expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        close = difflib.get_close_matches(str(e.get("input")), expected, n=1, cutoff=0.6) if kind == "enum" else []
        if close:  # as the English says it: the nearest known value of a misspelt one
            return Said("api.problem.enum_near", {"input": repr(e["input"]), "near": repr(close[0])})
        return Said(f"api.problem.{kind}", {"expected": {"zh": "、".join(expected), "en": ", ".join(expected)}})
    if not has(f"api.problem.{kind}"):
        return None
    return Said(f"api.problem.{kind}", {k: ctx[k] for k in _SAID_VALUES if k in ctx})


def problems_from(error: ValidationError, model: type[BaseModel] | None = None) -> list[Problem]:
    """One `Problem` per failing field, said the way a person fixes it: the expected format of an amount or a
    date, the nearest known id of a misspelt value or key (a misspelt `atribution` must be refused, never
    ignored: it would change what a claim pays). Where a value may take several shapes (a distribution or an
    hourly loss), only the shape it was meant as speaks: a specific error in one alternative silences the
    "field required" of the others, and the alternatives' internal names are left out of the path."""
    errors = error.errors(include_url=False)
    meant: dict[tuple[int | str, ...], set[str]] = {}
    for e in errors:
        prefix, arm, _ = _split(tuple(e["loc"]))
        if arm is not None and e["type"] not in ("missing", "extra_forbidden"):  # wrong shape, not wrong value
            meant.setdefault(prefix, set()).add(arm)
    problems = []
    for e in errors:
        loc = tuple(e["loc"])
        prefix, arm, rest = _split(loc)
        if arm is not None and prefix in meant and arm not in meant[prefix]:
            continue  # another alternative it was not meant as
        message = message_of(e)
        if e["type"] == "extra_forbidden":
            known = sorted(_fields_at(model, loc[:-1])) if model is not None else []
            near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            message = f"unknown field; did you mean {near[0]!r}?" if near else "unknown field"
            if known and not near:
                message += f" (known here: {', '.join(known)})"
        problem = Problem(
            field_path(prefix + rest), message, said_of(e, near[0] if e["type"] == "extra_forbidden" and near else None)
        )
        if problem not in problems:
            problems.append(problem)
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
        from cyberins.model.messages import has

        kind = "empty" if data is None else type(data).__name__
        said_kind = Said(f"input.kind.{kind}") if has(f"input.kind.{kind}") else kind
        raise InvalidInput.one("", Said("input.not_a_mapping", {"kind": said_kind}), source)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems_from(exc, model), source) from None


def load_model(model: type[M], path: Path) -> M:
    """Read and validate one input file."""
    return parse_model(model, read_document(path), str(path))

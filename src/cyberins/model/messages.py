"""The one message catalogue of the interfaces: every text the CLI, the reports, the statements and the API's
error bodies print, as `id -> {zh, en}` in `model/data/messages.yaml` (issue 17 §3).

Ids are dotted paths (`cli.quote.title`, `api.error.not_found`); placeholders are `str.format` names and must be
the same in both languages. The file is read once and checked (`check_messages`) the first time a text is asked
for, so a missing translation or a misspelt placeholder fails at once rather than in front of a reader.

Domain data files whose records carry their own `zh`/`en` fields (the catalog's labels, the claims reasons, the
eligibility rules, the questionnaire) stay where they are: they are data catalogues of their own.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from cyberins.model.errors import InvalidInput, Problem
from cyberins.model.ids import Lang

#: The languages every message exists in.
LANGS: tuple[Lang, ...] = ("zh", "en")

Messages = Mapping[str, Mapping[Lang, str]]


def _placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested mapping of groups to `{id: entry}`; an entry is a mapping with exactly the keys `zh` and `en`.

    A group's name may itself be dotted (`cli.quote:` at the top level adds to `cli`'s `quote` group), so entries
    added later can sit in one block at the end of the file; an id reached twice that way is refused."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        inner = (
            flatten(value, path + ".") if isinstance(value, Mapping) and not set(value) & set(LANGS) else {path: value}
        )
        twice = sorted(set(inner) & set(out))
        if twice:
            raise InvalidInput([Problem(id_, "this id is given twice") for id_ in twice], "messages.yaml")
        out.update(inner)
    return out


def check_messages(entries: Mapping[str, Any]) -> list[Problem]:
    """Every id has both languages as text, nothing else, and the same placeholders in both."""
    problems = []
    for id_, entry in entries.items():
        if not isinstance(entry, Mapping) or set(entry) != set(LANGS):
            problems.append(Problem(id_, "needs exactly the texts zh and en"))
            continue
        if not all(isinstance(entry[lang], str) and entry[lang] for lang in LANGS):
            problems.append(Problem(id_, "zh and en must both be non-empty text"))
            continue
        try:
            zh, en = (_placeholders(entry[lang]) for lang in LANGS)
        except ValueError as exc:
            problems.append(Problem(id_, f"not a str.format template: {exc}"))
            continue
        if zh != en:
            problems.append(Problem(id_, f"placeholders differ: zh {sorted(zh)}, en {sorted(en)}"))
    return problems


class _Unread(Exception):
    """The catalogue was asked for while it is being read."""


#: Set while the catalogue itself is read: a problem of messages.yaml (a YAML syntax error) is said from the
#: catalogue, which would read the file again without end; `text` says it by its id and values instead.
_READING: set[bool] = set()


@functools.cache
def messages() -> Messages:
    """The catalogue, read and checked once."""
    from cyberins.model.loading import read_packaged

    if _READING:
        raise _Unread
    _READING.add(True)
    try:
        source = files("cyberins.model") / "data" / "messages.yaml"
        data = read_packaged(source)
    finally:
        _READING.clear()
    entries = flatten({k: v for k, v in data.items() if k != "version"})
    problems = check_messages(entries)
    if problems:
        raise InvalidInput(problems, str(source))
    return entries


def text(id_: str, lang: Lang, /, **values: Any) -> str:
    """The message `id_` in `lang`, its placeholders filled from `values`."""
    try:
        template = messages()[id_][lang]
    except _Unread:
        return f"{id_} {values}"
    return template.format(**values)


def texts(prefix: str, lang: Lang) -> dict[str, str]:
    """Every message under `prefix` (`report.quote`) in `lang`, by its id's last part, unfilled (for templates)."""
    start = prefix + "."
    return {id_[len(start) :]: entry[lang] for id_, entry in messages().items() if id_.startswith(start)}


def has(id_: str) -> bool:
    return id_ in messages()


def preferred_lang(accept_language: str, default: Lang) -> Lang:
    """The language of an `Accept-Language` value: its first tag by q that is zh (`zh-CN` …) or en; else
    `default` (the API answers en, the web pages zh)."""
    ranked = []
    for n, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            weight = float(q)
        except ValueError:
            continue
        if tag and weight > 0:
            ranked.append((-weight, n, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag == "zh" or tag.startswith("zh-"):
            return "zh"
        if tag == "en" or tag.startswith("en-"):
            return "en"
    return default

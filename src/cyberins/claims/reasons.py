"""Reasons and statement texts in zh-CN and en, read from the packaged `data/reasons.yaml`.

The wording is data, not code: each reason code has the clause it cites and two templates. A template
parameter is either one string for both languages (an amount, a date) or a `Bi` pair (a catalog label).

Two citations per text: `clause`/`rule` name the policy field and our design rule for developers and the
JSON; `cite` names the policy's own clause (or the law) in the reader's language, for what a claimant reads
(DESIGN.md, "Terms and claims conventions": a statement never cites a design rule).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

from cyberins.model.ids import Lang
from cyberins.model.loading import read_packaged


@dataclass(frozen=True)
class Bi:
    """A text in both languages."""

    zh: str
    en: str

    def in_lang(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


Param = str | Bi


@dataclass(frozen=True)
class Reason:
    """Why a coverage is decided as it is: a stable `code`, the `clause` it cites (machine: policy field and
    design rule), the text and the claimant's citation (`cite_*`: the policy clause or the law) in both languages."""

    code: str
    clause: str
    text_zh: str
    text_en: str
    cite_zh: str
    cite_en: str

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "clause": self.clause,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "cite_zh": self.cite_zh,
            "cite_en": self.cite_en,
        }


@dataclass(frozen=True)
class StepText:
    """A statement line's design rule (machine), its text and its citation of the policy or the law, in both
    languages."""

    rule: str
    text_zh: str
    text_en: str
    cite_zh: str
    cite_en: str


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = read_packaged(resources.files("cyberins.claims").joinpath("data", "reasons.yaml"))
    return data


def _fill(template: str, params: dict[str, Param], lang: Lang) -> str:
    return template.format_map({k: v.in_lang(lang) if isinstance(v, Bi) else v for k, v in params.items()})


def _labelled(entry: dict[str, Any], params: dict[str, Param]) -> dict[str, Param]:
    """Parameters that the caller passes as ids (`high`, `cloud_provider Example Cloud`) made bilingual: the
    entry's `labels` names the label group of each; every word found in the group is translated, the rest
    (a provider's name) kept."""
    out = dict(params)
    for name, group in entry.get("labels", {}).items():
        value, known = params[name], _data()["labels"][group]
        if isinstance(value, str):
            words = value.split(" ")
            out[name] = Bi(*(" ".join(known[w][lang] if w in known else w for w in words) for lang in ("zh", "en")))
    return out


def _cite(entry: dict[str, Any], params: dict[str, Param], lang: Lang) -> str:
    """The policy clause or the law a text cites; a law can differ by jurisdiction (`cite_by_jurisdiction`)."""
    by_place = entry.get("cite_by_jurisdiction", {})
    cite = by_place.get(params.get("jurisdiction"), entry.get("cite"))
    return "" if cite is None else _fill(cite[lang], params, lang)


def reason(code: str, **params: Param) -> Reason:
    """The reason `code` with its templates filled (`KeyError` for an unknown code or a missing parameter)."""
    entry = _data()["reasons"][code]
    params = _labelled(entry, params)
    return Reason(
        code=code,
        clause=_fill(entry["clause"], params, "en"),
        text_zh=_fill(entry["zh"], params, "zh"),
        text_en=_fill(entry["en"], params, "en"),
        cite_zh=_cite(entry, params, "zh"),
        cite_en=_cite(entry, params, "en"),
    )


def step_text(step: str, **params: Param) -> StepText:
    """The statement text of an engine step (`excluded`, `retention`, …)."""
    entry = _data()["steps"][step]
    return StepText(
        rule=entry["rule"],
        text_zh=_fill(entry["zh"], params, "zh"),
        text_en=_fill(entry["en"], params, "en"),
        cite_zh=_cite(entry, params, "zh"),
        cite_en=_cite(entry, params, "en"),
    )


def phrase(key: str, **params: Param) -> Bi:
    """A piece of a statement text in both languages (`phrases` in the data), filled with `params`."""
    entry = _data()["phrases"][key]
    return Bi(zh=_fill(entry["zh"], params, "zh"), en=_fill(entry["en"], params, "en"))


def label(group: str, key: str) -> Bi:
    """A fixed label: `label("statuses", "covered")`, `label("steps", "retention")`."""
    entry = _data()["labels"][group][key]
    return Bi(zh=entry["zh"], en=entry["en"])


def reason_codes() -> tuple[str, ...]:
    """Every reason code the data define."""
    return tuple(_data()["reasons"])

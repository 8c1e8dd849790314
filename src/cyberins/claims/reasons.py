"""Reasons and statement texts in zh-CN and en, read from the packaged `data/reasons.yaml`.

The wording is data, not code: each reason code has the clause it cites and two templates. A template
parameter is either one string for both languages (an amount, a date) or a `Bi` pair (a catalog label).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import yaml

Lang = Literal["zh", "en"]


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
    """Why a coverage is decided as it is: a stable `code`, the `clause` it cites, and the text in both languages."""

    code: str
    clause: str
    text_zh: str
    text_en: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "clause": self.clause, "text_zh": self.text_zh, "text_en": self.text_en}


@dataclass(frozen=True)
class StepText:
    """The rule a statement line cites and its text in both languages."""

    rule: str
    text_zh: str
    text_en: str


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files("cyberins.claims").joinpath("data", "reasons.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _fill(template: str, params: dict[str, Param], lang: Lang) -> str:
    return template.format_map({k: v.in_lang(lang) if isinstance(v, Bi) else v for k, v in params.items()})


def reason(code: str, **params: Param) -> Reason:
    """The reason `code` with its templates filled (`KeyError` for an unknown code or a missing parameter)."""
    entry = _data()["reasons"][code]
    return Reason(
        code=code,
        clause=_fill(entry["clause"], params, "en"),
        text_zh=_fill(entry["zh"], params, "zh"),
        text_en=_fill(entry["en"], params, "en"),
    )


def step_text(step: str, **params: Param) -> StepText:
    """The statement text of an engine step (`excluded`, `retention`, …)."""
    entry = _data()["steps"][step]
    return StepText(
        rule=entry["rule"], text_zh=_fill(entry["zh"], params, "zh"), text_en=_fill(entry["en"], params, "en")
    )


def label(group: str, key: str) -> Bi:
    """A fixed label: `label("statuses", "covered")`, `label("steps", "retention")`."""
    entry = _data()["labels"][group][key]
    return Bi(zh=entry["zh"], en=entry["en"])


def reason_codes() -> tuple[str, ...]:
    """Every reason code the data define."""
    return tuple(_data()["reasons"])

"""Shared rendering helpers of the CLI: labels in the chosen language, money, one console."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from babel.numbers import format_decimal
from rich.console import Console

from cyberins.catalog import get_catalog

Lang = Literal["zh", "en"]

console = Console(highlight=False)


def label(id_: StrEnum | str, lang: Lang) -> str:
    """An enum member is looked up in its own table (the coverage `cyber_extortion`, not the event type)."""
    return get_catalog().label(id_, lang)


def bilingual(id_: StrEnum | str) -> str:
    """`业务中断 Business interruption`: both labels, for tables read by both audiences."""
    cat = get_catalog()
    return f"{cat.label(id_, 'zh')} {cat.label(id_, 'en')}"


def money(amount: Decimal | float | None, lang: Lang = "en") -> str:
    if amount is None:
        return "—"
    return format_decimal(amount, format="#,##0.00", locale="zh_CN" if lang == "zh" else "en_US")

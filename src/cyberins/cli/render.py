"""Shared rendering helpers of the CLI: labels in the chosen language, one console (money: `format_money`).

Babel, Rich and the catalog are imported on first use (the console on first access), so a command that
prints JSON only does not pay for them at start-up.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import TYPE_CHECKING

from cyberins.model.ids import Lang

if TYPE_CHECKING:
    from rich.console import Console


@functools.cache
def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def __getattr__(name: str) -> Console:
    if name == "console":
        return _console()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def label(id_: StrEnum | str, lang: Lang) -> str:
    """An enum member is looked up in its own table (the coverage `cyber_extortion`, not the event type)."""
    from cyberins.catalog import get_catalog

    return get_catalog().label(id_, lang)


def bilingual(id_: StrEnum | str) -> str:
    """`业务中断 Business interruption`: both labels, for tables read by both audiences."""
    from cyberins.catalog import get_catalog

    cat = get_catalog()
    return f"{cat.label(id_, 'zh')} {cat.label(id_, 'en')}"

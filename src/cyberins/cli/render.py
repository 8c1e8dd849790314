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


#: The narrowest a folding text column may get in a table (terminal cells).
MIN_TEXT_CELLS = 10


def print_fitted(
    title: str,
    heads: list[str],
    rows: list[list[str]],
    *,
    folding: tuple[int, ...] = (0,),
    empty: tuple[str, ...] = ("—",),
) -> None:
    """A table whose figures are never cut: the `folding` columns (names) wrap inside their cell, the others
    print whole; when even that does not fit the terminal, one block per row (the first cell as its heading,
    then each other column as `head  value`, leaving out the `empty` ones)."""
    from rich.cells import cell_len
    from rich.table import Table

    console = _console()
    whole = sum(
        max(cell_len(v) for v in [heads[n], *(r[n] for r in rows)]) for n in range(len(heads)) if n not in folding
    )
    if whole + MIN_TEXT_CELLS * len(folding) + 3 * len(heads) + 1 <= console.width:  # + borders and padding
        table = Table(title=title)
        for n, head in enumerate(heads):
            text = n in folding
            table.add_column(
                head, justify="left" if text else "right", no_wrap=not text,
                overflow="fold" if text else "ellipsis", min_width=MIN_TEXT_CELLS if text else None,
            )  # fmt: skip
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    console.print(f"[bold]{title}[/]")
    for row in rows:
        block = Table.grid(padding=(0, 2))
        block.add_column(style="dim", no_wrap=True)
        block.add_column(justify="right", overflow="fold")  # a long list folds; an amount always fits
        for head, value in zip(heads[1:], row[1:], strict=True):
            if value not in empty:
                block.add_row("  " + head, value)
        console.print(row[0])
        console.print(block)


def print_in_groups(title: str, heads: list[str], rows: list[list[str]], *, keep: int = 1) -> None:
    """A table too wide for the terminal printed as several tables, each with the first `keep` columns (the
    row names) and as many of the others as fit; no figure is ever cut (a claims triangle at 80 columns)."""
    from rich.cells import cell_len
    from rich.table import Table

    console = _console()
    widths = [max(cell_len(v) for v in [head, *(r[n] for r in rows)]) + 3 for n, head in enumerate(heads)]
    groups: list[list[int]] = []
    for n in range(keep, len(heads)):
        room = console.width - 1 - sum(widths[:keep])
        if groups and sum(widths[k] for k in groups[-1]) + widths[n] <= room:
            groups[-1].append(n)
        else:
            groups.append([n])
    for g, columns in enumerate(groups or [[]]):
        part = f" · {g + 1}/{len(groups)}" if len(groups) > 1 else ""
        table = Table(title=title + part)
        for n in [*range(keep), *columns]:
            table.add_column(heads[n], justify="left" if n < keep else "right", no_wrap=True)
        for row in rows:
            table.add_row(*(row[n] for n in [*range(keep), *columns]))
        console.print(table)

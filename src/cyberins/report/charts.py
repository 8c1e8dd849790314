"""Charts of the reports as SVG text: loss-exceedance curves (with a risk-tolerance curve) and bar charts.

Figures are built with `matplotlib.figure.Figure` (no pyplot, no global state) and saved with text as paths,
so a page shows the same glyphs — Chinese included — wherever it is opened.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from babel.numbers import format_compact_decimal, get_currency_name
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cyberins.model.ids import Lang

#: Chinese glyphs come from the first of these that is installed (scripts/setup.sh installs WenQuanYi).
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Microsoft YaHei")
PALETTE = {"gross": "#1f3b73", "insured": "#2a9d8f", "retained": "#e76f51", "tolerance": "#6c757d"}


@dataclass(frozen=True)
class Curve:
    """One exceedance curve: `points` are `(return_period_years, loss)`; `kind` picks its colour."""

    label: str
    points: Sequence[tuple[float, float]]
    kind: str = "gross"


@functools.cache
def _style() -> Any:  # typed loosely: matplotlib types rcParams keys as literals
    """Latin glyphs from DejaVu, Chinese from an installed CJK font (only installed ones: no look-up noise)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = ["DejaVu Sans", *[f for f in CJK_FONTS if f in installed][:1]]
    return {"font.family": families, "svg.fonttype": "path", "font.size": 9}


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return buf.getvalue()


_LOCALE = {"zh": "zh_CN", "en": "en"}


def _money_axis(lang: Lang) -> FuncFormatter:
    """Axis ticks in the reader's units: 万 and 亿 in Chinese, K, M and B in English (CLDR compact forms)."""
    locale = _LOCALE[lang]
    return FuncFormatter(
        lambda value, _pos: format_compact_decimal(value, format_type="short", locale=locale, fraction_digits=1)
    )


def _unit(currency: str, lang: Lang) -> str:
    """The axis unit: the currency's name in Chinese (人民币), its ISO code in English."""
    return get_currency_name(currency, locale="zh_CN") if lang == "zh" else currency


def _in_unit(label: str, unit: str, lang: Lang) -> str:
    return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"


def exceedance_svg(
    curves: Sequence[Curve], *, title: str, currency: str, x_label: str, y_label: str, lang: Lang
) -> str:
    """Loss against return period (log scale): the loss exceeded once in T years on average."""
    with matplotlib.rc_context(_style()):
        fig = Figure(figsize=(6.4, 3.6))
        ax = fig.add_subplot()
        for curve in curves:
            rp, loss = zip(*curve.points, strict=True) if curve.points else ((), ())
            dashed = curve.kind == "tolerance"
            ax.plot(
                rp,
                loss,
                "--" if dashed else "-o",
                color=PALETTE.get(curve.kind, "#444"),
                label=curve.label,
                markersize=3,
                linewidth=1.6,
            )
        ax.set_xscale("log")
        ax.set_xlabel(x_label)
        ax.set_ylabel(_in_unit(y_label, _unit(currency, lang), lang))
        ax.yaxis.set_major_formatter(_money_axis(lang))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.25)
        ax.legend(frameon=False)
        return _svg(fig)


def bars_svg(
    items: Sequence[tuple[str, float]], *, title: str, currency: str, lang: Lang, colour: str = "#1f3b73"
) -> str:
    """Horizontal bars, largest on top (contributions, returns on security investments)."""
    ordered = sorted(items, key=lambda kv: kv[1])
    with matplotlib.rc_context(_style()):
        fig = Figure(figsize=(6.4, 0.45 * max(len(ordered), 2) + 0.8))
        ax = fig.add_subplot()
        ax.barh([k for k, _ in ordered], [v for _, v in ordered], color=colour)
        ax.xaxis.set_major_formatter(_money_axis(lang))
        ax.set_xlabel(_unit(currency, lang))
        ax.set_title(title)
        ax.grid(True, axis="x", alpha=0.25)
        return _svg(fig)

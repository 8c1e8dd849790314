"""Rendering of the pages: one Jinja2 environment over `web/templates`, texts from the message catalogue
(`web.*`), catalog labels in the page's language, money shown in full beside its exact API value."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from cyberins.catalog import get_catalog
from cyberins.model.ids import Lang
from cyberins.model.messages import text
from cyberins.model.money import format_money
from cyberins.report.render import jinja_environment
from cyberins.web.session import LANG_COOKIE, Viewer, set_cookie

#: Each language by its own name, as the switch to it reads in any page (a name, so not in the catalogue).
ENDONYMS: dict[Lang, str] = {"zh": "中文", "en": "English"}
#: A year: how long the language a reader chose is remembered.
LANG_COOKIE_AGE = 365 * 24 * 3600


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja_environment("cyberins.web")
    env.filters["money"] = money
    return env


def money(amount: Decimal | str | None, currency: str, lang: Lang) -> str:
    """An amount in full for people (`CNY 1,250,000.00`): separators, minor digits, never 万/亿 shortening."""
    if amount is None:
        return "—"
    return f"{currency} {format_money(Decimal(str(amount)), currency, lang)}"


def label(table: str, id_: str, lang: Lang) -> str:
    """A catalog id's label in `lang` (event types, coverages ...); an unknown id shows as given."""
    entries: Any = getattr(get_catalog(), table)
    for key, entry in entries.items():
        if str(key) == id_:
            return str(getattr(entry.label, lang))
    return id_


def page(
    request: Request,
    template: str,
    lang: Lang,
    context: dict[str, Any],
    *,
    reader: Viewer | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The page rendered in `lang`; a `?lang=` choice is remembered in the `lang` cookie."""

    def t(id_: str, **values: Any) -> str:
        return text(f"web.{id_}", lang, **values)

    other: Lang = "en" if lang == "zh" else "zh"
    values = {
        "t": t, "lang": lang, "html_lang": "zh-CN" if lang == "zh" else "en",
        "other_lang": other, "other_name": ENDONYMS[other],
        "reader": reader, "path": request.url.path, "label": lambda table, id_: label(table, id_, lang),
        "fmt": lambda amount, currency: money(amount, currency, lang), **context,
    }  # fmt: skip
    html = environment().get_template(template).render(**values)
    response = HTMLResponse(html, status_code=status)
    asked = request.query_params.get("lang")
    if asked in ("zh", "en"):
        set_cookie(request, response, LANG_COOKIE, asked, max_age=LANG_COOKIE_AGE)
    return response

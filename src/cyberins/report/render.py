"""Rendering shared by every report: the Jinja2 environment over the package's templates, and PDF printing."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import jinja2

from cyberins.model.money import format_money


def jinja_environment(package: str) -> jinja2.Environment:
    """The one way every HTML the package writes is templated (reports here, the web pages): the package's
    `templates/`, autoescaped, an unknown name an error rather than an empty string."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja_environment("cyberins.report")
    env.filters["money"] = money
    return env


@jinja2.pass_context
def money(context: jinja2.runtime.Context, amount: Decimal | float | str | None) -> str:
    """`{{ x | money }}` in the page's `currency` and `lang`; documents hold amounts as decimal strings."""
    value = Decimal(amount) if isinstance(amount, str) else amount
    return format_money(value, context["currency"], context["lang"])


def render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


def to_pdf(html: str) -> bytes:
    """Print an HTML page to PDF with WeasyPrint (fonts from the system: scripts/setup.sh installs a CJK one)."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF output needs

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf

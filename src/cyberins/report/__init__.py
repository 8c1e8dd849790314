"""Reports people read: HTML pages (and PDF prints of them) with real charts, in zh-CN or en."""

from cyberins.report.quote import render_quote_html
from cyberins.report.render import to_pdf
from cyberins.report.statement import render_statement_html

__all__ = ["render_quote_html", "render_statement_html", "to_pdf"]

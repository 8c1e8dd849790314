"""The settlement statement page (理算书): it renders, in both languages, with the decision, the statement
and totals that add up (the lead checks the rendering to an image)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.report import render_statement_html
from tests.claims.test_examples import settle_example


class Tables(HTMLParser):
    """Collects the text of every table cell, per table class, and checks the tags balance."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.stack: list[str] = []
        self.current: str | None = None
        self.cell: list[str] | None = None
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"meta", "br", "link"}:
            self.stack.append(tag)
        if tag == "table":
            self.current = dict(attrs).get("class") or ""
            self.tables[self.current] = []
        elif tag == "tr" and self.current is not None:
            self.tables[self.current].append([])
        elif tag in {"td", "th"}:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack[-3:], tag)
        self.stack.pop()
        if tag in {"td", "th"} and self.cell is not None and self.current is not None:
            self.tables[self.current][-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        if self.stack and self.stack[-1] == "title":
            self.title += data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_statement_page_renders(lang: str) -> None:
    result = settle_example("ransomware-virtual-ransom-cn.yaml")
    page = render_statement_html(result, lang)  # type: ignore[arg-type]
    parser = Tables()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    assert "CY-ENT-2026-0042" in parser.title
    assert set(parser.tables) == {"decision", "statement", "totals"}
    assert len(parser.tables["statement"]) == 1 + len(result.statement)
    total_row = parser.tables["totals"][-1]
    assert total_row[-1] == "2,624,400.00"
    heading = "保障" if lang == "zh" else "Coverage"
    assert parser.tables["decision"][0][0] == heading
    assert ("部分赔付" if lang == "zh" else "Partially covered") in page


def test_statement_escapes_incident_text() -> None:
    from cyberins.claims import adjust_claim
    from tests.claims.helpers import incident, policy

    result = adjust_claim(incident(description="<script>alert(1)</script>"), policy("sme"))
    page = render_statement_html(result, "en")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidInput):
        render_statement_html(settle_example("late-notice.yaml"), "fr")  # type: ignore[arg-type]

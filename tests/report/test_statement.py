"""The settlement statement page (理算书): it renders, in both languages, with the decision, the statement
and totals that add up; every example statement, as a claimant gets it, fits A4 and cites the policy or the
law in the reader's language, never our design rules (DESIGN.md, "Terms and claims conventions")."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from cyberins.claims import ClaimAdjustment
from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Coverage
from cyberins.report import render_statement_html
from tests.claims.helpers import BI, INCIDENTS, adjust, policy, policy_data
from tests.claims.test_examples import settle_example
from tests.report.test_quote_report import _png_pages


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
        if tag not in {"meta", "br", "link", "col"}:
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
    # The heading, then per line its amounts and the explanation under them.
    assert len(parser.tables["statement"]) == 1 + 2 * len(result.statement)
    assert [len(row) for row in parser.tables["statement"][1:3]] == [6, 1]
    total_row = parser.tables["totals"][-1]
    assert total_row[-1] == "2,624,400.00"
    heading = "保障" if lang == "zh" else "Coverage"
    assert parser.tables["decision"][0][0] == heading
    assert ("部分赔付" if lang == "zh" else "Partially covered") in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_totals_list_what_was_claimed_and_count_the_other_coverages(lang: str) -> None:
    """Twelve coverages, six claimed: the totals show those six and one line for the six others."""
    result = settle_example("ransomware-virtual-ransom-cn.yaml")
    claimed = [c for c in result.payable if result.claimed[c] or result.payable[c]]
    assert (len(result.payable), len(claimed)) == (12, 6)
    parser = Tables()
    parser.feed(render_statement_html(result, lang))  # type: ignore[arg-type]
    heading, *rows, others, _total = parser.tables["totals"]
    assert len(rows) == len(claimed) and all(row[1] != "0.00" for row in rows)
    assert len(others) == 1 and others[0].startswith("其余 6 项保障" if lang == "zh" else "The other 6 coverages")


def test_statement_escapes_incident_text() -> None:
    from cyberins.claims import adjust_claim
    from tests.claims.helpers import incident, policy

    result = adjust_claim(incident(description="<script>alert(1)</script>"), policy("sme"))
    page = render_statement_html(result, "en")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidInput):
        render_statement_html(settle_example("late-notice.yaml"), "fr")  # type: ignore[arg-type]


# --- every example statement, printed -------------------------------------------------------------

NAMES = sorted(p.name for p in INCIDENTS.glob("*.yaml"))
#: Fields whose text is the insured's own (a description, a vendor's, a claimant's or a system's name): shown
#: as given.
THEIR_WORDS = {
    "description",
    "description_zh",
    "vendor",
    "claimant",
    "authority",
    "provider",
    "name",
    "name_zh",
    "system",
}
#: What a zh statement may spell in Latin letters: currency codes and ids (policy numbers, ISO times, IANA
#: zones, GB/T 20986 codes, CVE ids).
ZH_LATIN_ALLOWED = re.compile(
    r"\b[A-Z]{2,3}\b|CY(-[A-Z]+)?-\d{4}-\d+|\d{4}-\d\d-\d\dT|[A-Z][a-z]+/[A-Za-z_]+|GB/T|CVE-\d+-\d+"
)


@functools.cache
def _settled(name: str) -> ClaimAdjustment:
    return settle_example(name)


def _their_words(adjustment: ClaimAdjustment) -> Iterator[str]:
    def walk(value: Any, key: str = "") -> Iterator[str]:
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, k)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v, key)
        elif isinstance(value, str) and key in THEIR_WORDS:
            yield value

    yield from walk(adjustment.incident.model_dump())
    yield from walk(adjustment.policy.model_dump().get("insured") or {}, "")


def visible_text(page: str, adjustment: ClaimAdjustment) -> str:
    """The page's text as a reader sees it, less the insured's own words."""
    body = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    for words in sorted(_their_words(adjustment), key=len, reverse=True):
        text = text.replace(words, " ")
    return text


@pytest.mark.parametrize("name", NAMES)
def test_a_statement_cites_the_policy_or_the_law_in_the_readers_language(name: str) -> None:
    adjustment = _settled(name)
    for lang in ("zh", "en"):
        text = visible_text(render_statement_html(adjustment, lang), adjustment)  # type: ignore[arg-type]
        assert not re.search(r"\brules? \d|规则|DESIGN", text), (lang, re.findall(r".{30}(?:rule|规则).{10}", text))
        if lang == "zh":
            stray = re.findall(r"[A-Za-z]{2,}", ZH_LATIN_ALLOWED.sub(" ", text))
            assert not stray, stray
        else:
            assert not re.findall(r"[\u4e00-\u9fff]+", text)
    cited = [line for line in adjustment.statement if line.step != "rounding"]
    assert all(line.cite_zh and line.cite_en for line in cited)


def test_the_retention_line_cites_the_policys_clause_with_its_amount() -> None:
    adjustment = _settled("sme-ransomware-erp.yaml")
    zh, en = render_statement_html(adjustment, "zh"), render_statement_html(adjustment, "en")
    assert "每次事故免赔额 CNY 10,000" in zh and "Each-claim retention CNY 10,000" in en
    assert "等待期 12 小时" in zh
    # The JSON keeps the design rule for developers; the page never shows it.
    assert any("rule" in line.rule for line in adjustment.statement)


def test_the_cn_virtual_currency_ransom_cites_the_law() -> None:
    adjustment = _settled("ransomware-virtual-ransom-cn.yaml")
    (line,) = [x for x in adjustment.statement if x.code == "ransom_virtual_currency"]
    assert "银发〔2021〕237号" in line.cite_zh and "Yinfa [2021] No. 237" in line.cite_en


@functools.cache
def _laid_out(name: str, lang: str) -> Any:
    """The statement as WeasyPrint lays it out for print (what `to_pdf` writes), once per test session."""
    from weasyprint import HTML

    return HTML(string=render_statement_html(_settled(name), lang)).render()  # type: ignore[arg-type]


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _right(box: Any) -> float:
    return float(box.position_x + box.margin_width())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_statement_fits_a4(name: str, lang: str) -> None:
    """WeasyPrint's own layout: nothing crosses the right margin, no cell's text leaves its cell, no row grows
    taller than a quarter page (long texts wrap instead of stretching a narrow column), and every page carries
    a table (no last page holding a lone note)."""
    for number, page in enumerate(_laid_out(name, lang).pages, 1):
        root = page._page_box  # the public Page object has no box tree; the layout is what we test
        assert round(page.width) == 794  # A4 at 96 px per inch (210 mm)
        right = root.position_x + root.margin_width() - root.margin_right
        assert any(type(box).__name__ == "TableRowBox" for box in _boxes(root)), (number, "a page of notes only")
        for box in _boxes(root):
            if box is root:
                continue
            assert _right(box) <= right + 0.5, (number, type(box).__name__, _right(box), right)
            if type(box).__name__ == "TableCellBox":
                cell_right = box.position_x + box.border_width() + 0.5
                assert all(_right(inner) <= cell_right for inner in _boxes(box) if inner is not box)
            if type(box).__name__ == "TableRowBox":
                assert box.height < root.height / 4  # the page box's height is its content area


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("ransomware-virtual-ransom-cn.yaml", "en"),  # large enterprise: the longest statement
        ("ransomware-virtual-ransom-cn.yaml", "zh"),
        ("ransomware-one-retention.yaml", "zh"),  # one retention per incident
        ("state-attributed-wiper.yaml", "en"),  # excluded: war / state-backed operation
    ],
)
def test_the_printed_pages_keep_the_right_margin_blank(name: str, lang: str, tmp_path: Path) -> None:
    """The picture a claimant gets: every page has ink, and the page's right margin (14 mm) has none."""
    import matplotlib.image

    pages = _png_pages(_laid_out(name, lang).write_pdf(), tmp_path)
    assert pages
    for png in pages:
        grey = matplotlib.image.imread(str(png))[..., :3].mean(axis=2)
        margin = round(14 / 25.4 * 40) - 2  # pixels at 40 dpi, less anti-aliasing
        assert (grey < 0.9).mean() > 0.005
        assert (grey[:, -margin:] > 0.99).all(), png.name  # not even a header cell's pale fill


# --- explanations a claimant can follow ---------------------------------------------------------------

_MONEY = r"[A-Z]{3} ([\d,]+\.\d\d)"


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_the_waiting_period_line_shows_hours_times_the_hourly_income() -> None:
    """ERP down 60 hours at 70% of CNY 3,600 gross profit an hour, a 12-hour time retention: the line says
    12 hours × CNY 2,520.00 an hour and the source of that rate, and the product is what it deducts."""
    adjustment = _settled("sme-ransomware-erp.yaml")
    (line,) = [x for x in adjustment.statement if x.step == "waiting_period"]
    assert line.deducted == Decimal("30240.00")
    for text, pattern in (
        (line.text_zh, rf"erp (\d+) 小时 × 每小时 {_MONEY}（每小时毛利 {_MONEY} × 收入占比 70%） = {_MONEY}"),
        (
            line.text_en,
            rf"erp (\d+) h × {_MONEY} an hour \({_MONEY} gross profit an hour × revenue share 70%\) = {_MONEY}",
        ),
    ):
        found = re.search(pattern, text)
        assert found, text
        hours, rate, gross, total = Decimal(found[1]), *(_amount(found[i]) for i in (2, 3, 4))
        assert hours == adjustment.policy.coverages[Coverage.BUSINESS_INTERRUPTION].waiting_period_hours
        assert rate == gross * Decimal("0.7") and hours * rate == total == line.deducted


def test_a_greater_of_retention_shows_the_income_it_was_compared_with() -> None:
    """Two outages inside the first 8 hours (ERP from hour 0, the web shop from hour 2): the retention line
    shows each one's hours × rate and their sum; the deduction is the greater of that sum and the retention."""
    adjustment = _settled("ransomware-virtual-ransom-cn.yaml")
    (line,) = [x for x in adjustment.statement if x.coverage is Coverage.BUSINESS_INTERRUPTION]
    assert line.step == "retention" and "取大" in line.cite_zh and "if greater" in line.cite_en
    parts = re.findall(rf"(\w+) (\d+) h × {_MONEY} an hour", line.text_en)
    assert [(system, hours) for system, hours, _ in parts] == [("erp", "8"), ("web_shop", "6")]
    income = sum((Decimal(h) * _amount(rate) for _, h, rate in parts), Decimal(0))
    assert re.search(rf"= CNY {income:,.2f}\.$", line.text_en) and f"CNY {income:,.2f}" in line.text_zh
    retention = adjustment.policy.coverages[Coverage.BUSINESS_INTERRUPTION].retention
    assert line.deducted == max(income, retention) == retention


@pytest.mark.parametrize("name", NAMES)
def test_an_explanation_never_repeats_its_citation(name: str) -> None:
    """Each fact once: the clause (with its amount) shows as the citation, and the explanation says what the
    citation does not: no citation inside its text, no amount in both."""
    for line in _settled(name).statement:
        for text, cite in ((line.text_zh, line.cite_zh), (line.text_en, line.cite_en)):
            assert cite not in text, (line.step, text)
            assert not set(re.findall(_MONEY, text)) & set(re.findall(_MONEY, cite)), (line.step, text, cite)


@pytest.mark.parametrize("name", NAMES)
def test_a_statement_names_no_field_of_the_incident_file(name: str) -> None:
    """A claimant reads `cost line 3`, not the file's path `costs[2]` or `financials.extra_expense`."""
    adjustment = _settled(name)
    for lang in ("zh", "en"):
        text = visible_text(render_statement_html(adjustment, lang), adjustment)  # type: ignore[arg-type]
        assert not re.findall(r"\w+\[\d+\]|\w+\.\w+_\w+", text)


def test_a_trigger_waiting_period_line_gives_the_interruptions_length() -> None:
    """The SME policy's BI with a 12-hour `trigger` waiting period and an outage of 9.5 hours in two pieces (7
    hours, a gap, then 1.5 hours): the span the engine compared is 9.5 hours, and the whole interruption
    loss is taken."""
    data = policy_data("sme")
    data["coverages"][BI.value] = {**data["coverages"][BI.value], "waiting_period_mode": "trigger"}
    outages = [
        {"system": "erp", "start": "2026-09-02T02:00:00+08:00", "end": "2026-09-02T09:00:00+08:00"},
        {"system": "erp", "start": "2026-09-02T10:00:00+08:00", "end": "2026-09-02T11:30:00+08:00"},
    ]
    result = adjust(
        policy("sme", coverages=data["coverages"]), outages=outages, financials={"hourly_gross_profit": 1000}
    )
    (line,) = [x for x in result.statement if x.step == "waiting_period"]
    assert (line.amount_before, line.amount_after) == (Decimal("8500.00"), Decimal("0.00"))
    assert "停机共 9.5 小时" in line.text_zh and "lasted 9.5 hours" in line.text_en
    assert "等待期 12 小时" in line.cite_zh and "trigger" in line.cite_en

"""The report is a readable page with real pictures: rendered to PDF, then to an image, and looked at."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cyberins.assess import load_profile
from cyberins.catalog import get_catalog
from cyberins.claims import adjust_claim
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model
from cyberins.model.messages import texts
from cyberins.model.policy import Policy
from cyberins.pricing import quote_grid
from cyberins.pricing.subsidy import InsuredFacts, apply_subsidy, load_scheme
from cyberins.report import render_quote_html, render_statement_html, to_pdf
from cyberins.underwriting import QuoteOptions, underwrite
from tests.conftest import EXAMPLES

POLICY = EXAMPLES / "policies" / "sme-standalone-cny.yaml"
QUOTED_ON = date(2026, 6, 1)


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    profile = load_profile(EXAMPLES / "orgs" / "sme-manufacturer.yaml")
    return underwrite(profile, load_model(Policy, POLICY), QuoteOptions(years=4_000, seed=5, quoted_on=QUOTED_ON))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_has_every_section_and_its_charts(result, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = render_quote_html(result, lang)  # type: ignore[arg-type]
    sections = ("summary", "model", "premium", "grid", "adequacy", "controls", "appendix-rules", "appendix-factors")
    for section in sections:
        assert f'<section id="{section}"' in page
    assert page.count("<svg") == 5  # LEC, by event type, by coverage, limit adequacy, controls
    assert ("损失超越曲线" if lang == "zh" else "Loss exceedance") in page
    assert str(result.premium.premium.quantize(1)) in page.replace(",", "")


def _text(html: str) -> str:
    """The words a reader sees: no charts (their glyphs are paths), no tags."""
    body = re.sub(r"<svg.*?</svg>", " ", html[max(html.find("<body>"), 0) :], flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def _first_page(html: str) -> str:
    return _text(html[: html.index('<section id="model"')])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_one_answers_the_insureds_questions(result, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Who, for when, the cover schedule (every coverage with its sublimit, retention, waiting and indemnity
    period), the premium, the eligibility decision with what to fix, and the controls ranked by net benefit."""
    policy, cat = result.policy, get_catalog()
    page = _first_page(render_quote_html(result, lang))
    assert (result.profile.name_zh if lang == "zh" else result.profile.name) in page
    first = page.replace(",", "")
    assert policy.period.start.isoformat() in first and policy.period.end.isoformat() in first
    assert "2026-06-01" in first and "2026-07-01" in first  # quoted on, and valid for the basis's 30 days
    for cov, terms in policy.coverages.items():
        row = first[first.index(cat.label(f"coverage:{cov}", lang)) :]
        row = row[: row.index("\n")]  # the coverage's table row is one line of the page source
        assert f"{terms.sublimit:.2f}" in row and f"{terms.retention:.2f}" in row
        if terms.waiting_period_hours is not None:
            assert f"{terms.waiting_period_hours.normalize():f} {'小时' if lang == 'zh' else 'hours'}" in row
        if terms.indemnity_period_days is not None:
            assert f"{terms.indemnity_period_days.normalize():f} {'天' if lang == 'zh' else 'days'}" in row
    assert f"{policy.aggregate_limit:.2f}" in first
    assert f"{result.premium.premium:.2f}" in first  # the indicative premium of the declined SME
    assert result.remediated is not None and f"{result.remediated.premium.premium:.2f}" in first
    assert ("拒保" if lang == "zh" else "decline") in first
    # what to fix first: the three controls with the best net benefit, best first
    assert result.controls is not None
    best = sorted(result.controls.ranked, key=lambda c: -c.net_benefit)[:3]
    nets = [first.index(f"{c.net_benefit:.2f}") for c in best]
    assert nets == sorted(nets)


def test_the_wordings_own_row_carries_the_headline_premium(result) -> None:  # type: ignore[no-untyped-def]
    """The grid's options give every coverage one retention; the wording itself is a row of its own, with the
    headline premium, so no figure on the page contradicts another."""
    page = render_quote_html(result, "en")
    grid = _text(page[page.index('<section id="grid"') : page.index('<section id="adequacy"')]).replace(",", "")
    row = grid[grid.index("This wording") :].split("\n")[0]
    assert f"{result.premium.premium:.2f}" in row
    assert f"{result.premium.expected_loss:.2f}" in row


@pytest.mark.parametrize(("lang", "shown"), [("zh", "风险等级 5 级（高风险）"), ("en", "Risk grade 5 of 5 (high)")])
def test_page_one_shows_the_risk_grade_of_the_quotes_simulation(result, lang: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    """The declined example is grade 5 (docs/grading.md); its ratio is the quote's gross AAL over revenue."""
    grade = result.grade()
    assert grade.grade == 5 and grade.expected_loss == result.simulation.gross().aal
    page = " ".join(_first_page(render_quote_html(result, lang)).split())
    assert shown in page
    assert f"{grade.expected_loss_ratio * 100:.4f}%" in page


def _printed_text(box: Any) -> Iterator[str]:
    if type(box).__name__ == "TextBox":
        yield box.text
    for child in getattr(box, "children", ()):
        yield from _printed_text(child)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_one_holds_the_whole_summary_on_one_a4_page(result, lang: str) -> None:  # type: ignore[no-untyped-def]
    """WeasyPrint's own layout of what `to_pdf` prints: the summary ends on page 1 (its last note included),
    so page 2 opens with the loss model's heading rather than a stray line of page 1 (English is longer)."""
    from weasyprint import HTML

    pages = HTML(string=render_quote_html(result, lang)).render().pages  # type: ignore[arg-type]
    second = "".join(_printed_text(pages[1]._page_box))  # the public Page has no box tree; its layout is tested
    assert second.startswith(texts("report.quote", lang)["model"]), second[:120]


@pytest.fixture(scope="module")
def subsidised(result):  # type: ignore[no-untyped-def]
    """The same quote under the example subsidy scheme, whose cap binds (a reason the report shows)."""
    scheme = load_scheme(EXAMPLES / "subsidies" / "sme-cyber-subsidy-cny.yaml")
    p = result.profile
    facts = InsuredFacts(employees=p.employees, revenue=p.annual_revenue, industry=p.industry)
    return dataclasses.replace(result, subsidy=apply_subsidy(result.premium.premium, scheme, facts))


@pytest.fixture(scope="module")
def with_a_skipped_option(subsidised):  # type: ignore[no-untyped-def]
    """...and with an option the wording cannot take (a retention above the cyber-fraud sublimit), which the
    options section lists with the reason."""
    r = subsidised
    bad = quote_grid(r.model, r.policy, [Decimal(1_000_000)], [Decimal(600_000)], r.options.basis, years=1, seed=1)
    assert not bad.rows and bad.skipped
    return dataclasses.replace(r, grid=dataclasses.replace(r.grid, skipped=bad.skipped))


@pytest.mark.parametrize("variant", ["plain", "subsidised", "with_a_skipped_option"])
def test_a_zh_report_has_no_english_words_and_an_en_report_no_chinese(variant: str, request) -> None:  # type: ignore[no-untyped-def]
    """Beside names and codes (the policy number, currency codes, acronyms such as RDP or EDR, a file path,
    a field's path) and the cited sources' own titles, each report speaks one language, the subsidy's reasons
    and a skipped option's included."""
    result = request.getfixturevalue("result" if variant == "plain" else variant)
    if variant == "subsidised":
        assert result.subsidy.reasons_zh == ("补贴以每张保单 10000.00 CNY 为限",)
    zh = _text(re.sub(r'<ol class="small">.*?</ol>', " ", render_quote_html(result, "zh"), flags=re.S))
    zh = re.sub(r"coverages\.\w+", " ", zh.replace(result.policy.policy_number, " "))
    words = set(re.findall(r"[A-Za-z][A-Za-z./_-]*", zh))
    assert {w for w in words if not (w.isupper() or w in {"DDoS", "RDP/VPN", "docs/risk-model.md"})} == set()
    en = _text(re.sub(r'<ol class="small">.*?</ol>', " ", render_quote_html(result, "en"), flags=re.S))
    assert re.findall(r"[\u4e00-\u9fff]+", en) == []


def test_chart_axes_count_money_in_the_readers_units() -> None:
    from cyberins.report.charts import _money_axis

    assert _money_axis("zh")(4_000_000, 0) == "400万" and _money_axis("zh")(2e8, 0) == "2亿"
    assert _money_axis("en")(4_000_000, 0) == "4M"


def _png_pages(pdf: bytes, tmp_path: Path) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing: scripts/setup.sh installs poppler-utils")
    source = tmp_path / "page.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "p")], check=True)
    return sorted(tmp_path.glob("p-*.png"))


def _ink(png: Path) -> float:
    """Share of non-white pixels of a page image (matplotlib reads PNG without extra dependencies)."""
    import matplotlib.image

    pixels = matplotlib.image.imread(str(png))[..., :3]
    return float((pixels.mean(axis=2) < 0.9).mean())


def test_the_report_renders_to_images_with_drawn_charts(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pages = _png_pages(to_pdf(render_quote_html(result, "zh")), tmp_path)
    assert len(pages) >= 3
    inks = [_ink(p) for p in pages]
    assert all(ink > 0.005 for ink in inks)  # no blank page
    assert max(inks) > 0.03  # a chart page carries lines and bars, not only text


def test_the_settlement_statement_renders_to_an_image(tmp_path: Path) -> None:
    incident = load_model(Incident, EXAMPLES / "incidents" / "sme-ransomware-erp.yaml")
    page = render_statement_html(adjust_claim(incident, load_model(Policy, POLICY)), "zh")
    pages = _png_pages(to_pdf(page), tmp_path)
    assert pages and _ink(pages[0]) > 0.01

"""The report is a readable page with real pictures: rendered to PDF, then to an image, and looked at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cyberins.assess import load_profile
from cyberins.claims import adjust_claim
from cyberins.model.incident import Incident
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.report import render_quote_html, render_statement_html, to_pdf
from cyberins.underwriting import QuoteOptions, underwrite
from tests.conftest import EXAMPLES

POLICY = EXAMPLES / "policies" / "sme-standalone-cny.yaml"


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    profile = load_profile(EXAMPLES / "orgs" / "sme-manufacturer.yaml")
    return underwrite(profile, load_model(Policy, POLICY), QuoteOptions(years=4_000, seed=5))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_has_every_section_and_its_charts(result, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = render_quote_html(result, lang)  # type: ignore[arg-type]
    for section in ("summary", "eligibility", "model", "premium", "grid", "adequacy", "controls"):
        assert f'<section id="{section}">' in page
    assert page.count("<svg") == 5  # LEC, by event type, by coverage, limit adequacy, controls
    assert ("损失超越曲线" if lang == "zh" else "Loss exceedance") in page
    assert str(result.premium.premium.quantize(1)) in page.replace(",", "")


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

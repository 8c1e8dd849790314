"""The book page's reinsurance programme (issue 19): the insurer's form replaces it (CSRF, a stale version and a
bad treaty refused in the page, naming the field), the treaties table and the gross and net figures equal the
API's values in both languages, and the "net = gross" sentence shows only while no treaty is stored."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from cyberins.services.programmes import parse_programme
from cyberins.web import book_view
from tests.one_language import chinese_in, english_in
from tests.platform.world import World
from tests.web.conftest import csrf_of
from tests.web.test_pages import ids, value, visible_text

Browser = Callable[[str], TestClient]
Site = tuple[World, TestClient]

PROGRAMME = """reinsurance:
  - {id: qs, kind: quota_share, share: 0.4}
  - {id: cat, kind: cat_xl, attachment: 100000, limit: 500000, premium: 50000, reinstatements: [{rate: 1.0}]}
"""
QUERY = "years=1000&seed=3"


def version_on(html: str) -> str:
    match = re.search(r'name="version" value="([^"]*)"', html)
    assert match, "no programme form"
    return match.group(1)


def post(browser: TestClient, programme: str, version: str, token: str | None = None) -> httpx.Response:
    page = browser.get(f"/web/portfolio?{QUERY}").text
    data = {"csrf_token": token if token is not None else csrf_of(page), "currency": "CNY", "version": version,
            "programme": programme}  # fmt: skip
    return browser.post("/web/portfolio/programme", data=data)


def stored_version(site: Site) -> int:
    world, client = site
    version: int = client.get("/portfolio/programme?currency=CNY", headers=world.headers("insurer_a")).json()["version"]
    return version


def test_the_form_is_refused_without_csrf_a_stale_version_or_a_bad_treaty(site: Site, browser: Browser) -> None:
    insurer = browser("insurer_a")
    assert post(insurer, PROGRAMME, "0", token="0" * 64).status_code == 403
    bad = post(insurer, PROGRAMME.replace("share: 0.4", "share: 1.4"), "0")
    assert bad.status_code == 422
    assert 'data-field="reinsurance[0].share"' in bad.text
    stale = post(insurer, PROGRAMME, "3")
    assert stale.status_code == 409
    assert stored_version(site) == 0
    viewer = browser("insurer_a_viewer")
    assert 'data-testid="programme-form"' not in viewer.get(f"/web/portfolio?{QUERY}").text
    assert post(viewer, PROGRAMME, "0").status_code == 403
    assert stored_version(site) == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_shows_the_stored_programme_and_its_net_as_the_api(site: Site, browser: Browser, lang: str) -> None:
    world, client = site
    insurer = browser("insurer_a")
    before = insurer.get(f"/web/portfolio?{QUERY}").text
    if stored_version(site) == 0:
        assert 'data-testid="net-is-gross"' in before and 'data-testid="no-programme"' in before
        saved = post(insurer, PROGRAMME, version_on(before))
        assert saved.status_code == 303, saved.text
    api = client.get(f"/portfolio/accumulation?{QUERY}", headers=world.headers("insurer_a")).json()
    page = insurer.get(f"/web/portfolio?{QUERY}&lang={lang}").text
    assert ids(page, "treaty-row") == ["qs", "cat"] == [t["id"] for t in api["programme"]["reinsurance"]]
    curves = api["curves"]
    assert float(value(page, "gross-aal")) == curves["gross"]["aal"]
    assert float(value(page, "net-aal")) == curves["net"]["aal"] < curves["gross"]["aal"]
    shown = re.findall(r'data-testid="ceded-aal" data-id="([^"]+)" data-value="([^"]*)"', page)
    assert {k: float(v) for k, v in shown} == {k: c["aal"] for k, c in curves["ceded"].items()}
    assert float(value(page, "gross_aep")) == curves["gross"]["aep"][0][1]
    assert float(value(page, "net_oep")) == curves["net"]["oep"][0][1]
    assert 'data-testid="net-is-gross"' not in page and 'data-testid="no-programme"' not in page
    assert version_on(page) == "1"
    section = visible_text(page.split('data-testid="programme"')[1].split("<form")[0])
    assert not (english_in(section, ["CNY", "qs", "cat"]) if lang == "zh" else chinese_in(section))


def test_the_forms_yaml_reads_back_as_the_stored_programme() -> None:
    bond = {"id": "b", "trigger": "indemnity_annual_aggregate", "attachment": 1e6, "exhaustion": 5e6}
    stored = parse_programme({**yaml.safe_load(PROGRAMME), "ils": [bond]}).model_dump(mode="json")
    text = book_view.programme_yaml(stored)
    assert text.splitlines()[1].startswith("  - {id: qs, kind: quota_share")
    assert parse_programme(yaml.safe_load(text)).model_dump(mode="json") == stored
    rows = {r["id"]: r for r in book_view.programme_rows(stored)}
    assert rows["cat"]["reinstatements"] == 1 and rows["qs"]["share"] == 0.4
    assert rows["b"] == {"id": "b", "kind": "cat_bond", "attachment": 1e6, "limit": 4e6, "share": None,
                         "reinstatements": None}  # fmt: skip

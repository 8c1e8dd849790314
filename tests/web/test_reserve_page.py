"""The claims handler's case reserves and the full settlement statement (issue 20): the reserves panel shows the
API's reserve, incurred and history; the handler sets a reserve through its form (CSRF, the field named when
refused); the claimant sees no reserve; the statement page prints the stored settlement with the API's payable,
to whoever sees the claim and to nobody else."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cyberins.claims.reasons import label
from cyberins.model.messages import text
from tests.one_language import chinese_in, english_in
from tests.platform.world import World
from tests.web.conftest import csrf_of
from tests.web.test_browser import FINDINGS
from tests.web.test_pages import visible_text

Browser = Callable[[str], TestClient]
Site = tuple[World, TestClient]


def _api_reserves(site: Site, claim: str) -> dict[str, Any]:
    world, client = site
    body: dict[str, Any] = client.get(f"/incidents/{claim}/reserves", headers=world.headers("insurer_a")).json()
    return body


def _figure(page: str, testid: str) -> tuple[str, str]:
    match = re.search(rf'data-testid="{testid}" data-value="([^"]*)" data-currency="([^"]*)"', page)
    assert match, testid
    return match.group(1), match.group(2)


def _post_reserve(who: TestClient, claim: str, **data: str) -> Any:
    path = f"/web/claims/{claim}"
    return who.post(f"{path}/reserve", data={"csrf_token": csrf_of(who.get(path).text), **data})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refused_reserve_names_the_field_in_the_readers_language(site: Site, browser: Browser, lang: str) -> None:
    claim = site[0].ids["fresh_incident_a"]
    handler = browser("insurer_a_claims")
    handler.get(f"/web/claims/{claim}?lang={lang}")
    cases = [({}, "reserve_amount"), ({"reserve_amount": "250000"}, "reserve_reason"),
             ({"reserve_amount": "abc", "reserve_reason": "x"}, "reserve_amount")]  # fmt: skip
    for data, field in cases:
        refused = _post_reserve(handler, claim, **data)
        assert refused.status_code == 422, refused.text
        error = refused.text.split('data-testid="form-error"')[1].split(">", 1)[1].split("</div>")[0]
        assert re.findall(r'data-field="([^"]+)"', error) == [field]
        shown = html.unescape(visible_text(error))
        assert not (english_in(shown, [field, "abc"]) if lang == "zh" else chinese_in(shown))
    assert _api_reserves(site, claim)["history"] == []
    no_token = handler.post(f"/web/claims/{claim}/reserve", data={"reserve_amount": "1", "reserve_reason": "x"})
    assert no_token.status_code == 403 and _api_reserves(site, claim)["history"] == []


def test_the_handler_reserves_a_claim_and_the_page_shows_the_apis_figures(site: Site, browser: Browser) -> None:
    world, _ = site
    claim = world.ids["fresh_incident_a"]
    handler = browser("insurer_a_claims")
    done = _post_reserve(handler, claim, reserve_amount="250,000.10", reserve_reason="ERP down; forensics under way")
    assert done.status_code == 303 and done.headers["location"] == f"/web/claims/{claim}"
    api = _api_reserves(site, claim)
    assert (api["case_reserve"], api["incurred"]) == ("250000.10", "250000.10")
    for reader in ("insurer_a_claims", "insurer_a_viewer"):  # the viewer reads it, without the form
        page = browser(reader).get(f"/web/claims/{claim}").text
        assert _figure(page, "case-reserve") == (api["case_reserve"], "CNY")
        assert _figure(page, "incurred") == (api["incurred"], "CNY")
        rows = re.findall(r'data-testid="reserve-row" data-id="([^"]+)" data-seq="\d+" data-value="([^"]+)"', page)
        assert rows == [(r["id"], r["amount"]) for r in reversed(api["history"])]
        assert ('data-testid="reserve-form"' in page) is (reader == "insurer_a_claims")
    for party in ("insured_a", "broker_a"):  # the claimant's side sees the claim, not the insurer's reserve
        page = browser(party).get(f"/web/claims/{claim}").text
        assert 'data-testid="state"' in page
        assert 'data-testid="case-reserve"' not in page and 'data-testid="reserve-form"' not in page


@pytest.fixture(scope="module")
def settled(site: Site, browser: Browser) -> str:
    """Market A's claim with a reserve, taken through the forms to settlement."""
    world, _ = site
    claim = world.ids["fresh_incident_a"]
    path = f"/web/claims/{claim}"
    handler, responder = browser("insurer_a"), browser("responder_a")
    steps = [
        (handler, "assign", {"responder_org_id": world.org["responder_a"]}),
        (responder, "findings", {"findings": FINDINGS}),
        (handler, "reserve", {"reserve_reason": "estimate from the findings"}),
        (handler, "decide", {}), (handler, "adjust", {}), (handler, "settle", {"idempotency_key": "wc-settle"}),
    ]  # fmt: skip
    for who, step, data in steps:
        done = who.post(f"{path}/{step}", data={"csrf_token": csrf_of(who.get(path).text), **data})
        assert done.status_code == 303, (step, done.text)
    return claim


def test_after_settlement_the_reserve_is_the_payable_still_unpaid(site: Site, browser: Browser, settled: str) -> None:
    world, client = site
    incident = client.get(f"/incidents/{settled}", headers=world.headers("insurer_a")).json()
    api = _api_reserves(site, settled)
    assert api["case_reserve"] == incident["settled_amount"] and api["paid"] == incident["paid_amount"]
    # the handler's, the estimate from the findings, the adjusted payable (settling at that amount adds no row)
    assert [r["basis"] for r in api["history"]] == ["handler", "estimate", "adjusted"]
    page = browser("insurer_a").get(f"/web/claims/{settled}").text
    assert _figure(page, "case-reserve") == (api["case_reserve"], "CNY")
    assert 'data-testid="reserve-form"' not in page  # from adjustment on, the reserve follows the payable


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_full_statement_prints_the_stored_settlement(site: Site, browser: Browser, settled: str, lang: str) -> None:
    world, client = site
    incident = client.get(f"/incidents/{settled}", headers=world.headers("insurer_a")).json()
    settlement = incident["documents"]["settlement"]
    claim_page = browser("insurer_a").get(f"/web/claims/{settled}").text
    assert f'data-testid="statement-link" href="/web/claims/{settled}/statement"' in claim_page
    for party in ("insurer_a", "insured_a", "broker_a", "responder_a"):  # whoever sees the claim
        response = browser(party).get(f"/web/claims/{settled}/statement?lang={lang}")
        assert response.status_code == 200, (party, response.text)
        page = response.text
        assert _figure(page, "payable") == (incident["settled_amount"], "CNY")
        assert 'data-testid="user-email"' in page and f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
    doc = page.split('data-testid="settlement-statement"')[1]
    assert len(re.findall(r'<tbody class="line">', doc)) == len(settlement["statement"]) > 0
    shown = html.unescape(visible_text(doc))
    for line in settlement["statement"]:
        assert label("steps", line["step"]).in_lang(lang) in shown and line[f"text_{lang}"] in shown
    assert text("report.statement.title", lang) in shown
    assert not (english_in(shown, ["CNY", "GB/T", "T-A-0001"]) if lang == "zh" else chinese_in(shown))
    css = client.get("/static/statement.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "style=" not in doc and "<style" not in page  # nothing a strict style-src would block


def test_no_statement_before_settlement_nor_for_a_foreign_party(site: Site, browser: Browser, settled: str) -> None:
    world, _ = site
    for party in ("insurer_b", "insured_b", "law_firm"):
        page = browser(party).get(f"/web/claims/{settled}/statement")
        assert page.status_code == 404 and 'data-testid="settlement-statement"' not in page.text
    assert browser("insurer_b").get(f"/web/claims/{settled}/statement?format=pdf").status_code == 404
    printed = browser("insured_a").get(f"/web/claims/{settled}/statement?format=pdf")  # as `--pdf` prints it
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    unsettled = browser("insurer_b").get(f"/web/claims/{world.ids['fresh_incident_b']}/statement")
    assert unsettled.status_code == 404 and 'data-testid="refused"' in unsettled.text
    assert (
        'data-testid="statement-link"'
        not in browser("insurer_b").get(f"/web/claims/{world.ids['fresh_incident_b']}").text
    )

"""The claim page's third pass (issue 20): once settled, the statement's steps in the reader's language as the
stored statement holds them; the payments the API lists; the timeline drawn as an SVG beside its list."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

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


@pytest.fixture(scope="module")
def settled(site: Site, browser: Browser) -> str:
    """The world's fresh incident of market A taken through the forms to settlement, then paid in part."""
    world, client = site
    claim = world.ids["fresh_incident_a"]
    path = f"/web/claims/{claim}"
    handler, responder = browser("insurer_a"), browser("responder_a")
    token = csrf_of(handler.get(path).text)
    steps = [
        (handler, "assign", {"responder_org_id": world.org["responder_a"]}),
        (responder, "findings", {"findings": FINDINGS}),
        (handler, "decide", {}), (handler, "adjust", {}), (handler, "settle", {"idempotency_key": "w3-settle"}),
    ]  # fmt: skip
    for who, step, data in steps:
        own = token if who is handler else csrf_of(responder.get(path).text)
        done = who.post(f"{path}/{step}", data={"csrf_token": own, **data})
        assert done.status_code == 303, (step, done.text)
    paid = client.post(
        "/payments", json={"incident_id": claim, "amount": "1000.00", "currency": "CNY"},
        headers={**world.headers("insurer_a"), "Idempotency-Key": "w3-pay"},
    )  # fmt: skip
    assert paid.status_code in (200, 201), paid.text
    return claim


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_handler_reads_the_statement_payments_and_timeline(
    site: Site, browser: Browser, settled: str, lang: str
) -> None:
    world, client = site
    api = client.get(f"/incidents/{settled}", headers=world.headers("insurer_a")).json()
    lines = api["documents"]["settlement"]["statement"]
    page = browser("insurer_a").get(f"/web/claims/{settled}?lang={lang}").text
    rows = page.split('data-testid="statement"')[1].split("</section>")[0]
    assert len(re.findall(r'data-testid="statement-line"', rows)) == len(lines) > 0
    shown = visible_text(rows)
    for line in lines:
        assert label("steps", line["step"]).in_lang(lang) in shown
        assert line[f"cite_{lang}"] in shown
    assert not (english_in(shown, ["CNY"]) if lang == "zh" else chinese_in(shown))
    listed = client.get(f"/payments?incident_id={settled}", headers=world.headers("insurer_a")).json()["items"]
    assert re.findall(r'data-testid="payment-row" data-id="([^"]+)" data-value="([^"]+)"', page) == [
        (p["id"], p["amount"]) for p in listed
    ]
    assert sum(Decimal(p["amount"]) for p in listed) == Decimal(api["paid_amount"])
    points = re.findall(r'data-testid="timeline-point" data-key="([^"]+)" cx="([^"]+)"', page)
    keys = [k for k, _ in points]
    assert {"occurred", "discovered", "reported", "paid"} <= set(keys)
    assert [float(x) for _, x in points] == sorted(float(x) for _, x in points)  # in time order
    assert text("web.claim.paid", lang) in visible_text(page.split('class="timeline"')[1])  # the list too


def test_another_market_sees_none_of_it(browser: Browser, settled: str) -> None:
    page = browser("insurer_b").get(f"/web/claims/{settled}")
    assert page.status_code in (403, 404) and 'data-testid="payment-row"' not in page.text


def test_the_assign_form_offers_the_panels_incident_responders_only(site: Site, browser: Browser) -> None:
    # the claims service assigns incident responders only: a security service provider on the same panel is
    # not offered (choosing it would be refused)
    world, client = site
    reported = client.post(
        "/incidents",
        json={"policy_id": world.ids["policy_a"], "summary": "assign-form options",
              "occurred_at": "2026-08-14T00:00:00Z", "discovered_at": "2026-08-14T01:00:00Z"},
        headers=world.headers("insured_a"),
    )  # fmt: skip
    assert reported.status_code == 201, reported.text
    page = browser("insurer_a").get(f"/web/claims/{reported.json()['id']}").text
    select = page.split('name="responder_org_id"')[1].split("</select>")[0]
    offered = set(re.findall(r'value="([0-9a-f]{32})"', select))
    assert world.org["responder_a"] in offered
    assert world.org["ssp"] not in offered

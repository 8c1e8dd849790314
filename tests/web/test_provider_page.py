"""The service provider's and responder's dashboard (issue 20): its published services with their active
subscribers, the subscriptions to them with the subscriber's name, the incidents assigned to it and whether its
findings are in — each list and figure the API's for the same user, in one language at a time."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.one_language import chinese_in, english_in
from tests.platform.world import World
from tests.web.conftest import csrf_of
from tests.web.test_pages import visible_text

Browser = Callable[[str], TestClient]
Site = tuple[World, TestClient]


def rows(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}" data-id="([^"]+)"', html)


def values(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}" data-value="([^"]*)"', html)


@pytest.mark.parametrize("party", ["ssp", "law_firm", "responder_a", "adjuster"])
def test_the_provider_dashboard_lists_what_the_api_returns(site: Site, browser: Browser, party: str) -> None:
    world, client = site
    headers = world.headers(party)
    org = world.org[party]
    offers = client.get(f"/services?provider_org_id={org}&limit=200", headers=headers).json()["items"]
    subscriptions = client.get("/subscriptions?limit=200", headers=headers).json()["items"]
    incidents = client.get("/incidents?limit=200", headers=headers).json()["items"]
    html = browser(party).get("/?lang=en").text
    kind = client.get("/me", headers=headers).json()["organization"]["kind"]
    assert f'data-testid="dashboard" data-party="{kind}"' in html

    assert rows(html, "offer-row") == [o["id"] for o in offers]
    active = Counter(s["service_id"] for s in subscriptions if s["state"] == "active")
    assert values(html, "offer-subscribers") == [str(active[o["id"]]) for o in offers]
    assert values(html, "offer-price") == [o["price"] for o in offers if o["price"] is not None]

    assert rows(html, "subscription-row") == [s["id"] for s in subscriptions]
    for s in subscriptions:  # the subscriber as GET /organizations/{id} names it, the service as GET /services
        name = client.get(f"/organizations/{s['insured_org_id']}", headers=headers).json()["name"]
        row = re.search(rf'data-id="{s["id"]}"[^>]*>(.*?)</tr>', html, re.S)
        service = next(o["name"] for o in offers if o["id"] == s["service_id"])
        assert row and name in row.group(1) and service in row.group(1)

    assert rows(html, "claim-row") == [i["id"] for i in incidents]
    filed = [str(any(f["by"] == org for f in (i["documents"] or {}).get("forensics") or [])).lower() for i in incidents]
    assert values(html, "findings-in") == filed
    for i in incidents:
        assert f'href="/web/claims/{i["id"]}"' in html
    # nothing of the insured beyond its name: no policy, submission or another provider's subscriber
    assert 'data-testid="policy-row"' not in html and 'data-testid="submission-row"' not in html


def test_each_provider_sees_its_own_subscribers_only(site: Site, browser: Browser) -> None:
    world, _ = site
    ssp, law = browser("ssp").get("/?lang=en").text, browser("law_firm").get("/?lang=en").text
    assert set(rows(ssp, "subscription-row")) == {world.ids["subscription_a"], world.ids["subscription_b"]}
    assert rows(law, "subscription-row") == [world.ids["subscription_legal_b"]]
    assert "insured_a org" in ssp and "insured_a org" not in law
    responder = browser("responder_a").get("/?lang=en").text
    assert rows(responder, "claim-row") == [world.ids["incident_a"]] and values(responder, "findings-in") == ["true"]
    assert rows(responder, "subscription-row") == [] and "No insured holds your services yet" in responder


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_provider_dashboard_in_one_language(site: Site, browser: Browser, lang: str) -> None:
    world, _ = site
    for party in ("ssp", "responder_a"):
        shown = visible_text(browser(party).get(f"/?lang={lang}").text)
        if lang == "zh":
            names = ["English", "CNY", "MDR", world.email[party], f"{party} org", "insured_a org", "insured_b org"]
            names += ["ransomware a", "Web"]  # the publish form's control 「Web应用安全」: Web is a name
            assert not english_in(shown, names), (party, english_in(shown, names))
        else:
            assert chinese_in(shown) == ["中文"], (party, chinese_in(shown))


def test_a_provider_publishes_a_service_from_its_dashboard(site: Site, browser: Browser) -> None:
    world, client = site
    page = browser("adjuster")
    html = page.get("/?lang=en").text
    assert 'data-testid="publish-form"' in html
    controls = ["incident_response_plan", "business_continuity"]
    offer = {"name": "Forensic accounting", "category": "loss_adjustment", "description": "BI quantified",
             "price": "30000", "currency": "CNY", "controls": controls}  # fmt: skip
    assert page.post("/web/services", data=offer).status_code == 403  # no CSRF token: nothing changes
    blank = page.post("/web/services", data={**offer, "name": " ", "csrf_token": csrf_of(html)})
    assert blank.status_code == 422 and 'data-field="name"' in blank.text and 'value="30000"' in blank.text
    price = page.post("/web/services", data={**offer, "price": "3万", "csrf_token": csrf_of(html)})
    assert price.status_code == 422 and 'data-field="price"' in price.text
    headers = world.headers("adjuster")
    path = f"/services?provider_org_id={world.org['adjuster']}"
    assert client.get(path, headers=headers).json()["total"] == 0
    done = page.post("/web/services", data={**offer, "csrf_token": csrf_of(html)})
    assert done.status_code == 303 and done.headers["location"] == "/"
    [published] = client.get(path, headers=headers).json()["items"]
    assert (published["name"], published["category"], published["price"], published["currency"]) == (
        "Forensic accounting", "loss_adjustment", "30000.00", "CNY",
    )  # fmt: skip
    assert published["controls"] == controls
    assert rows(page.get("/").text, "offer-row") == [published["id"]]
    # a party that may not publish sees no form and is refused
    insured = browser("insured_a")
    shown = insured.get("/").text
    assert 'data-testid="publish-form"' not in shown
    assert insured.post("/web/services", data={**offer, "csrf_token": csrf_of(shown)}).status_code == 403

"""The pages over HTTP (contracts/web.md): access equals the API's, CSRF on every form, the session cookie's
flags and revocation, the headers, the language switch and figures equal to the API's values."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.one_language import chinese_in, english_in
from tests.platform.world import World
from tests.web.conftest import csrf_of

Browser = Callable[[str], TestClient]
Site = tuple[World, TestClient]

#: (page, the world's id of its object, the API path that answers for the same object)
OBJECT_PAGES = [
    ("/web/submissions/{}", "submission", "/submissions/{}"),
    ("/web/policies/{}", "policy", "/policies/{}"),
    ("/web/claims/{}", "incident", "/incidents/{}"),
]
USERS = ["insurer_a", "broker_a", "insured_a", "responder_a", "insurer_b", "broker_b", "insured_b", "law_firm"]


def ids(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}" data-id="([^"]+)"', html)


def value(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}" data-value="([^"]*)"', html)
    assert match, f"no {testid} on the page"
    return match.group(1)


def test_signed_out_pages_redirect_to_sign_in(site: Site) -> None:
    _, client = site
    for path in ("/", "/web/claims", "/web/policies/x?lang=en"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=/")
    assert client.get("/web/claims").headers["location"] == "/login?next=/web/claims"


@pytest.mark.parametrize("user", USERS)
def test_lists_show_exactly_the_api_ids(site: Site, browser: Browser, user: str) -> None:
    world, client = site
    for page, api, testid in (
        ("/web/submissions", "/submissions", "submission-row"),
        ("/web/policies", "/policies", "policy-row"),
        ("/web/claims", "/incidents", "claim-row"),
    ):
        expected = [row["id"] for row in client.get(api, headers=world.headers(user)).json()["items"]]
        assert ids(browser(user).get(page).text, testid) == expected, (user, page)


@pytest.mark.parametrize("user", USERS)
def test_object_pages_answer_as_the_api(site: Site, browser: Browser, user: str) -> None:
    world, client = site
    for market in ("a", "b"):
        for page, kind, api in OBJECT_PAGES:
            object_id = world.ids[f"{kind}_{market}"]
            api_status = client.get(api.format(object_id), headers=world.headers(user)).status_code
            response = browser(user).get(page.format(object_id))
            if api_status == 200:
                assert response.status_code == 200, (user, page)
                assert (
                    value(response.text, "state")
                    == client.get(api.format(object_id), headers=world.headers(user)).json()["state"]
                )
            else:
                assert response.status_code in (403, 404), (user, page, response.status_code)
                assert "data-value" not in response.text  # none of the object's figures
                assert f"ransomware {market}" not in response.text and f"T-{market.upper()}-0001" not in response.text


def test_figures_equal_the_api_values(site: Site, browser: Browser) -> None:
    world, client = site
    headers = world.headers("insurer_a")
    policy = client.get(f"/policies/{world.ids['policy_a']}", headers=headers).json()
    html = browser("insurer_a").get(f"/web/policies/{world.ids['policy_a']}").text
    assert value(html, "premium") == policy["premium"]
    assert value(html, "aggregate-limit") == policy["document"]["aggregate_limit"]
    assert value(html, "policy-number") == policy["policy_number"]
    for cover in policy["document"]["coverages"]:
        assert f'data-testid="coverage" data-id="{cover}"' in html
    incident = client.get(f"/incidents/{world.ids['incident_a']}", headers=headers).json()
    html = browser("insurer_a").get(f"/web/claims/{world.ids['incident_a']}").text
    assert value(html, "payable") == incident["settled_amount"]
    assert value(html, "paid") == incident["paid_amount"]
    assert "CNY 50,000.00" in html  # shown in full, with separators


def test_foreign_forms_are_refused_and_change_nothing(site: Site, browser: Browser) -> None:
    world, client = site
    other = browser("insurer_b")
    token = csrf_of(other.get("/").text)
    before = client.get(f"/incidents/{world.ids['fresh_incident_a']}", headers=world.headers("insurer_a")).json()
    response = other.post(f"/web/claims/{world.ids['fresh_incident_a']}/decide", data={"csrf_token": token})
    assert response.status_code == 404
    after = client.get(f"/incidents/{world.ids['fresh_incident_a']}", headers=world.headers("insurer_a")).json()
    assert after["version"] == before["version"]


def test_forms_without_a_right_csrf_token_are_refused(site: Site, browser: Browser) -> None:
    world, _ = site
    page = browser("insurer_a")
    path = f"/web/claims/{world.ids['fresh_incident_a']}/assign"
    for data in ({}, {"csrf_token": "0" * 64}, {"csrf_token": csrf_of(browser("insurer_b").get("/").text)}):
        assert page.post(path, data={**data, "responder_org_id": world.org["responder_a"]}).status_code == 403
    assert page.post("/logout", data={}).status_code == 403
    assert page.get("/").status_code == 200  # still signed in


def test_login_needs_its_csrf_token_and_says_one_thing_for_any_failure(site: Site) -> None:
    world, client = site
    fresh = TestClient(client.app, follow_redirects=False)
    form = fresh.get("/login")
    assert form.cookies.get("cyberins_login")
    email = world.email["insured_a"]
    assert fresh.post("/login", data={"email": email, "password": "x"}).status_code == 403
    token = csrf_of(form.text)
    wrong = fresh.post("/login", data={"email": email, "password": "wrong", "csrf_token": token})
    unknown = fresh.post("/login", data={"email": "nobody@x.example", "password": "wrong", "csrf_token": token})
    assert 'data-testid="login-error"' in wrong.text and 'data-testid="login-error"' in unknown.text
    message = re.compile(r'data-testid="login-error"[^>]*>([^<]+)<')
    assert message.findall(wrong.text) == message.findall(unknown.text)


def test_session_cookie_flags_revocation_and_the_api_refusing_it(site: Site) -> None:
    world, client = site
    own = TestClient(client.app, follow_redirects=False)
    token = csrf_of(own.get("/login").text)
    response = own.post(
        "/login", data={"email": world.email["broker_a"], "password": "correct horse battery staple",
                        "csrf_token": token, "next": "/web/policies"},
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/web/policies"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("cyberins_session="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    raw = own.cookies["cyberins_session"]
    cookie_only = TestClient(client.app, follow_redirects=False, cookies={"cyberins_session": raw})
    assert cookie_only.get("/me").status_code == 401
    assert cookie_only.get("/").status_code == 200  # the same cookie does sign the pages in
    assert own.post("/logout", data={"csrf_token": csrf_of(own.get("/").text)}).status_code == 303
    replay = TestClient(client.app, follow_redirects=False, cookies={"cyberins_session": raw})
    assert replay.get("/").status_code == 303


def test_cookies_are_secure_over_tls(site: Site) -> None:
    world, client = site
    tls = TestClient(client.app, base_url="https://testserver", follow_redirects=False)
    form = tls.get("/login")
    assert "Secure" in form.headers["set-cookie"]
    response = sign_in_response(tls, world.email["insured_b"], csrf_of(form.text))
    assert "Secure" in response.headers["set-cookie"]


def sign_in_response(client: TestClient, email: str, token: str) -> object:
    return client.post("/login", data={"email": email, "password": "correct horse battery staple", "csrf_token": token})


def test_next_never_leaves_the_site(site: Site) -> None:
    world, client = site
    other = TestClient(client.app, follow_redirects=False)
    token = csrf_of(other.get("/login").text)
    data = {"email": world.email["insured_b"], "password": "correct horse battery staple", "csrf_token": token}
    assert other.post("/login", data={**data, "next": "//evil.example/x"}).headers["location"] == "/"


def test_headers_on_every_page(site: Site, browser: Browser) -> None:
    _, client = site
    for response in (client.get("/login"), browser("insured_a").get("/"), browser("insured_a").get("/web/claims")):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0] and "*" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"]
        assert "<script>" not in response.text and " style=" not in response.text  # nothing inline
        assert "http://" not in response.text and "https://" not in response.text  # nothing from elsewhere
    assert client.get("/static/htmx.min.js").status_code == 200
    assert all(not p.startswith(("/login", "/web", "/logout")) for p in client.get("/openapi.json").json()["paths"])


def test_language_query_cookie_and_default(site: Site, browser: Browser) -> None:
    _, client = site
    assert '<html lang="zh-CN">' in client.get("/login").text
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    page = browser("insured_a")
    english = page.get("/?lang=en")
    assert '<html lang="en">' in english.text and "lang=en" in english.headers["set-cookie"]
    assert '<html lang="en">' in page.get("/web/policies").text  # remembered
    assert '<html lang="zh-CN">' in page.get("/web/policies?lang=zh").text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_in_one_language(site: Site, browser: Browser, lang: str) -> None:
    world, _ = site
    page = browser("insurer_a")
    paths = ["/", "/web/claims", f"/web/policies/{world.ids['policy_a']}", f"/web/claims/{world.ids['incident_a']}"]
    for path in paths:
        shown = visible_text(page.get(f"{path}?lang={lang}").text)
        if lang == "zh":
            names = ["English", "CNY", world.email["insurer_a"], "insurer_a org", "insured_a org", "responder_a org"]
            names += ["ransomware a", "phishing a", "T-A-0001"]
            assert not english_in(shown, names), (path, english_in(shown, names))
        else:
            assert chinese_in(shown) == ["中文"], (path, chinese_in(shown))


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: no tags, attributes or scripts."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_a_bad_form_is_answered_in_the_page_naming_the_field(site: Site, browser: Browser) -> None:
    world, client = site
    page = browser("broker_a")
    token = csrf_of(page.get("/web/submissions/new").text)
    data = {"csrf_token": token, "insurer_org_id": world.org["insurer_a"], "insured_org_id": world.org["insured_a"]}
    before = client.get("/submissions", headers=world.headers("broker_a")).json()["total"]
    response = page.post("/web/submissions/new", data={**data, "profile": "name: X\nemployees: many\n"})
    assert response.status_code == 422
    assert 'data-testid="form-error"' in response.text and 'data-field="profile.' in response.text
    assert "Traceback" not in response.text
    assert client.get("/submissions", headers=world.headers("broker_a")).json()["total"] == before
    created = page.post(
        "/web/submissions/new",
        data={**data, "profile": "name: X\nindustry: retail\nannual_revenue: 1000000\nemployees: 10\n"},
    )
    assert created.status_code == 303 and created.headers["location"].startswith("/web/submissions/")


def test_alerts_and_portfolio_follow_the_api(site: Site, browser: Browser) -> None:
    world, client = site
    assert browser("insured_a").get("/web/alerts").status_code == 200
    assert browser("insured_a").get(f"/web/alerts?insured={world.org['insured_b']}").status_code == 404
    api = client.get("/portfolio/accumulation", headers=world.headers("insurer_a"))
    html = browser("insurer_a").get("/web/portfolio?years=100")  # few years: the curves are not what it checks
    assert html.status_code == 200
    assert ids(html.text, "dependency-row") == [d["dependency"] for d in api.json()["by_dependency"]]
    assert browser("insured_a").get("/web/portfolio").status_code == 403


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_forms_own_refusals_read_in_the_pages_language(site: Site, browser: Browser, lang: str) -> None:
    # the page forms' own checks (a moment typed in another shape, an empty summary) in the page's language
    world, client = site
    page = browser("insured_a")
    path = f"/web/policies/{world.ids['policy_a']}"
    token = csrf_of(page.get(f"{path}?lang={lang}").text)
    before = client.get("/incidents", headers=world.headers("insured_a")).json()["total"]
    for data, field in (
        ({"summary": "x", "occurred_at": "14/08/2026 09:30", "discovered_at": "2026-08-14T10:00"}, "occurred_at"),
        ({"summary": " ", "occurred_at": "2026-08-14T09:30", "discovered_at": "2026-08-14T10:00"}, "summary"),
    ):
        response = page.post(f"{path}/report", data={"csrf_token": token, "event_types": ["ransomware"], **data})
        assert response.status_code == 422, response.text
        error = response.text.split('data-testid="form-error" role="alert">')[1].split("</div>")[0]
        assert f'data-field="{field}"' in error
        shown = visible_text(error).replace(field, "")  # the field's name is the form's, in both languages
        stray = english_in(shown) if lang == "zh" else chinese_in(shown)
        assert not stray, shown
    assert client.get("/incidents", headers=world.headers("insured_a")).json()["total"] == before

"""The pages in a real browser (contracts/web.md): Debian's Chromium driven by Playwright for Python, launched
exactly as the contract says, against one uvicorn serving the demo world for the whole module."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from cyberins.api import create_app
from cyberins.services.demo import seed_demo
from cyberins.services.queue import ThreadQueue
from tests.one_language import chinese_in, english_in
from tests.platform.conftest import fresh_database, migrated, sessions_for, settings_for

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (scripts/setup.sh installs it)"
)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
FINDINGS = """event_types: [ransomware]
root_cause: {kind: phishing}
costs:
  - {category: forensics, amount: 68000, insurer_consent: true}
  - {category: restoration, amount: 96000, insurer_consent: true}
"""


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo world served by uvicorn in a thread: its base URL, the demo users and their password."""
    import uvicorn

    with fresh_database(tmp_path_factory.mktemp("browser")) as url, migrated(url) as engine:
        with sessions_for(engine, url)() as session:
            report = seed_demo(session, EXAMPLES / "policies")
        port = free_port()
        queue = ThreadQueue()  # as `cyberins serve` without Redis: the assessment runs while its page polls
        app = create_app(settings_for(url), queue=queue)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        users = {(kind, role): email for _, kind, email, role, _ in report.users}
        try:
            yield {"base": f"http://127.0.0.1:{port}", "users": users, "password": report.password, "queue": queue}
        finally:
            server.should_exit = True
            thread.join(10)
            queue.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def signed_in(chromium: Any, site: dict[str, Any], kind: str, role: str, *, width: int = 1280) -> Any:
    page = chromium.new_context(viewport={"width": width, "height": 900}).new_page()
    page.violations = []
    page.on("console", lambda m: page.violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(site["base"] + "/login")
    page.fill("input[name=email]", site["users"][(kind, role)])
    page.fill("input[name=password]", site["password"])
    page.click("form[data-testid=login-form] button")
    page.wait_for_selector("[data-testid=dashboard]")
    return page


def api(site: dict[str, Any], kind: str, role: str, path: str) -> Any:
    """The JSON API's answer to GET `path` for the demo user of (kind, role)."""
    with httpx.Client(base_url=site["base"]) as client:
        user = {"username": site["users"][(kind, role)], "password": site["password"]}
        token = client.post("/auth/token", data=user).json()["access_token"]
        return client.get(path, headers={"Authorization": f"Bearer {token}"}).json()


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


PARTIES = [
    ("insured", "admin"), ("broker", "admin"), ("insurer", "underwriter"), ("insurer", "claims_handler"),
    ("incident_responder", "admin"), ("insurer", "admin"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "role"), PARTIES)
def test_each_demo_party_signs_in_to_its_dashboard(
    chromium: Any, demo_site: dict[str, Any], kind: str, role: str
) -> None:
    page = signed_in(chromium, demo_site, kind, role, width=390)
    board = page.locator("[data-testid=dashboard]")
    assert board.get_attribute("data-party") == kind and board.get_attribute("data-role") == role
    assert page.text_content("[data-testid=user-email]") == demo_site["users"][(kind, role)]
    assert no_horizontal_scroll(page)
    for lang in ("zh", "en"):
        page.goto(f"{demo_site['base']}/?lang={lang}")
        shown = page.inner_text("main")
        if lang == "zh":
            # names: links, the heading and what a page marks as one (offers, subscribers)
            names = {t for t in page.locator("main a, main h1, main .name").all_inner_texts()} | {"CNY", "USD"}
            assert not english_in(shown, names), english_in(shown, names)
        else:
            assert not chinese_in(shown)
    assert page.violations == []
    page.context.close()


def test_underwriting_then_claim_flow_through_the_forms(chromium: Any, demo_site: dict[str, Any]) -> None:
    base = demo_site["base"]
    broker = signed_in(chromium, demo_site, "broker", "admin")
    broker.goto(base + "/web/submissions/new?lang=en")
    broker.select_option("select[name=insurer_org_id]", label="Example Cyber Insurance Co., Ltd.")
    broker.select_option("select[name=insured_org_id]", label="Example Logistics Co., Ltd.")
    broker.click("form[data-testid=submission-form] button")
    broker.wait_for_url("**/web/submissions/*")
    submission = broker.url.rsplit("/", 1)[1]
    assert broker.get_attribute("[data-testid=state]", "data-value") == "submitted"

    uw = signed_in(chromium, demo_site, "insurer", "underwriter")
    uw.goto(f"{base}/web/submissions/{submission}")
    uw.fill("form[data-testid=assess-form] input[name=years]", "1000")
    uw.click("form[data-testid=assess-form] button")
    uw.wait_for_selector("form[data-testid=quote-form]")
    wording = uw.input_value("textarea[name=document]")
    uw.fill("textarea[name=document]", wording.replace("aggregate_limit: '2000000'", "aggregate_limit: lots"))
    uw.click("form[data-testid=quote-form] button")  # refused: the page says so and names the field
    assert "document.aggregate_limit" in uw.text_content("[data-testid=form-error]")
    uw.fill("textarea[name=document]", wording)
    uw.click("form[data-testid=quote-form] button")
    uw.wait_for_selector("form[data-testid=bind-form]")
    truth = api(demo_site, "insurer", "underwriter", f"/submissions/{submission}")
    assert (
        uw.get_attribute("[data-testid=expected-loss]", "data-value") == truth["assessment"]["summary"]["gross"]["aal"]
    )
    assert (
        uw.get_attribute("[data-testid=eligibility]", "data-value")
        == truth["assessment"]["summary"]["eligibility"]["outcome"]
    )
    assert uw.get_attribute("[data-testid=premium]", "data-value") == truth["quote"]["premium"]
    uw.fill("form[data-testid=bind-form] input[name=policy_number]", "CY-WEB-2026-0001")
    uw.click("form[data-testid=bind-form] button")
    uw.wait_for_url("**/web/policies/*")
    policy = api(demo_site, "insurer", "underwriter", f"/policies/{uw.url.rsplit('/', 1)[1]}")
    assert uw.get_attribute("[data-testid=premium]", "data-value") == policy["premium"]
    assert uw.get_attribute("[data-testid=aggregate-limit]", "data-value") == policy["document"]["aggregate_limit"]
    assert no_horizontal_scroll(uw)

    # the claim: the SME insured reports on its policy, the handler assigns, the responder uploads findings
    insured = signed_in(chromium, demo_site, "insured", "admin")
    insured.goto(base + "/web/policies")
    insured.click("[data-testid=policy-row] a")
    # The quote form's wording starts the policy on the submission's (UTC) day, read in Shanghai: an hour or two
    # ago is always inside the period, where a day ago is before it whenever UTC and Shanghai share the date.
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    insured.fill("textarea[name=summary]", "勒索软件加密了文件服务器")
    insured.fill("input[name=occurred_at]", (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    insured.fill("input[name=discovered_at]", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    insured.check("input[name=event_types][value=ransomware]")
    insured.click("form[data-testid=report-form] button")
    insured.wait_for_url("**/web/claims/*")
    claim = insured.url.rsplit("/", 1)[1]

    handler = signed_in(chromium, demo_site, "insurer", "claims_handler")
    handler.goto(f"{base}/web/claims/{claim}")
    handler.select_option("select[name=responder_org_id]", label="Example Incident Response Team Ltd.")
    handler.click("form[data-testid=assign-form] button")
    handler.wait_for_selector("[data-testid=state][data-value=responder_assigned]")
    responder = signed_in(chromium, demo_site, "incident_responder", "admin")
    responder.goto(f"{base}/web/claims/{claim}")
    responder.fill("textarea[name=findings]", FINDINGS)
    responder.click("form[data-testid=findings-form] button")
    responder.wait_for_selector("[data-testid=state][data-value=forensics_submitted]")
    for step, state in (("decide", "coverage_decided"), ("adjust", "loss_adjusted"), ("settle", "settled")):
        handler.goto(f"{base}/web/claims/{claim}")
        handler.click(f"form[data-testid={step}-form] button")
        handler.wait_for_selector(f"[data-testid=state][data-value={state}]")
    truth = api(demo_site, "insurer", "claims_handler", f"/incidents/{claim}")
    assert (
        handler.get_attribute("[data-testid=adjusted-loss]", "data-value")
        == truth["documents"]["adjustment"]["adjusted_loss"]
    )
    assert handler.get_attribute("[data-testid=payable]", "data-value") == truth["settled_amount"]
    assert handler.get_attribute("[data-testid=paid]", "data-value") == truth["paid_amount"]
    for page in (broker, uw, insured, handler, responder):
        assert page.violations == []
        page.context.close()


def test_a_foreign_party_cannot_reach_the_pages(chromium: Any, demo_site: dict[str, Any]) -> None:
    policy = api(demo_site, "insurer", "admin", "/policies")["items"][0]["id"]
    page = signed_in(chromium, demo_site, "incident_responder", "admin")
    response = page.goto(f"{demo_site['base']}/web/policies/{policy}")
    assert response is not None and response.status == 404
    assert page.locator("[data-testid=premium]").count() == 0
    page.context.close()


def test_object_pages_fit_a_phone(chromium: Any, demo_site: dict[str, Any]) -> None:
    page = signed_in(chromium, demo_site, "insurer", "claims_handler", width=390)
    for listed, row in (("submissions", "submission-row"), ("policies", "policy-row"), ("claims", "claim-row")):
        for lang in ("zh", "en"):
            page.goto(f"{demo_site['base']}/web/{listed}?lang={lang}")
            page.click(f"[data-testid={row}] a >> nth=0")
            page.wait_for_selector("[data-testid=state]")
            assert no_horizontal_scroll(page), (listed, lang)
    assert page.violations == []
    page.context.close()


def test_the_assessment_shows_its_progress_then_the_tiers_compare_side_by_side(
    chromium: Any, demo_site: dict[str, Any]
) -> None:
    base = demo_site["base"]
    broker = signed_in(chromium, demo_site, "broker", "admin")
    broker.goto(base + "/web/submissions/new?lang=en")
    broker.select_option("select[name=insurer_org_id]", label="Example Cyber Insurance Co., Ltd.")
    broker.select_option("select[name=insured_org_id]", label="Example Logistics Co., Ltd.")
    broker.click("form[data-testid=submission-form] button")
    broker.wait_for_url("**/web/submissions/*")
    path = "/web/submissions/" + broker.url.rsplit("/", 1)[1]

    uw = signed_in(chromium, demo_site, "insurer", "underwriter")
    uw.goto(base + path)
    gate = threading.Event()  # the queue's one worker held busy: the page meets the assessment queued
    demo_site["queue"].enqueue("test", gate.wait, 60)
    try:
        uw.fill("form[data-testid=assess-form] input[name=years]", "1000")
        uw.click("form[data-testid=assess-form] button")
        bar = uw.wait_for_selector("[data-testid=progress] progress")
        assert bar.is_visible() and uw.locator("form[data-testid=assess-form]").count() == 0
        assert uw.get_attribute("[data-testid=progress]", "data-status") == "queued"
    finally:
        gate.set()
    uw.wait_for_selector("form[data-testid=quote-form]")  # polled every second until done, then the result
    assert uw.locator("[data-testid=progress]").count() == 0
    sub = path.rsplit("/", 1)[1]
    summary = api(demo_site, "insurer", "underwriter", f"/submissions/{sub}")["assessment"]["summary"]
    assert uw.get_attribute("[data-testid=expected-loss]", "data-value") == summary["gross"]["aal"]

    uw.click("form[data-testid=quote-form] summary")
    uw.fill("textarea[name=tiers]", "增强档：多因素认证、离线备份\nFull guard: EDR, offline backups, MFA")
    uw.click("form[data-testid=quote-form] button")
    uw.wait_for_selector("[data-testid=tier-comparison]")
    quote = api(demo_site, "insurer", "underwriter", f"/submissions/{sub}")["quote"]
    premiums = uw.locator("[data-testid=tier-premium]")
    assert [premiums.nth(i).get_attribute("data-value") for i in range(premiums.count())] == [
        c["premium"] for c in quote["details"]["tiers"]
    ]
    assert premiums.nth(0).get_attribute("data-value") == quote["premium"]
    phone = signed_in(chromium, demo_site, "broker", "admin", width=390)
    for lang in ("zh", "en"):
        phone.goto(f"{base}{path}?lang={lang}")
        table = phone.locator("[data-testid=tier-comparison]")
        assert no_horizontal_scroll(phone), lang  # the table scrolls inside its own box
        box = table.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        shown = table.inner_text()
        if lang == "zh":
            assert not english_in(shown, {"CNY", "Full guard"}), english_in(shown, {"CNY", "Full guard"})
        else:
            assert chinese_in(shown) == ["增强档"]  # the tier's name as the broker typed it
    for page in (broker, uw, phone):
        assert page.violations == []
        page.context.close()


def test_the_book_page_shows_its_table_then_its_curves_when_simulated(chromium: Any, demo_site: dict[str, Any]) -> None:
    base, query = demo_site["base"], "years=1000&seed=21"
    admin = signed_in(chromium, demo_site, "insurer", "admin")
    gate = threading.Event()  # the queue's one worker held busy: the page meets the curves queued
    demo_site["queue"].enqueue("test", gate.wait, 60)
    try:
        admin.goto(f"{base}/web/portfolio?{query}&lang=en")
        assert admin.locator("[data-testid=dependency-row]").count() > 0  # the table at once
        assert admin.wait_for_selector("[data-testid=progress] progress").is_visible()
        assert admin.get_attribute("[data-testid=progress]", "data-status") == "queued"
        assert admin.locator("[data-testid=curves]").count() == 0
    finally:
        gate.set()
    admin.wait_for_selector("[data-testid=curves]")  # polled every second until done, then the page again
    assert admin.locator("[data-testid=progress]").count() == 0 and admin.violations == []
    book = api(demo_site, "insurer", "admin", f"/portfolio/accumulation?{query}")
    assert float(admin.get_attribute("[data-testid=gross-aal]", "data-value")) == book["curves"]["gross"]["aal"]
    admin.context.close()


DECLINED = """name: Exposed Trading Co., Ltd.
industry: retail
annual_revenue: "80000000"
employees: 200
controls:
  mfa: false
exposure:
  rdp_exposed: true
"""


def test_a_declined_risk_once_fixed_fits_a_phone(chromium: Any, demo_site: dict[str, Any]) -> None:
    """A declined submission's "once fixed" (steps, eligibility after, premium once fixed) on a 390 px phone, in
    each language: no sideways scroll, one script, the API's premium, no CSP violation."""
    base = demo_site["base"]
    broker = signed_in(chromium, demo_site, "broker", "admin")
    broker.goto(base + "/web/submissions/new?lang=en")
    broker.select_option("select[name=insurer_org_id]", label="Example Cyber Insurance Co., Ltd.")
    broker.select_option("select[name=insured_org_id]", label="Example Logistics Co., Ltd.")
    broker.fill("textarea[name=profile]", DECLINED)
    broker.click("form[data-testid=submission-form] button")
    broker.wait_for_url("**/web/submissions/*")
    path = "/web/submissions/" + broker.url.rsplit("/", 1)[1]
    uw = signed_in(chromium, demo_site, "insurer", "underwriter", width=390)
    uw.goto(base + path)
    uw.fill("form[data-testid=assess-form] input[name=years]", "1000")
    uw.click("form[data-testid=assess-form] button")
    uw.wait_for_selector("[data-testid=once-fixed]")
    summary = api(demo_site, "insurer", "underwriter", f"/submissions/{path.rsplit('/', 1)[1]}")["assessment"]
    fixed = summary["summary"]["once_fixed"]
    for lang in ("zh", "en"):
        uw.goto(f"{base}{path}?lang={lang}")
        premium = uw.locator("[data-testid=premium-once-fixed]")
        assert premium.get_attribute("data-value") == fixed["premium_once_fixed"]["technical_premium"]
        assert premium.is_visible() and no_horizontal_scroll(uw), lang
        box = uw.locator("[data-testid=once-fixed]").bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        shown = uw.inner_text("[data-testid=once-fixed]")
        if lang == "zh":
            assert not english_in(shown, {"CNY"}), english_in(shown, {"CNY"})
        else:
            assert not chinese_in(shown)
    for page in (broker, uw):
        assert page.violations == []
        page.context.close()

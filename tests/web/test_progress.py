"""A long simulation shows its progress (issue 20): the assess form queues the assessment as a job and answers
303 to the submission's page, which draws a progress bar polled with htmx until the job ends, then shows the
result; only those who may see the submission may follow it; the queue keeps each job's progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from cyberins.services import assessment
from cyberins.services.queue import InProcessQueue, JobHandle, ThreadQueue, report_progress
from tests.one_language import chinese_in, english_in
from tests.platform.world import World
from tests.web.conftest import csrf_of
from tests.web.test_pages import USERS, value, visible_text
from tests.web.test_risk_pages import PROFILE, token_of
from tests.web.test_tiers import SCHEME, wording_of

Browser = Callable[[str], TestClient]
Site = tuple[World, TestClient]


def counting(steps: int) -> str:
    for n in range(1, steps + 1):
        report_progress(n, steps)
    return "counted"


def test_each_queue_keeps_the_progress_its_job_reports() -> None:
    done = InProcessQueue().enqueue("org", counting, 3, subject="sub")
    assert (done.status, done.result, done.progress, done.subject) == ("finished", "counted", (3, 3), "sub")
    queue, gate = ThreadQueue(), threading.Event()
    try:
        blocker = queue.enqueue("org", gate.wait, 30)
        waiting = queue.enqueue("org", counting, 4)
        assert queue.fetch(waiting.id).status == "queued"  # one job at a time: it waits for the first
        gate.set()
        assert finished(queue, waiting).progress == (4, 4) and finished(queue, blocker).result is True
    finally:
        queue.close()
    report_progress(1, 2)  # outside a job it goes nowhere


def finished(queue: InProcessQueue, handle: JobHandle, wait_s: float = 60) -> JobHandle:
    deadline = time.monotonic() + wait_s
    while (now := queue.fetch(handle.id)).status in ("queued", "started"):
        assert time.monotonic() < deadline, f"{handle.id} still {now.status}"
        time.sleep(0.05)
    return now


def test_the_assessment_reports_its_years_as_it_simulates(site: Site, browser: Browser) -> None:
    world, client = site
    underwriter = browser("insurer_a")
    path = submitted(world, browser)
    heard: list[tuple[int, int]] = []
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        assessment.assess_submission(
            session, world.principal["insurer_a"], path.rsplit("/", 1)[1], seed=3, years=70_000,
            progress=lambda done, total: heard.append((done, total)),
        )  # fmt: skip
    assert heard == [(0, 70_000), (65_536, 70_000), (70_000, 70_000)]  # once chosen, then after each block
    assert value(underwriter.get(path).text, "state") == "assessed"


def submitted(world: World, browser: Browser) -> str:
    broker = browser("broker_a")
    created = broker.post(
        "/web/submissions/new",
        data={"csrf_token": token_of(broker), "insurer_org_id": world.org["insurer_a"],
              "insured_org_id": world.org["insured_a"], "profile": PROFILE.replace("Graded", "Patient")},
    )  # fmt: skip
    assert created.status_code == 303, created.text
    return str(created.headers["location"])


@pytest.fixture
def threaded(site: Site, browser: Browser) -> Iterator[tuple[ThreadQueue, threading.Event]]:
    """The app's queue made a `ThreadQueue` (as `cyberins serve` without Redis) whose worker is held busy by a
    first job until the test sets the event, so the page meets the assessment still queued."""
    world, client = site
    for user in USERS:  # each user's client first: opening one runs the app's lifespan, which sets its queue
        browser(user)
    app = client.app
    before, queue, gate = app.state.queue, ThreadQueue(), threading.Event()  # type: ignore[attr-defined]
    app.state.queue = queue  # type: ignore[attr-defined]
    queue.enqueue("test", gate.wait, 60)
    try:
        yield queue, gate
    finally:
        gate.set()
        queue.close()
        app.state.queue = before  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_follows_the_assessment_until_it_ends(
    site: Site, browser: Browser, threaded: tuple[ThreadQueue, threading.Event], lang: str
) -> None:
    world, _ = site
    queue, gate = threaded
    underwriter = browser("insurer_a")
    path = submitted(world, browser)
    token = csrf_of(underwriter.get(path).text)
    started = underwriter.post(f"{path}/assess", data={"csrf_token": token, "seed": "4", "years": "1000"})
    assert started.status_code == 303
    location = started.headers["location"]
    assert location.startswith(f"{path}?job=")
    job = location.split("job=")[1]
    page = underwriter.get(f"{location}&lang={lang}").text
    assert 'data-testid="progress"' in page and 'data-testid="assess-form"' not in page
    assert f'hx-get="{path}/progress?job={job}"' in page and 'hx-trigger="every 1s"' in page
    shown = visible_text(page.split('data-testid="progress"')[1].split(">", 1)[1].split("</section>")[0])
    assert not (english_in(shown) if lang == "zh" else chinese_in(shown)), shown
    # who may see the submission may follow it (its broker, say); who may not (another market) gets 404
    seen = {user: browser(user).get(path).status_code for user in USERS}
    assert seen["broker_a"] == 200 and seen["insurer_b"] == seen["broker_b"] == 404
    for user, status in seen.items():
        fragment = browser(user).get(f"{path}/progress?job={job}")
        assert fragment.status_code == status, user
        assert ('data-status="queued"' in fragment.text) == (status == 200) and "HX-Redirect" not in fragment.headers
    other = submitted(world, browser)
    assert underwriter.get(f"{other}/progress?job={job}").status_code == 404  # the job is not that one's
    gate.set()
    finished(queue, queue.fetch(job))
    ended = underwriter.get(f"{path}/progress?job={job}")
    assert ended.headers["HX-Redirect"] == path  # the page, now with the result
    assert 'data-status="finished"' in ended.text and 'data-done="1000" data-total="1000"' in ended.text
    result = underwriter.get(path).text
    assert value(result, "state") == "assessed" and 'data-testid="progress"' not in result


def test_a_refusal_met_by_the_job_shows_on_the_page(
    site: Site, browser: Browser, threaded: tuple[ThreadQueue, threading.Event]
) -> None:
    world, _ = site
    queue, gate = threaded
    underwriter = browser("insurer_a")
    path = submitted(world, browser)
    token = csrf_of(underwriter.get(path).text)
    first = underwriter.post(f"{path}/assess", data={"csrf_token": token, "years": "1000"}).headers["location"]
    second = underwriter.post(f"{path}/assess", data={"csrf_token": token, "years": "1000"}).headers["location"]
    gate.set()
    for location in (first, second):
        finished(queue, queue.fetch(location.split("job=")[1]))
    # both were queued on the version they read: the first assessed it, the second finds it changed (409)
    assert underwriter.get(f"{path}/progress?job={first.split('job=')[1]}").headers["HX-Redirect"] == path
    ended = underwriter.get(f"{path}/progress?job={second.split('job=')[1]}")
    assert ended.headers["HX-Redirect"] == second
    page = underwriter.get(f"{second}&lang=en").text
    assert 'data-testid="job-error"' in page and value(page, "state") == "assessed"
    assert "is stale" in visible_text(page.split('data-testid="job-error"')[1].split("</div>")[0])


def assessed(site: Site, browser: Browser) -> tuple[str, str]:
    """A submission assessed on 1,000 years straight through the service (the app's queue may be held busy):
    its page's path and the underwriter's CSRF token."""
    world, client = site
    path = submitted(world, browser)
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        assessment.assess_submission(session, world.principal["insurer_a"], path.rsplit("/", 1)[1], seed=5, years=1000)
    return path, csrf_of(browser("insurer_a").get(path).text)


def quote_form(browser: Browser, path: str, token: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": token, "document": wording_of(browser("insurer_a").get(path).text), **fields}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_follows_the_quote_until_it_ends(
    site: Site, browser: Browser, threaded: tuple[ThreadQueue, threading.Event], lang: str
) -> None:
    world, client = site
    queue, gate = threaded
    underwriter = browser("insurer_a")
    path, token = assessed(site, browser)
    # a 2 × 2 grid and one tier beside the quoted profile: 1 + 4 + 1 simulations, none of them declined
    form = quote_form(browser, path, token, limits="1000000, 2000000", retentions="10000 20000", tiers="Guard: MFA")
    started = underwriter.post(f"{path}/quote", data=form)
    assert started.status_code == 303 and started.headers["location"].startswith(f"{path}?job=")
    location = started.headers["location"]
    job = location.split("job=")[1]
    page = underwriter.get(f"{location}&lang={lang}").text
    assert 'data-testid="progress"' in page and f'hx-get="{path}/progress?job={job}"' in page
    assert 'data-testid="quote-form"' not in page and 'data-testid="assess-form"' not in page  # none to race it
    shown = visible_text(page.split('data-testid="progress"')[1].split(">", 1)[1].split("</section>")[0])
    assert ("正在计算报价" if lang == "zh" else "Pricing the quote") in shown
    assert not (english_in(shown) if lang == "zh" else chinese_in(shown)), shown
    # as the assessment's: who may see the submission may follow it, who may not gets 404
    seen = {user: browser(user).get(path).status_code for user in USERS}
    assert seen["broker_a"] == 200 and seen["insurer_b"] == seen["broker_b"] == 404
    for user, status in seen.items():
        assert browser(user).get(f"{path}/progress?job={job}").status_code == status, user
    assert underwriter.get(f"{submitted(world, browser)}/progress?job={job}").status_code == 404
    gate.set()
    finished(queue, queue.fetch(job))
    ended = underwriter.get(f"{path}/progress?job={job}&lang={lang}")
    assert ended.headers["HX-Redirect"] == path
    assert 'data-status="finished"' in ended.text and 'data-done="6" data-total="6"' in ended.text
    result = underwriter.get(path).text
    api = client.get(f"/submissions/{path.rsplit('/', 1)[1]}", headers=world.headers("insurer_a")).json()
    assert value(result, "state") == "quoted" and 'data-testid="progress"' not in result
    assert value(result, "premium") == api["quote"]["premium"] and 'data-testid="bind-form"' in result
    assert len(api["quote"]["details"]["tiers"]) == 2 and 'data-testid="tier-comparison"' in result


def test_a_bad_wording_answers_in_the_page_before_any_job(
    site: Site, browser: Browser, threaded: tuple[ThreadQueue, threading.Event]
) -> None:
    path, token = assessed(site, browser)
    form = quote_form(browser, path, token)
    form["document"] = form["document"].replace("aggregate_limit: '2000000'", "aggregate_limit: lots")
    refused = browser("insurer_a").post(f"{path}/quote", data=form)
    assert refused.status_code == 422 and "location" not in refused.headers
    error = visible_text(refused.text.split('data-testid="form-error"')[1].split("</div>")[0])
    assert "document.aggregate_limit" in error and 'data-testid="progress"' not in refused.text
    assert value(refused.text, "state") == "assessed"
    # a subsidy scheme in another currency than the wording's is refused now too, not after the simulations
    form = quote_form(browser, path, token, subsidy=SCHEME.replace("currency: CNY", "currency: USD"))
    refused = browser("insurer_a").post(f"{path}/quote", data=form)
    assert refused.status_code == 422 and "subsidy.currency" in refused.text and "USD" in refused.text
    assert 'data-testid="progress"' not in refused.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refusal_met_by_the_quote_job_shows_on_the_page(
    site: Site, browser: Browser, threaded: tuple[ThreadQueue, threading.Event], lang: str
) -> None:
    queue, gate = threaded
    underwriter = browser("insurer_a")
    path, token = assessed(site, browser)
    form = quote_form(browser, path, token)
    first = underwriter.post(f"{path}/quote", data=form).headers["location"]
    second = underwriter.post(f"{path}/quote", data=form).headers["location"]
    gate.set()
    for location in (first, second):
        finished(queue, queue.fetch(location.split("job=")[1]))
    # both were checked on the version they read: the first quoted it, the second finds it changed (409)
    assert underwriter.get(f"{path}/progress?job={first.split('job=')[1]}").headers["HX-Redirect"] == path
    page = underwriter.get(f"{second}&lang={lang}").text
    assert 'data-testid="job-error"' in page and value(page, "state") == "quoted"
    said = visible_text(page.split('data-testid="job-error"')[1].split(">", 1)[1].split("</div>")[0]).strip()
    assert said.startswith("报价未记录：" if lang == "zh" else "The quote was not recorded:"), said
    assert not (english_in(said) if lang == "zh" else chinese_in(said)), said

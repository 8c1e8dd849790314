"""The book page off the request (issues 19 and 20): curves not cached are simulated as a job, the accumulation
by dependency shown at once and the job's progress polled with htmx until the curves are in (then a reload
answers from the cache); only who may read the book view may follow its job."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from cyberins.services.jobs import BOOK
from cyberins.services.queue import ThreadQueue
from tests.one_language import chinese_in, english_in
from tests.platform.test_portfolio_view import AWS, _bind, counting_runs
from tests.platform.world import World
from tests.web.test_pages import USERS, ids, value, visible_text
from tests.web.test_progress import finished, threaded  # noqa: F401 - `threaded` is a fixture

Browser = Callable[[str], TestClient]
Site = tuple[World, TestClient]


@pytest.fixture
def viewer(browser: Browser) -> TestClient:
    """Insurer A's viewer, signed in before `threaded` swaps the queue (opening a client reruns the lifespan)."""
    return browser("insurer_a_viewer")


@pytest.mark.parametrize(("lang", "seed"), [("zh", 11), ("en", 12)])
def test_the_page_shows_the_table_at_once_and_follows_the_curves(
    site: Site, browser: Browser, viewer: TestClient,
    threaded: tuple[ThreadQueue, threading.Event],  # noqa: F811 - the fixture
    monkeypatch: pytest.MonkeyPatch, lang: str, seed: int,
) -> None:  # fmt: skip
    world, client = site
    queue, gate = threaded
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        _bind(session, world, f"BOOK-{lang}", AWS)  # a policy whose insured depends on a cloud provider
    runs = counting_runs(monkeypatch)
    insurer = browser("insurer_a")
    path = f"/web/portfolio?years=300&seed={seed}"
    page = insurer.get(f"{path}&lang={lang}")
    assert page.status_code == 200
    html = page.text
    assert ids(html, "dependency-row") and 'data-testid="curves"' not in html  # the table now, the curves to come
    assert 'data-testid="progress"' in html and 'data-status="queued"' in html
    job = html.split("&amp;job=")[1].split('"')[0]
    poll = f"/web/portfolio/progress?years=300&seed={seed}&job={job}"
    assert f'hx-get="{poll.replace("&", "&amp;")}"' in html and 'hx-trigger="every 1s"' in html
    shown = visible_text(html.split('data-testid="progress"')[1].split(">", 1)[1].split("</section>")[0])
    assert shown and not (english_in(shown) if lang == "zh" else chinese_in(shown)), shown
    # who may read insurer A's book view may follow the job (its viewer); anyone else is answered 404
    for user in [*USERS, "insurer_a_viewer"]:
        fragment = browser(user).get(f"{poll}&lang={lang}")
        assert fragment.status_code == (200 if user in ("insurer_a", "insurer_a_viewer") else 404), user
        assert "HX-Redirect" not in fragment.headers
    gate.set()
    finished(queue, queue.fetch(job))
    ended = insurer.get(poll)
    assert ended.headers["HX-Redirect"] == path  # the page, the curves now cached
    assert 'data-status="finished"' in ended.text and 'data-done="300" data-total="300"' in ended.text
    assert runs == [300]
    result = insurer.get(f"{path}&lang={lang}").text
    assert 'data-testid="curves"' in result and 'data-testid="progress"' not in result
    api = client.get(f"/portfolio/accumulation?years=300&seed={seed}", headers=world.headers("insurer_a")).json()
    assert float(value(result, "gross-aal")) == api["curves"]["gross"]["aal"]
    assert runs == [300]  # the reload and the API answered from the cache


def test_a_job_of_another_kind_is_not_the_books(site: Site, browser: Browser) -> None:
    _, client = site
    queue = client.app.state.queue  # type: ignore[attr-defined]
    other = queue.enqueue(site[0].org["insurer_a"], len, "x", subject="sub")  # insurer A's own, on an object
    assert browser("insurer_a").get(f"/web/portfolio/progress?job={other.id}").status_code == 404
    assert browser("insurer_a").get("/web/portfolio/progress?job=nosuch").status_code == 404


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_failed_job_is_said_not_run_again(site: Site, browser: Browser, lang: str) -> None:
    world, client = site
    queue = client.app.state.queue  # type: ignore[attr-defined]
    failed = queue.enqueue(world.org["insurer_a"], int, "not a number", subject=BOOK)  # fails as a worker's would
    insurer = browser("insurer_a")
    path = "/web/portfolio?years=300&seed=13"
    assert insurer.get(f"/web/portfolio/progress?years=300&seed=13&job={failed.id}").headers["HX-Redirect"] == (
        f"{path}&job={failed.id}"
    )
    page = insurer.get(f"{path}&job={failed.id}&lang={lang}").text
    said = visible_text(page.split('data-testid="job-error"')[1].split(">", 1)[1].split("</div>")[0])
    assert said and not (english_in(said) if lang == "zh" else chinese_in(said)), said
    assert 'data-testid="progress"' not in page and 'data-testid="curves"' not in page

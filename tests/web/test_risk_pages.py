"""The second pass of the pages (issue 20): the assessment's risk grade with its reasons on the submission
page and the insured's dashboard, in the reader's language, equal to the API's grade; the broker's short
questionnaire that fills the submission form's profile."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
import yaml
from fastapi.testclient import TestClient

from cyberins.web import insight
from tests.one_language import chinese_in, english_in
from tests.platform.world import World
from tests.web.conftest import csrf_of
from tests.web.test_pages import value, visible_text

Browser = Callable[[str], TestClient]
Site = tuple[World, TestClient]

PROFILE = "name: Graded Co\nindustry: retail\nannual_revenue: 80000000\nemployees: 200\n"


@pytest.fixture(scope="module")
def assessed(site: Site, browser: Browser) -> str:
    """A submission of insured A, submitted by its broker and assessed by insurer A through the forms
    (1,000 years, seed 5: fast; the page's default is the API's)."""
    world, _ = site
    broker = browser("broker_a")
    data = {
        "csrf_token": csrf_of(broker.get("/web/submissions/new").text), "insurer_org_id": world.org["insurer_a"],
        "insured_org_id": world.org["insured_a"], "profile": PROFILE,
    }  # fmt: skip
    created = broker.post("/web/submissions/new", data=data)
    assert created.status_code == 303, created.text
    path = created.headers["location"]
    underwriter = browser("insurer_a")
    token = csrf_of(underwriter.get(path).text)
    done = underwriter.post(f"{path}/assess", data={"csrf_token": token, "seed": "5", "years": "1000"})
    assert done.status_code == 303, done.text
    return path.rsplit("/", 1)[1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_grade_and_its_reasons_show_as_the_api_says(site: Site, browser: Browser, assessed: str, lang: str) -> None:
    world, client = site
    api = client.get(f"/submissions/{assessed}", headers=world.headers("insurer_a")).json()
    grade = api["assessment"]["summary"]["grade"]
    for user, path in (("insurer_a", f"/web/submissions/{assessed}"), ("insured_a", "/")):
        html = browser(user).get(f"{path}?lang={lang}").text
        assert value(html, "grade") == str(grade["grade"]), (user, path)
        shown = visible_text(html)
        for reason in grade["reasons"]:
            assert reason[f"text_{lang}"] in shown, (user, reason)
        other = "en" if lang == "zh" else "zh"
        assert all(r[f"text_{other}"] not in shown for r in grade["reasons"])


def test_no_grade_without_a_graded_assessment(site: Site, browser: Browser) -> None:
    world, _ = site
    html = browser("insurer_a").get(f"/web/submissions/{world.ids['submission_a']}").text
    assert 'data-testid="grade"' not in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_questionnaire_fills_the_profile_and_stores_nothing(site: Site, browser: Browser, lang: str) -> None:
    world, client = site
    broker = browser("broker_a")
    page = broker.get(f"/web/submissions/new?lang={lang}").text
    asked = re.findall(r'data-testid="question" data-id="([^"]+)"', page)
    assert set(asked) == {q.id for q in insight.short_questions()} and asked
    shown = visible_text(page.split('data-testid="questionnaire-form"')[1].split("</form>")[0])
    assert not (english_in(shown, ["CNY"]) if lang == "zh" else chinese_in(shown))
    before = client.get("/submissions", headers=world.headers("broker_a")).json()["total"]
    answers = {
        "csrf_token": csrf_of(page), "insured_org_id": world.org["insured_a"], "name": "Answered Co",
        "industry": "retail", "annual_revenue": "80000000", "employees": "200", "mlps_level": "2",
        "control.mfa": "yes", "control.edr": "no",
    }  # fmt: skip
    filled = broker.post("/web/submissions/new/questionnaire", data=answers)
    assert filled.status_code == 200
    profile = yaml.safe_load(html.unescape(re.search(r'name="profile"[^>]*>([^<]*)<', filled.text).group(1)))
    assert profile == {
        "name": "Answered Co", "industry": "retail", "annual_revenue": "80000000", "employees": 200,
        "mlps_level": 2, "controls": {"mfa": True, "edr": False},
    }  # fmt: skip
    assert f'value="{world.org["insured_a"]}" selected' in filled.text
    assert client.get("/submissions", headers=world.headers("broker_a")).json()["total"] == before
    bad = broker.post("/web/submissions/new/questionnaire", data={**answers, "employees": "many"})
    assert bad.status_code == 422 and 'data-field="profile.employees"' in bad.text
    assert broker.post("/web/submissions/new/questionnaire", data={**answers, "csrf_token": "0"}).status_code == 403

"""The second pass of the pages (issue 20): the assessment's risk grade with its reasons on the submission
page and the insured's dashboard, in the reader's language, equal to the API's grade; the broker's short
questionnaire that fills the submission form's profile; the insured's services, open alerts and how its
risk changed since binding."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from cyberins.api.schemas.documents import Assessment, AssessmentRecord, Quote, QuoteRecord
from cyberins.assess import Outcome, plan_remediation
from cyberins.model.messages import text
from cyberins.model.policy import Policy
from cyberins.services.underwriting import validate_profile
from cyberins.store.models import Submission
from cyberins.underwriting import QuoteOptions, underwrite
from cyberins.web import insight
from tests.one_language import chinese_in, english_in
from tests.platform.world import World
from tests.web.conftest import csrf_of
from tests.web.test_pages import value, visible_text

Browser = Callable[[str], TestClient]
Site = tuple[World, TestClient]

ROOT = Path(__file__).resolve().parents[2]
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


def test_the_insured_sees_its_services_and_open_alerts_as_the_api(site: Site, browser: Browser) -> None:
    world, client = site
    headers = world.headers("insured_a")
    held = [
        s["service_id"] for s in client.get("/subscriptions", headers=headers).json()["items"] if s["state"] == "active"
    ]
    alerts = client.get(f"/insureds/{world.org['insured_a']}/alerts", headers=headers).json()
    html = browser("insured_a").get("/").text
    assert held and re.findall(r'data-testid="service-row" data-id="([^"]+)"', html) == held
    assert value(html, "open-alerts") == str(sum(a["state"] == "open" for a in alerts))
    assert 'href="/web/alerts"' in html
    assert 'data-testid="services"' not in browser("broker_a").get("/").text


def test_the_dashboard_shows_the_risk_since_binding(site: Site, browser: Browser, assessed: str) -> None:
    """Quote and bind the assessed submission, assess a later one of the same insured: the dashboard sets the
    bound submission's expected loss beside the latest and says the change."""
    world, client = site
    underwriter, path = browser("insurer_a"), f"/web/submissions/{assessed}"
    wording = yaml.safe_dump(
        yaml.safe_load(html.unescape(re.search(r'name="document"[^>]*>([^<]*)<', underwriter.get(path).text).group(1)))
    )
    token = csrf_of(underwriter.get(path).text)
    assert underwriter.post(f"{path}/quote", data={"csrf_token": token, "document": wording}).status_code == 303
    bound = underwriter.post(
        f"{path}/bind", data={"csrf_token": token, "policy_number": "W2-0001", "idempotency_key": "w2-bind"}
    )
    assert bound.status_code == 303, bound.text
    assert 'data-testid="risk-change"' in browser("insured_a").get("/").text  # bound from the latest: no change yet
    later = browser("broker_a").post(
        "/web/submissions/new",
        data={"csrf_token": token_of(browser("broker_a")), "insurer_org_id": world.org["insurer_a"],
              "insured_org_id": world.org["insured_a"], "profile": PROFILE + "controls:\n  mfa: true\n  edr: true\n"},
    )  # fmt: skip
    later_path = later.headers["location"]
    assert (
        underwriter.post(f"{later_path}/assess", data={"csrf_token": token, "seed": "5", "years": "1000"}).status_code
        == 303
    )
    api = {
        sid: client.get(f"/submissions/{sid}", headers=world.headers("insurer_a")).json()
        for sid in (assessed, later_path.rsplit("/", 1)[1])
    }
    aal = {sid: doc["assessment"]["summary"]["gross"]["aal"] for sid, doc in api.items()}
    page = browser("insured_a").get("/?lang=en").text
    assert value(page, "bound-expected-loss") == aal[assessed]
    change = Decimal(aal[later_path.rsplit("/", 1)[1]]) - Decimal(aal[assessed])
    assert Decimal(value(page, "risk-change-value")) == change


def token_of(client: TestClient) -> str:
    return csrf_of(client.get("/").text)


def submitted_and_assessed(world: World, browser: Browser, profile: str, *, seed: int) -> tuple[str, str]:
    """A submission of insured A with `profile`, by its broker, assessed by insurer A (1,000 years): its page's
    path and the underwriter's CSRF token."""
    broker, underwriter = browser("broker_a"), browser("insurer_a")
    created = broker.post(
        "/web/submissions/new",
        data={"csrf_token": token_of(broker), "insurer_org_id": world.org["insurer_a"],
              "insured_org_id": world.org["insured_a"], "profile": profile},
    )  # fmt: skip
    path, token = created.headers["location"], token_of(underwriter)
    assessed = underwriter.post(f"{path}/assess", data={"csrf_token": token, "seed": str(seed), "years": "1000"})
    assert assessed.status_code == 303, assessed.text
    return path, token


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_book_shows_its_exceedance_curves_as_the_api(site: Site, browser: Browser, lang: str) -> None:
    world, client = site
    query = "years=1000&seed=3"
    api = client.get(f"/portfolio/accumulation?{query}", headers=world.headers("insurer_a")).json()
    page = browser("insurer_a").get(f"/web/portfolio?{query}&lang={lang}").text
    assert float(value(page, "gross-aal")) == api["curves"]["gross"]["aal"]
    assert float(value(page, "net-aal")) == api["curves"]["net"]["aal"]
    assert 'data-testid="exceedance-aep"' in page and 'data-testid="exceedance-oep"' in page
    assert ('data-testid="net-is-gross"' in page) == (api["curves"]["gross"] == api["curves"]["net"])
    shown = visible_text(page.split('data-testid="curves"')[1])
    assert not (english_in(shown, ["CNY"]) if lang == "zh" else chinese_in(shown))
    assert browser("insurer_a").get("/web/portfolio?years=5").status_code == 422


#: A logistics firm: an industry the example subsidy scheme admits.
SUBSIDISED = PROFILE.replace("Graded", "Compared").replace("retail", "logistics")


def test_the_broker_compares_quote_options_after_subsidy(site: Site, browser: Browser) -> None:
    world, client = site
    broker, underwriter = browser("broker_a"), browser("insurer_a")
    path, token = submitted_and_assessed(world, browser, SUBSIDISED, seed=2)
    wording = html.unescape(re.search(r'name="document"[^>]*>([^<]*)<', underwriter.get(path).text).group(1))
    scheme = (ROOT / "examples" / "subsidies" / "sme-cyber-subsidy-cny.yaml").read_text(encoding="utf-8")
    form = {
        "csrf_token": token, "document": wording, "limits": "1000000, 3000000", "retentions": "10000",
        "tier_name": "guard", "tier_controls": ["mfa"], "subsidy": scheme,
    }  # fmt: skip
    assert underwriter.post(f"{path}/quote", data={**form, "limits": "lots"}).status_code == 422
    assert underwriter.post(f"{path}/quote", data=form).status_code == 303
    details = client.get(f"/submissions/{path.rsplit('/', 1)[1]}", headers=world.headers("broker_a")).json()["quote"][
        "details"
    ]
    record = client.get(f"/submissions/{path.rsplit('/', 1)[1]}", headers=world.headers("broker_a")).json()["quote"]
    assert isinstance(QuoteRecord.model_validate(record).details, Quote)  # the typed quote, its scheme included
    page = broker.get(f"{path}?lang=en").text
    premiums = re.findall(r'data-testid="option-premium" data-value="([^"]+)"', page)
    assert premiums == [details["premium"]["technical_premium"]] + [c["technical_premium"] for c in details["grid"]]
    assert len(details["grid"]) == 2 and details["tier"] == {"name": "guard", "controls": ["mfa"]}
    pays = re.findall(r'data-testid="option-pays" data-value="([^"]+)"', page)
    assert pays[0] == details["subsidy"]["payable_by_insured"] and details["subsidy"]["eligible"]
    assert all(Decimal(p) < Decimal(q) for p, q in zip(pays, premiums, strict=True))  # the subsidy pays part of each


#: A declined risk: remote desktop open to the internet without MFA (the baseline's first declining rule).
DECLINED = PROFILE.replace("Graded", "Exposed") + "controls:\n  mfa: false\nexposure:\n  rdp_exposed: true\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_underwriter_reads_each_factor_sourced_and_what_clears_each_rule(
    site: Site, browser: Browser, lang: str
) -> None:
    """Third pass: the factor rows grouped by event type in the reader's language, each citing a numbered
    reference or saying it is an assumption; the rules that fired with what clears each and its cost (a declined risk
    is not quoted, so the page plans the remedies as a quote would); the expected loss labelled ground-up."""
    world, client = site
    underwriter = browser("insurer_a")
    path, token = submitted_and_assessed(world, browser, DECLINED, seed=4)
    api = client.get(f"/submissions/{path.rsplit('/', 1)[1]}", headers=world.headers("insurer_a")).json()
    summary = api["assessment"]["summary"]
    page = underwriter.get(f"{path}?lang={lang}").text
    assert value(page, "expected-loss") == summary["gross"]["aal"]
    assert text("web.submission.ground_up", lang) in visible_text(page)  # not read as an insured loss
    assert len(re.findall(r'data-testid="factor-row"', page)) == len(summary["explain"])
    shown = visible_text(page.split('data-testid="factors"')[1].split('<ol class="small" data-testid="references"')[0])
    assert all(r["label"][lang] in shown for r in summary["explain"])
    assert not (english_in(shown, ["CNY"]) if lang == "zh" else chinese_in(shown))
    cited = {n for n in re.findall(r'href="#ref-(\d+)"', page)}
    assert cited and cited == set(re.findall(r'<li id="ref-(\d+)"', page))
    fired = [r["rule"] for r in summary["eligibility"]["reasons"]]
    assert (
        re.findall(r'data-testid="rule" data-id="([^"]+)"', page) == fired
        and summary["eligibility"]["outcome"] == "decline"
    )
    rules = visible_text(page.split('data-testid="eligibility-rules"')[1].split("</section>")[0])
    plan = plan_remediation(validate_profile(api["profile"]))
    assert plan is not None and page.count('data-testid="remedy"') == len(plan.steps) > 0
    for step in plan.steps:
        assert (step.remedy_zh if lang == "zh" else step.remedy_en) in rules
    assert value(page, "remedies-cost") == format(plan.annual_cost, "f")
    assert not (english_in(rules, ["CNY"]) if lang == "zh" else chinese_in(rules))


#: Only referred: no offline backups (a remedy: keep them), nothing else fired.
REFERRED = PROFILE.replace("Graded", "Referred") + "mlps_level: 3\ncontrols:\n  mfa: true\n  offline_backups: false\n"


@pytest.mark.parametrize(("profile", "outcome"), [(DECLINED, "decline"), (REFERRED, "refer")])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_declined_or_referred_risk_shows_each_step_and_the_premium_once_fixed_as_the_api(
    site: Site, browser: Browser, lang: str, profile: str, outcome: str
) -> None:
    """Under the fired rules, "once fixed": the report's remediation plan step by step (controls by name, cost,
    the rule each clears; for a risk only referred, its referrals' remedies), the eligibility after all of them
    and the premium once fixed, which is the remediated profile quoted directly on the quote form's starting
    wording with the assessment's seed and years, and (declined) the report's `premium_after_remediation` on
    those years; the page shows the API's figure."""
    world, client = site
    path, _ = submitted_and_assessed(world, browser, profile, seed=4)
    api = client.get(f"/submissions/{path.rsplit('/', 1)[1]}", headers=world.headers("insurer_a")).json()
    record = AssessmentRecord.model_validate(api["assessment"])
    assert isinstance(record.summary, Assessment) and record.summary.once_fixed is not None  # the typed shape
    summary = api["assessment"]["summary"]
    fixed = summary["once_fixed"]
    org = validate_profile(api["profile"])
    if summary["service_controls"]:  # the insured's active services were assessed in
        org = org.with_controls(set(summary["service_controls"]))
    assert summary["eligibility"]["outcome"] == outcome
    plan = plan_remediation(org, None, Outcome(outcome))
    assert plan is not None and plan.clears and fixed["clears_decline"]
    assert [s["rule"] for s in fixed["steps"]] == [s.rule_id for s in plan.steps]
    page = browser("insurer_a").get(f"{path}?lang={lang}").text
    form = re.search(r'<textarea name="document"[^>]*>(.*?)</textarea>', page, re.S)
    assert form is not None
    policy = Policy.model_validate(yaml.safe_load(html.unescape(form.group(1))))
    assert Policy.model_validate(fixed["wording"]) == policy  # priced on the wording the quote form starts from
    options = QuoteOptions(years=summary["years"], seed=summary["seed"], price_grid=False, recommend_controls=False)
    direct = underwrite(plan.profile, policy, options).premium.premium
    report = underwrite(org, policy, options).remediated  # what the printed quote shows once fixed
    assert report is None if outcome == "refer" else report is not None and report.premium.premium == direct
    assert fixed["premium_once_fixed"]["technical_premium"] == format(direct, "f")
    assert value(page, "premium-once-fixed") == fixed["premium_once_fixed"]["technical_premium"]
    assert f'data-value="{value(page, "premium-once-fixed")}" data-currency="{summary["currency"]}"' in page
    assert value(page, "eligibility-once-fixed") == fixed["eligibility_after"]["outcome"] != "decline"
    assert fixed["eligibility_after"]["outcome"] == ("refer" if outcome == "decline" else "accept")
    assert re.findall(r'data-testid="fix-step" data-rule="([^"]+)"', page) == [s.rule_id for s in plan.steps]
    shown = visible_text(page.split('data-testid="once-fixed"')[1].split("</section>")[0])
    names = insight.control_names(lang)
    for step in plan.steps:
        assert (step.reason_zh if lang == "zh" else step.reason_en) in shown
        assert all(names[c] in shown for c in step.controls)
    costs = re.findall(r'data-testid="fix-cost" data-value="([^"]+)"', page)
    assert costs == [format(s.annual_cost, "f") for s in plan.steps if s.annual_cost is not None]
    assert not (english_in(shown, ["CNY", *names.values()]) if lang == "zh" else chinese_in(shown))
    # an assessment stored before `once_fixed` still lists what clears each declining rule (planned on the
    # profile now, as before), and shows no premium once fixed, which it never priced
    older = {k: v for k, v in summary.items() if k != "once_fixed"}
    sub = Submission(profile=api["profile"])
    if outcome == "decline":
        assert insight.eligibility_rules(sub, older, lang) == insight.eligibility_rules(sub, summary, lang)
    assert insight.once_fixed(older, lang) is None


def test_an_accepted_risk_shows_no_once_fixed(site: Site, browser: Browser) -> None:
    """Nothing fires on a profile with MFA, offline backups and the industry's MLPS level: its assessment plans
    nothing and its page shows no "once fixed"."""
    world, client = site
    accepted = REFERRED.replace("Referred", "Accepted").replace("offline_backups: false", "offline_backups: true")
    path, _ = submitted_and_assessed(world, browser, accepted, seed=4)
    api = client.get(f"/submissions/{path.rsplit('/', 1)[1]}", headers=world.headers("insurer_a")).json()
    summary = api["assessment"]["summary"]
    assert summary["eligibility"]["outcome"] == "accept" and summary["once_fixed"] is None
    page = browser("insurer_a").get(path).text
    assert 'data-testid="once-fixed"' not in page and 'data-testid="premium-once-fixed"' not in page

"""The demo world as people see it (issue 20): its policies were bound from assessed submissions whose profiles
share dependencies, so the insurer's book view accumulates and its curves rise; a bound insured sees its risk
against its tolerance; each provider sees who holds its services."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cyberins.api import create_app
from cyberins.services.demo import seed_demo
from cyberins.services.queue import InProcessQueue
from tests.platform.conftest import fresh_database, migrated, sessions_for, settings_for
from tests.web.conftest import sign_in

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


Open = Callable[[str], TestClient]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Open]:
    """The demo world behind the app; `demo(email)`: a client signed in as that demo user (its password is the
    one the seeding drew)."""
    with fresh_database(tmp_path_factory.mktemp("demo")) as url, migrated(url) as engine:
        with sessions_for(engine, url)() as session:
            report = seed_demo(session, EXAMPLES / "policies")
        opened: list[TestClient] = []
        with TestClient(create_app(settings_for(url), queue=InProcessQueue()), follow_redirects=False) as client:

            def open_as(email: str) -> TestClient:
                other = TestClient(client.app, follow_redirects=False)
                other.__enter__()  # noqa: PLC2801 - the app's lifespan is already running in `client`
                opened.append(other)
                return sign_in(other, email, str(report.password))

            yield open_as
            for other in opened:
                other.__exit__(None, None, None)


def test_the_insurers_book_accumulates_and_its_curves_rise(demo: Open) -> None:
    insurer = demo("admin@cyber-insurance.example")
    assert 'href="/web/portfolio"' in insurer.get("/?lang=en").text
    html = insurer.get("/web/portfolio?years=1000&lang=en").text
    shared = dict(
        re.findall(r'data-testid="dependency-row" data-id="([^"]+)"><td>[^<]*</td><td class="num">(\d+)', html)
    )
    assert int(shared["cloud_provider:example_cloud"]) == 3 and len(shared) == 5
    assert 'data-testid="other-currency" data-value="1"' in html  # the USD policy, counted apart
    aal = re.search(r'data-testid="gross-aal" data-value="([^"]+)"', html)
    assert aal and float(aal.group(1)) > 0
    # the AEP curve leaves the axis: some point above the bottom of the plot (y = 170)
    curve = re.search(r'data-testid="exceedance-aep".*?points="([^"]+)"', html, re.S)
    assert curve and min(float(p.split(",")[1]) for p in curve.group(1).split()) < 100


def test_a_bound_insured_sees_its_risk_against_its_tolerance(demo: Open) -> None:
    html = demo("admin@hangzhou-lanxin-trading.example").get("/?lang=en").text
    assert 'data-testid="risk"' in html and 'data-testid="risk-change"' in html
    assert re.search(r'data-testid="exceedance".*?stroke-dasharray', html, re.S)  # the tolerance curve is drawn
    assert len(re.findall(r'data-testid="service-row"', html)) == 2


def test_each_demo_provider_sees_its_subscribers(demo: Open) -> None:
    for email, count in (
        ("admin@security-services.example", 3),
        ("admin@incident-response-team.example", 1),
        ("admin@data-protection-law.example", 1),
        ("admin@loss-adjusters.example", 0),
    ):
        html = demo(email).get("/?lang=en").text
        assert len(re.findall(r'data-testid="subscription-row"', html)) == count, email

"""The broker's tier comparison on the submission page (issue 20): the tiers priced side by side on the same
wording and seed, each premium the one quoting that tier alone gives, the quoted one first and equal to the
quote's premium; what the insured pays after the subsidy; the same columns in the API; both languages."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from cyberins.api.schemas.documents import Quote, QuoteRecord
from tests.one_language import chinese_in, english_in
from tests.platform.world import World
from tests.web.test_pages import visible_text
from tests.web.test_risk_pages import SUBSIDISED, submitted_and_assessed

Browser = Callable[[str], TestClient]
Site = tuple[World, TestClient]

ROOT = Path(__file__).resolve().parents[2]
SCHEME = (ROOT / "examples" / "subsidies" / "sme-cyber-subsidy-cny.yaml").read_text(encoding="utf-8")
#: Two tiers as a broker types them: one by the controls' zh names, one by an en name and an id.
TIERS = "增强档：多因素认证、离线备份\nFull guard: EDR, offline_backups, mfa\n"


def wording_of(page: str) -> str:
    return html.unescape(re.search(r'name="document"[^>]*>([^<]*)<', page).group(1))  # type: ignore[union-attr]


def quoted(site: Site, browser: Browser, seed: int, **fields: object) -> tuple[str, dict[str, object]]:
    """A submission assessed (1,000 years, `seed`) and quoted through the form with `fields`: its page's path
    and the API's quote record."""
    world, client = site
    underwriter = browser("insurer_a")
    path, token = submitted_and_assessed(world, browser, SUBSIDISED, seed=seed)
    form = {"csrf_token": token, "document": wording_of(underwriter.get(path).text), "subsidy": SCHEME, **fields}
    response = underwriter.post(f"{path}/quote", data=form)
    assert response.status_code == 303, response.text
    api = client.get(f"/submissions/{path.rsplit('/', 1)[1]}", headers=world.headers("broker_a")).json()
    return path, api["quote"]


@pytest.fixture(scope="module")
def compared(site: Site, browser: Browser) -> tuple[str, dict[str, object]]:
    return quoted(site, browser, 7, tiers=TIERS)


def test_the_tiers_are_priced_side_by_side_the_quoted_first(compared: tuple[str, dict[str, object]]) -> None:
    _, record = compared
    assert isinstance(QuoteRecord.model_validate(record).details, Quote)  # the typed document, tiers included
    details: dict = record["details"]  # type: ignore[assignment]
    columns = details["tiers"]
    assert [c["name"] for c in columns] == [None, "增强档", "Full guard"]
    assert columns[0]["quoted"] and not any(c["quoted"] for c in columns[1:])
    assert columns[0]["premium"] == record["premium"] == details["premium"]["technical_premium"]
    assert [x["id"] for x in columns[1]["controls"]] == ["mfa", "offline_backups"]
    assert [x["id"] for x in columns[2]["controls"]] == ["edr", "offline_backups", "mfa"]
    # the more controls, the less the insurer expects to pay: the full tier prices below the profile as it is
    assert float(columns[2]["expected_insured_loss"]) < float(columns[0]["expected_insured_loss"])
    assert float(columns[2]["premium"]) < float(columns[0]["premium"])
    for c in columns:  # the subsidy scheme applies to every tier's premium, and it admits this insured
        assert float(c["payable_by_insured"]) < float(c["premium"])
        assert c["aggregate_limit"] == details["policy"]["aggregate_limit"] and c["years"] == details["years"]


def test_each_tier_costs_what_quoting_it_alone_costs(
    site: Site, browser: Browser, compared: tuple[str, dict[str, object]]
) -> None:
    _, record = compared
    full = record["details"]["tiers"][2]  # type: ignore[index]
    # the same profile, seed and years quoted with that tier alone (the quote form's own tier fields)
    _, alone = quoted(site, browser, 7, tier_name="Full guard", tier_controls=["edr", "offline_backups", "mfa"])
    assert alone["premium"] == full["premium"]
    assert alone["details"]["subsidy"]["payable_by_insured"] == full["payable_by_insured"]  # type: ignore[index]
    assert alone["details"]["premium"]["expected_insured_loss"] == full["expected_insured_loss"]  # type: ignore[index]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_shows_the_columns_in_the_readers_language(
    browser: Browser, compared: tuple[str, dict[str, object]], lang: str
) -> None:
    path, record = compared
    page = browser("broker_a").get(f"{path}?lang={lang}").text
    columns = record["details"]["tiers"]  # type: ignore[index]
    assert re.findall(r'data-testid="tier-premium" data-value="([^"]+)"', page) == [c["premium"] for c in columns]
    pays = re.findall(r'data-testid="tier-pays" data-value="([^"]+)"', page)
    assert pays == [c["payable_by_insured"] for c in columns]
    held = re.findall(r'data-id="(\w+)" data-held="(yes|no)"', page)
    assert held == [(x["id"], "yes" if x["held"] else "no") for c in columns for x in c["controls"]]
    table = visible_text(page.split('data-testid="tier-comparison"')[1].split("</section>")[0])
    if lang == "zh":
        assert "多因素认证" in table and "按投保资料" in table
        assert not english_in(table, ["CNY", "Full guard", "EDR"]), english_in(table, ["CNY", "Full guard", "EDR"])
    else:
        assert "MFA" in table and "As submitted" in table
        assert chinese_in(table) == ["增强档"]  # the tier's name, as the broker typed it


def test_a_bad_tier_line_is_refused_naming_it(site: Site, browser: Browser) -> None:
    world, _ = site
    underwriter = browser("insurer_a")
    path, token = submitted_and_assessed(world, browser, SUBSIDISED, seed=8)
    form = {"csrf_token": token, "document": wording_of(underwriter.get(path).text)}
    for tiers, said in (("Basic\n", "name: control"), ("Basic: MFA\nGold: telepathy\n", "telepathy")):
        response = underwriter.post(f"{path}/quote?lang=en", data={**form, "tiers": tiers})
        assert response.status_code == 422
        error = visible_text(response.text.split('data-testid="form-error"')[1].split("</div>")[0])
        field = "tiers[0]" if tiers == "Basic\n" else "tiers[1]"
        assert f'data-field="{field}"' in response.text and said in error, error
    too_many = "".join(f"T{i}: mfa\n" for i in range(6))
    response = underwriter.post(f"{path}/quote?lang=zh", data={**form, "tiers": too_many})
    assert response.status_code == 422 and "最多比较 5 个档次" in response.text


def test_the_api_compares_tiers_too(site: Site, browser: Browser) -> None:
    world, client = site
    path, _ = submitted_and_assessed(world, browser, SUBSIDISED, seed=9)
    sub = path.rsplit("/", 1)[1]
    document = client.get(f"/submissions/{sub}", headers=world.headers("insurer_a")).json()
    wording = json.loads(json.dumps(yaml.safe_load(wording_of(browser("insurer_a").get(path).text)), default=str))
    body = {"document": wording, "tiers": [{"name": "basic"}, {"name": "mfa", "controls": ["mfa"]}]}
    bad = client.post(
        f"/submissions/{sub}/quote", json={**body, "tiers": [{"name": "x", "controls": ["telepathy"]}]},
        headers=world.headers("insurer_a"),
    )  # fmt: skip
    assert bad.status_code == 422 and "tiers[0]" in bad.text
    assert document["state"] == "assessed"
    response = client.post(f"/submissions/{sub}/quote", json=body, headers=world.headers("insurer_a"))
    assert response.status_code == 200, response.text
    quote = response.json()["quote"]
    columns = quote["details"]["tiers"]
    assert [c["name"] for c in columns] == [None, "basic", "mfa"]
    assert columns[0]["premium"] == quote["premium"] == columns[1]["premium"]  # no controls: the profile's price
    assert columns[2]["controls"] == [{"id": "mfa", "held": False}]
    assert columns[0]["payable_by_insured"] is None  # the API quotes without a subsidy scheme

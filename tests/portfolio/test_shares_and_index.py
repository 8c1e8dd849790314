"""Co-insurance shares of a line and the industry-index cat bond trigger (issue 19 §3), by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cyberins.model.errors import InvalidInput
from cyberins.portfolio.simulate import run_book
from cyberins.portfolio.stress import stress
from cyberins.portfolio.treaties import CatBond, GrossRows, IndustryEvents, ils_payouts
from tests.portfolio.books import book, outage_book

#: A 20-hour outage at 10,000 an hour under the example wording (10-hour waiting period, 25,000
#: retention): each insured's policy pays (20 − 10) × 10,000 − 25,000 = 75,000.
PAID = 75_000.0


def fixed_outage(**more: Any) -> dict[str, Any]:
    return outage_book(count=3, duration_hours={"dist": "fixed", "value": 20}, **more)


def test_a_co_insurance_share_pays_its_part_of_each_policy() -> None:
    data = fixed_outage()
    data["policies"][0]["share"] = 0.4
    run = run_book(book(data), 600, 1)
    events = run.ylt["ground_up"] / (3 * 200_000)  # each event: 3 insureds × 20 h × 10,000 ground-up
    assert events.sum() > 100
    np.testing.assert_allclose(run.ylt["gross"], events * 3 * 0.4 * PAID, rtol=1e-12)  # 30,000 an insured
    whole = run_book(book(fixed_outage()), 600, 1)
    assert np.array_equal(whole.ylt["ground_up"], run.ylt["ground_up"])  # the insureds lose the same
    np.testing.assert_allclose(run.ylt["gross"], 0.4 * whole.ylt["gross"], rtol=1e-12)


def test_a_share_in_a_stress_test() -> None:
    data = fixed_outage()
    data["policies"][0]["share"] = 0.25
    doc = stress(book(data), "outage", 20)
    line = doc["by_line"]["line"]
    assert line["gross"] == 3 * 0.25 * PAID and line["ground_up"] == 3 * 200_000 and line["outcome"] == "paid"


@pytest.mark.parametrize("share", [0, 1.5, "half"])
def test_a_bad_share_names_the_field(share: object) -> None:
    data = fixed_outage()
    data["policies"][0]["share"] = share
    with pytest.raises(InvalidInput) as caught:
        book(data)
    assert "policies[0].share" in str(caught.value)


def index_bond(**more: Any) -> CatBond:
    fields = {"id": "idx", "trigger": "industry_index", "attachment": 40.0, "exhaustion": 100.0, "market_share": 0.5}
    return CatBond(**{**fields, **more})


def test_industry_index_payouts_by_hand() -> None:
    # Catalogue events of the book's ground-up 10, 30 in year 0, 50 and 45 in year 1, none in year 2; the book
    # is half the market, so the index reads 20, 60 | 100, 90: per event 0, 20 | 60, 50, one limit (60) a year.
    industry = IndustryEvents(np.array([0, 0, 1, 1]), np.array([10.0, 30.0, 50.0, 45.0]))
    no_rows = GrossRows(
        *(np.zeros(0, dtype=np.int64) for _ in range(2)), np.zeros(0), np.zeros(0, np.int64), np.zeros(0)
    )
    paid = ils_payouts(index_bond(), no_rows, np.zeros(0), 3, industry)
    assert paid.tolist() == [20.0, 60.0, 0.0]  # it pays though the insurer itself paid nothing: basis risk
    with pytest.raises(ValueError, match="catalogue events"):
        ils_payouts(index_bond(), no_rows, np.zeros(0), 3)


def test_industry_index_in_a_run() -> None:
    data = fixed_outage()
    # Each event: the book's ground-up 600,000; at a 1% market share the index reads 60,000,000.
    data["ils"] = [
        {"id": "idx", "trigger": "industry_index", "market_share": 0.01, "attachment": 4e7, "exhaustion": 1e8}
    ]
    run = run_book(book(data), 600, 1)
    events = run.ylt["ground_up"] / 600_000
    np.testing.assert_allclose(run.ylt["ils.idx"], np.minimum(events * 2e7, 6e7), rtol=1e-12)
    assert run.ylt["ils.idx"].max() == 6e7  # some year has three events or more: one limit


def test_market_share_goes_with_the_index_trigger_only() -> None:
    def problem(bond: dict[str, Any]) -> str:
        data = fixed_outage()
        data["ils"] = [{"id": "b", "attachment": 1.0, "exhaustion": 2.0, **bond}]
        with pytest.raises(InvalidInput) as caught:
            book(data)
        return str(caught.value)

    assert "ils[0].market_share" in problem({"trigger": "industry_index"})
    assert "ils[0].market_share" in problem({"trigger": "indemnity_occurrence", "market_share": 0.2})
    assert "ils[0].market_share" in problem({"trigger": "industry_index", "market_share": 0})

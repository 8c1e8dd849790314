"""The compiled one-pass float path (`terms.fused`, `CompiledTerms.jit`) against the NumPy steps it
replaces: for policies and tables drawn from strategies, rows in any order, the same payable per event and
coverage, the same flags and the same one retention per incident, up to float rounding."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.model.policy import Policy
from cyberins.terms import CompiledTerms, LossTable, Outages, apply_terms
from tests.terms.helpers import BI, policy, table
from tests.terms.test_engine_properties import CANDIDATES, policies, tables


def both(t: LossTable, p: Policy, **kw: Any) -> tuple[Any, Any]:
    plain = CompiledTerms.from_policy(p)
    return apply_terms(t, plain, **kw), apply_terms(t, replace(plain, jit=True), **kw)


def assert_same(t: LossTable, p: Policy, **kw: Any) -> None:
    numpy_path, fused = both(t, p, **kw)
    assert fused.trace is None and fused.coverages == numpy_path.coverages
    np.testing.assert_allclose(fused.payable, numpy_path.payable, rtol=1e-9, atol=1e-6)
    assert np.array_equal(fused.money_only_time_element, numpy_path.money_only_time_element)
    for name in ("under_review_payable", "incident_retention"):
        a, b = getattr(fused, name), getattr(numpy_path, name)
        assert (a is None) == (b is None), name
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-6)


@settings(max_examples=300, deadline=None)
@given(policies(), tables(n_max=12), st.randoms(use_true_random=False), st.booleans(), st.data())
def test_the_fused_pass_pays_what_the_steps_pay(
    p: Policy, t: LossTable, rnd: Any, compact: bool, data: st.DataObject
) -> None:
    perm = np.array(rnd.sample(range(t.n_events), t.n_events))  # rows in any order, periods unsorted
    shuffled = replace(
        t,
        period=t.period[perm],
        time=t.time[perm],
        ground_up=t.ground_up[perm],
        defence=None if t.defence is None else t.defence[perm],
        event_type=None if t.event_type is None else t.event_type[perm],
        under_review=None if t.under_review is None else t.under_review[perm],
        outages=None if t.outages is None else replace(t.outages, event=np.argsort(perm)[t.outages.event]),
        excluded=data.draw(
            st.none() | st.just(np.array(rnd.choices([True, False], k=t.ground_up.size)).reshape(t.ground_up.shape))
        ),
    )
    assert_same(shuffled, p, compact=compact)
    assert_same(replace(shuffled, defence=None), p, compact=compact)


@settings(max_examples=100, deadline=None)
@given(policies(), tables(n_max=6), st.lists(st.integers(0, 3_000_000), min_size=4, max_size=4))
def test_what_the_year_already_paid_erodes_both_alike(p: Policy, t: LossTable, prior: list[int]) -> None:
    from decimal import Decimal

    assert_same(t, p, prior_paid={c: Decimal(v) for c, v in zip(CANDIDATES, prior, strict=True)})


def test_worked_numbers_and_a_money_only_loss() -> None:
    # A 100-hour outage at 1,000 an hour under a 12-hour time retention and a 5,000 retention pays
    # (100 - 12) × 1,000 - 5,000 = 83,000; a second event in the same year given only as money (rule 15)
    # is flagged and pays 50,000 - 5,000, up to the 100,000 sublimit: 17,000 left after the first.
    p = policy({"business_interruption": {"sublimit": 100_000, "retention": 5_000, "waiting_period_hours": 12}})
    t = table([BI], [[0.0], [50_000.0]], time=[0.5, 0.1], outages=[(0, 0, 0.0, 100.0, 1_000.0)])
    fused = apply_terms(t, replace(CompiledTerms.from_policy(p), jit=True))
    # In time order the money-only event (time 0.1) comes first: 45,000, then the outage 83,000 capped at 55,000.
    assert fused.payable[:, 0].tolist() == [55_000.0, 45_000.0]
    assert fused.money_only_time_element.tolist() == [True]
    assert_same(t, p)


def test_crowded_periods_periods_far_apart_and_equal_times_sort_as_the_stable_lexsort() -> None:
    rng = np.random.default_rng(5)
    p = policy({"business_interruption": {"sublimit": 2_000_000, "retention": 1_000, "waiting_period_hours": 8}})
    n = 400
    crowded, sparse, tied = np.zeros(n, dtype=np.int64), rng.integers(0, 10**12, n), rng.integers(0, 40, n)
    for period, time in ((crowded, rng.random(n)), (sparse, rng.random(n)), (tied, rng.choice([0.0, 0.5], n))):
        t = LossTable(
            coverages=(BI,),
            period=period,
            time=time,
            ground_up=rng.uniform(0, 50_000, (n, 1)),
            outages=Outages(
                np.arange(n), np.zeros(n, dtype=np.int64), np.zeros(n), rng.uniform(0, 48, n), np.full(n, 900.0)
            ),
        )
        assert_same(t, p)

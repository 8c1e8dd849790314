"""Properties of the terms engine, on policies and losses drawn only from strategies (STYLE.md rule 13)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cyberins.model.ids import Coverage, EventType
from cyberins.model.policy import Policy
from cyberins.terms import CompiledTerms, LossTable, apply_terms
from tests.terms.helpers import BI, pay, policy, table

CANDIDATES = [BI, Coverage.LEGAL, Coverage.INCIDENT_RESPONSE, Coverage.PRIVACY_LIABILITY]
EVENT_TYPES = list(EventType)
TOL = 1e-6
money = st.integers(min_value=0, max_value=2_000_000)


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    chosen = draw(st.lists(st.sampled_from(CANDIDATES), min_size=1, max_size=4, unique=True))
    covs: dict[str, dict[str, Any]] = {}
    for cov in chosen:
        sublimit = draw(st.integers(10_000, 3_000_000))
        terms: dict[str, Any] = {
            "sublimit": sublimit,
            "retention": draw(st.integers(0, sublimit - 1)),
            "coinsurance": draw(st.sampled_from([0, 0.1, 0.25])),
        }
        if draw(st.booleans()):
            terms["each_claim_limit"] = draw(st.integers(terms["retention"] + 1, sublimit))
        if draw(st.booleans()):  # rule 19: cover for some event types only
            terms["event_types"] = draw(st.lists(st.sampled_from(EVENT_TYPES), min_size=1, unique=True))
        if cov is BI:
            terms["waiting_period_hours"] = draw(st.integers(0, 48))
            terms["indemnity_period_days"] = draw(st.integers(1, 60))
            terms["waiting_period_mode"] = draw(st.sampled_from(["time_retention", "trigger", "greater_of"]))
        covs[cov.value] = terms
    aggregate = max(t["sublimit"] for t in covs.values()) + draw(st.integers(0, 3_000_000))
    return policy(
        covs,
        aggregate=aggregate,
        claims_expenses_erode_limit=draw(st.booleans()),
        retention_basis=draw(st.sampled_from(["per_coverage", "per_incident"])),
    )


@st.composite
def tables(draw: st.DrawFn, n_max: int = 8) -> LossTable:
    n = draw(st.integers(1, n_max))
    k = len(CANDIDATES)
    ground_up = [[draw(money) for _ in range(k)] for _ in range(n)]
    defence = [[draw(money) if c is Coverage.PRIVACY_LIABILITY else 0 for c in CANDIDATES] for _ in range(n)]
    outages = [
        (e, 0, s, s + draw(st.integers(0, 2_000)), draw(st.integers(0, 5_000)))
        for e in range(n)
        for s in draw(st.lists(st.integers(0, 100), max_size=2))
    ]
    period = sorted(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    time = draw(st.lists(st.floats(0, 1, allow_nan=False), min_size=n, max_size=n, unique=True))
    event_type = draw(st.none() | st.lists(st.sampled_from(EVENT_TYPES), min_size=n, max_size=n))
    under_review = draw(st.none() | st.lists(st.booleans(), min_size=n, max_size=n))
    return table(
        CANDIDATES,
        ground_up,
        period=period,
        time=time,
        outages=outages or None,
        defence=defence,
        event_type=event_type,
        under_review=under_review,
    )


def rows(t: LossTable, index: np.ndarray) -> dict[str, Any]:
    """The per-event columns of `t` taken at `index` (for `dataclasses.replace`)."""
    return {
        name: None if getattr(t, name) is None else getattr(t, name)[index]
        for name in ("period", "time", "ground_up", "defence", "event_type", "under_review")
    }


def gross(t: LossTable, p: Policy) -> np.ndarray:
    result = apply_terms(t, CompiledTerms.from_policy(p), trace=True)
    assert result.trace is not None
    return result.trace["ground_up"]


def yearly(values: np.ndarray, period: np.ndarray) -> np.ndarray:
    return np.array([values[period == y].sum(axis=0) for y in np.unique(period)])


@settings(max_examples=200, deadline=None)
@given(policies(), tables())
def test_payable_never_exceeds_ground_up_the_sublimit_or_the_aggregate(p: Policy, t: LossTable) -> None:
    paid = pay(p, t)
    assert (paid >= -TOL).all()
    assert (paid <= gross(t, p) + TOL).all()
    terms = list(p.coverages.values())
    erode = p.claims_expenses_erode_limit
    per_year = yearly(paid, t.period)
    if erode:  # defence outside the limits may exceed them (rule 6)
        assert (per_year <= np.array([float(x.sublimit) for x in terms]) + TOL).all()
        assert (per_year.sum(axis=1) <= float(p.aggregate_limit) + TOL).all()


@settings(max_examples=150, deadline=None)
@given(policies(), tables(), st.data())
def test_yearly_payable_is_monotone_in_each_loss(p: Policy, t: LossTable, data: st.DataObject) -> None:
    row = data.draw(st.integers(0, t.n_events - 1))
    col = data.draw(st.integers(0, len(CANDIDATES) - 1))
    if p.retention_basis == "per_incident":
        # A first loss on a coverage with a higher retention raises the incident's one retention, so the
        # payable may fall (test_wording_options); a coverage already reached keeps the retention unchanged.
        assume(t.ground_up[row, col] > 0)
    more = t.ground_up.copy()
    more[row, col] += data.draw(st.integers(1, 1_000_000))
    before = yearly(pay(p, t), t.period).sum(axis=1)
    after = yearly(pay(p, replace(t, ground_up=more)), t.period).sum(axis=1)
    assert (after >= before - TOL).all()


@settings(max_examples=100, deadline=None)
@given(policies(), tables())
def test_everything_excluded_pays_nothing(p: Policy, t: LossTable) -> None:
    excluded = np.ones(t.ground_up.shape, dtype=bool)
    assert (pay(p, replace(t, excluded=excluded)) == 0).all()


@settings(max_examples=100, deadline=None)
@given(policies(), tables(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter_only_time_does(p: Policy, t: LossTable, rnd: Any) -> None:
    perm = list(range(t.n_events))
    rnd.shuffle(perm)
    perm_a = np.array(perm)
    inverse = np.argsort(perm_a)
    outages = t.outages
    if outages is not None:
        outages = replace(outages, event=inverse[outages.event])
    shuffled = replace(t, **rows(t, perm_a), outages=outages)
    assert np.allclose(pay(p, shuffled), pay(p, t)[perm_a])


@settings(max_examples=100, deadline=None)
@given(policies(), tables())
def test_the_first_event_of_a_year_is_paid_as_if_alone(p: Policy, t: LossTable) -> None:
    first = int(np.lexsort((t.time, t.period))[0])
    alone_outages = None
    if t.outages is not None and (t.outages.event == first).any():
        m = t.outages.event == first
        o = t.outages
        alone_outages = replace(
            o,
            event=np.zeros(int(m.sum()), dtype=np.int64),
            coverage=o.coverage[m],
            start_h=o.start_h[m],
            end_h=o.end_h[m],
            per_hour=o.per_hour[m],
        )
    alone = replace(t, **rows(t, np.array([first])), outages=alone_outages)
    assert np.allclose(pay(p, t)[first], pay(p, alone)[0])


@settings(max_examples=100, deadline=None)
@given(policies(), tables(n_max=4))
def test_float_and_decimal_paths_agree_to_the_cent(p: Policy, t: LossTable) -> None:
    as_decimal = _to_decimal(t)
    exact = pay(p, as_decimal, "decimal")
    fast = pay(p, t, "float")
    assert all(isinstance(v, Decimal) or v == 0 for v in exact.ravel())
    assert np.abs(exact.astype(np.float64) - fast).max() < 0.01


def test_zero_retention_and_zero_limits_behave() -> None:
    p = policy({"legal": {"sublimit": 100_000}})
    t = table([Coverage.LEGAL], [[40_000]])
    assert pay(p, t)[0, 0] == 40_000  # no retention: ground-up within the limit
    terms = CompiledTerms.from_policy(p)
    zero_sub = replace(terms, sublimit=np.zeros(1))
    zero_agg = replace(terms, aggregate_limit=np.float64(0))
    assert apply_terms(t, zero_sub).payable[0, 0] == 0
    assert apply_terms(t, zero_agg).payable[0, 0] == 0


def _to_decimal(t: LossTable) -> LossTable:
    def conv(a: np.ndarray | None) -> np.ndarray | None:
        if a is None:
            return None
        return np.array([Decimal(int(v)) for v in a.ravel()], dtype=object).reshape(a.shape)

    o = t.outages
    outages = None if o is None else replace(o, start_h=conv(o.start_h), end_h=conv(o.end_h), per_hour=conv(o.per_hour))
    return replace(t, ground_up=conv(t.ground_up), defence=conv(t.defence), outages=outages)

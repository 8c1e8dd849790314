"""Reinsurance treaties and cat bonds (contract portfolio.md §1, §2.6–2.7, §8, §9): hand-computed years, a
loop-by-loop reference, properties per year and the errors a book's author sees."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput
from cyberins.model.loading import parse_model
from cyberins.portfolio.treaties import (
    AggregateStopLoss,
    CatBond,
    CatXL,
    GrossRows,
    Ils,
    PerRiskXL,
    QuotaShare,
    Reinsurance,
    apply_programme,
    ils_payouts,
    programme_problems,
    reinstatement_premium,
)

AnyTreaty = QuotaShare | PerRiskXL | CatXL | AggregateStopLoss


#: How a simulation may number occurrences: through the chunk, within each year, or sparsely (hashed keys).
ID_SCHEMES = ("chunk", "year", "sparse")


def rows_of(
    *occurrences: tuple[int, float, list[float]], weights: list[float] | None = None, ids: str = "chunk"
) -> GrossRows:
    """Rows from (year, time, [amount per policy]) per occurrence; ids count up from 0 (`ID_SCHEMES`)."""
    year, occ, time, policy, amount = [], [], [], [], []
    in_year: dict[int, int] = defaultdict(int)
    for o, (y, t, amounts) in enumerate(occurrences):
        number = {"chunk": o, "year": in_year[y], "sparse": o * 10**13 + 7}[ids]
        in_year[y] += 1
        for p, a in enumerate(amounts):
            year.append(y), occ.append(number), time.append(t), policy.append(p), amount.append(a)
    weight = None if weights is None else np.array(weights, dtype=float)
    return GrossRows(
        np.array(year, dtype=np.int64),
        np.array(occ, dtype=np.int64),
        np.array(time, dtype=float),
        np.array(policy, dtype=np.int64),
        np.array(amount, dtype=float),
        weight,
    )


def qs(share: float, event_limit: float | None = None, id: str = "qs") -> QuotaShare:
    return QuotaShare(id=id, kind="quota_share", share=share, event_limit=event_limit)


def xl(
    kind: type[PerRiskXL] | type[CatXL],
    attachment: float,
    limit: float,
    reinstatements: Any = (),
    premium: float = 0.0,
    id: str = "xl",
) -> Any:
    kinds = {PerRiskXL: "per_risk_xl", CatXL: "cat_xl"}
    spec = reinstatements if reinstatements == "unlimited" else [{"rate": r} for r in reinstatements]
    return kind(id=id, kind=kinds[kind], attachment=attachment, limit=limit, premium=premium, reinstatements=spec)


def asl(attachment: float, limit: float, id: str = "asl") -> AggregateStopLoss:
    return AggregateStopLoss(id=id, kind="aggregate_stop_loss", attachment=attachment, limit=limit)


# ---- hand-computed years ----------------------------------------------------------------------------------


def test_quota_share_with_an_event_limit_caps_each_occurrence_pro_rata() -> None:
    rows = rows_of((0, 0.1, [60.0, 40.0]), (0, 0.5, [30.0]))
    result = apply_programme(rows, [qs(0.5, event_limit=40.0)], 1)
    # occurrence 0: half of 100 is 50, capped at 40 and shared 60:40; occurrence 1: half of 30
    assert result.ceded["qs"].tolist() == pytest.approx([24.0, 16.0, 15.0])
    assert result.net.tolist() == pytest.approx([36.0, 24.0, 15.0])
    assert result.ceded_annual["qs"].tolist() == pytest.approx([55.0])
    assert result.ceded_largest["qs"].tolist() == pytest.approx([40.0])
    assert "qs" not in result.reinstatement_premium


@pytest.mark.parametrize(
    ("reinstatements", "want_rows", "want_premium"),
    [
        ([1.0], [50.0, 25.0, 25.0], 10.0),  # cover 100: the second occurrence crosses it and gets 25
        ([], [100 / 3, 50 / 3, 0.0], 0.0),  # cover 50: the first occurrence's 75 is cut to 50, pro rata to the layers
        ("unlimited", [50.0, 25.0, 50.0], 0.0),  # no annual cap, no premium
    ],
)
def test_per_risk_xl_reinstatements(reinstatements: Any, want_rows: list[float], want_premium: float) -> None:
    rows = rows_of((0, 0.2, [100.0, 45.0]), (0, 0.6, [90.0]))  # layers 50 xs 20: 50, 25, then 50
    treaty = xl(PerRiskXL, 20.0, 50.0, reinstatements, premium=10.0, id="rxl")
    result = apply_programme(rows, [treaty], 1)
    assert result.ceded["rxl"].tolist() == pytest.approx(want_rows)
    assert result.reinstatement_premium["rxl"].tolist() == pytest.approx([want_premium])


def test_the_annual_cover_starts_again_each_year() -> None:
    rows = rows_of((0, 0.5, [200.0]), (0, 0.7, [200.0]), (1, 0.1, [200.0]))
    result = apply_programme(rows, [xl(CatXL, 50.0, 100.0, id="cat")], 2)
    assert result.ceded["cat"].tolist() == pytest.approx([100.0, 0.0, 100.0])
    assert result.ceded_annual["cat"].tolist() == pytest.approx([100.0, 100.0])


def test_reinstatement_premium_is_pro_rata_as_to_amount() -> None:
    treaty = xl(CatXL, 0.0, 50.0, [1.0, 0.5], premium=10.0)
    recovered = np.array([0.0, 25.0, 75.0, 150.0, 150.0 + 1e-9])
    # 25: half a limit at rate 1 (5); 75: one limit at 1 (10) and half a limit at 0.5 (2.5); 150: all of both
    assert reinstatement_premium(treaty, recovered).tolist() == pytest.approx([0.0, 5.0, 12.5, 15.0, 15.0])


def test_per_risk_and_cat_xl_on_one_occurrence_inure_in_list_order() -> None:
    rows = rows_of((0, 0.3, [40.0, 40.0, 40.0]))
    per_risk, cat = xl(PerRiskXL, 20.0, 30.0, "unlimited", id="rxl"), xl(CatXL, 50.0, 100.0, "unlimited", id="cat")
    first = apply_programme(rows, [per_risk, cat], 1)
    # each risk's 20 xs 20 is recovered (60), the 60 left is 10 over the cat's 50
    assert first.ceded["rxl"].tolist() == pytest.approx([20.0] * 3)
    assert first.ceded["cat"].tolist() == pytest.approx([10 / 3] * 3)
    second = apply_programme(rows, [cat, per_risk], 1)
    # the cat takes 70 of 120 first; 50/3 is left of each risk, under the per-risk attachment
    assert second.ceded["cat"].tolist() == pytest.approx([70 / 3] * 3)
    assert second.ceded["rxl"].tolist() == pytest.approx([0.0] * 3)


def test_stop_loss_goes_to_the_occurrence_that_crosses_it_in_time_order() -> None:
    # listed out of time order: occurrence 0 happens last
    rows = rows_of((0, 0.9, [50.0]), (0, 0.2, [60.0]), (0, 0.7, [30.0, 50.0]))
    result = apply_programme(rows, [asl(100.0, 60.0)], 1)
    # in time order the year runs 60, 140 (crosses 100: 40 recovered, 15 and 25 by row), 190 (the last 20)
    assert result.ceded["asl"].tolist() == pytest.approx([20.0, 0.0, 15.0, 25.0])
    assert result.ceded_annual["asl"].tolist() == pytest.approx([60.0])
    assert result.gross_largest.tolist() == pytest.approx([80.0])
    assert result.net_largest.tolist() == pytest.approx([60.0])


@pytest.mark.parametrize("ids", ID_SCHEMES)
def test_an_occurrence_is_its_year_and_id_however_ids_are_numbered(ids: str) -> None:
    # two years listed interleaved; with ids per year both years have an occurrence 0 and 1
    rows = rows_of((1, 0.6, [70.0]), (0, 0.3, [90.0]), (1, 0.2, [40.0, 30.0]), (0, 0.8, [20.0]), ids=ids)
    result = apply_programme(rows, [xl(CatXL, 50.0, 30.0, id="cat")], 2)  # one limit of 30 a year
    # year 0: 90 → 30 (the cover), then 20 → nothing; year 1: 70 at 0.2 → 20, then 70 at 0.6 → the last 10
    assert result.ceded["cat"].tolist() == pytest.approx([10.0, 30.0, 20 * 4 / 7, 20 * 3 / 7, 0.0])
    assert result.gross_largest.tolist() == pytest.approx([90.0, 70.0])


def test_weights_multiply_rows_and_results_stay_per_unit_of_weight() -> None:
    rows = rows_of((0, 0.5, [100.0, 50.0]), weights=[3.0, 2.0])  # a stress event: 400 in all
    result = apply_programme(rows, [qs(0.5), xl(CatXL, 100.0, 100.0, [1.0], premium=8.0, id="cat")], 1)
    assert result.ceded["qs"].tolist() == pytest.approx([50.0, 25.0])
    # the cat sees 200 left, recovers 100: half of what is left of each row
    assert result.ceded["cat"].tolist() == pytest.approx([25.0, 12.5])
    assert result.ceded_annual["cat"].tolist() == pytest.approx([100.0])
    assert result.reinstatement_premium["cat"].tolist() == pytest.approx([8.0])
    assert result.net_annual.tolist() == pytest.approx([100.0])


def test_annual_covers_hold_to_rounding_of_the_year_not_of_the_chunk() -> None:
    # 4,000 years of 40 occurrences of about 1e9: running totals through the chunk reach 1e14, whose
    # rounding step (about 0.02) would show in a year's recovery if nothing settled it
    rng = np.random.default_rng(3)
    n_years, per_year = 4000, 40
    n = n_years * per_year
    rows = GrossRows(
        np.repeat(np.arange(n_years, dtype=np.int64), per_year),
        np.arange(n, dtype=np.int64),
        rng.random(n),
        np.zeros(n, dtype=np.int64),
        rng.lognormal(20.5, 1.0, n),
    )
    treaties = [xl(CatXL, 3e9, 2e9, [1.0], id="cat"), asl(5e10, 1e10)]
    result = apply_programme(rows, treaties, n_years)
    cat, stop_loss = result.ceded_annual["cat"], result.ceded_annual["asl"]
    layers = np.clip(rows.amount - 3e9, 0, 2e9)
    want_cat = np.minimum(np.bincount(rows.year, layers, n_years), 4e9)
    want_asl = np.clip(result.gross_annual - cat - 5e10, 0, 1e10)
    assert 0.1 < (want_cat == 4e9).mean() < 0.9 and 0.1 < (want_asl == 1e10).mean() < 0.9  # caps bind in some years
    year_rounding = 1e-14 * result.gross_annual + 1e-9  # a few rounding steps of the year's own total
    assert (np.abs(cat - want_cat) <= year_rounding).all()
    assert (np.abs(stop_loss - want_asl) <= year_rounding).all()


def test_an_empty_chunk_recovers_nothing() -> None:
    rows = rows_of()
    result = apply_programme(rows, [qs(0.5), xl(CatXL, 1.0, 1.0), asl(1.0, 1.0)], 3)
    assert result.net.shape == (0,)
    assert result.ceded_annual["xl"].tolist() == [0.0, 0.0, 0.0]
    assert result.reinstatement_premium["xl"].tolist() == [0.0, 0.0, 0.0]


# ---- cat bonds ----------------------------------------------------------------------------------------------


TRIGGERS = ("indemnity_annual_aggregate", "indemnity_occurrence")


def bond(trigger: str, basis: str = "gross") -> CatBond:
    return CatBond(id="bond", trigger=trigger, basis=basis, attachment=40.0, exhaustion=100.0)  # type: ignore[arg-type]


def test_a_bond_on_the_net_needs_the_net_by_row() -> None:
    rows = rows_of((0, 0.5, [100.0]))
    sums = apply_programme(rows, [qs(0.5)], 1, by_row=False)
    assert ils_payouts(bond(TRIGGERS[0]), rows, sums.net, 1).tolist() == [60.0]  # on the gross: no need
    with pytest.raises(ValueError, match="'bond'.*net by row"):
        ils_payouts(bond(TRIGGERS[0], "net"), rows, sums.net, 1)


@pytest.mark.parametrize(
    ("trigger", "basis", "want"),
    [
        ("indemnity_annual_aggregate", "gross", [40.0, 60.0, 60.0]),  # years of 80, 180, 180
        ("indemnity_occurrence", "gross", [10.0, 60.0, 60.0]),  # 30 → 0, 50 → 10; 90 + 90 → 50 + 50, one limit
        ("indemnity_annual_aggregate", "net", [0.0, 50.0, 50.0]),  # half of each
        ("indemnity_occurrence", "net", [0.0, 10.0, 50.0]),  # 15, 25 → 0; 45 + 45 → 5 + 5; 90 → 50
    ],
)
def test_cat_bond_triggers_and_bases(trigger: str, basis: str, want: list[float]) -> None:
    rows = rows_of((0, 0.1, [30.0]), (0, 0.4, [20.0, 30.0]), (1, 0.3, [90.0]), (1, 0.8, [90.0]), (2, 0.5, [180.0]))
    net = apply_programme(rows, [qs(0.5)], 3).net
    assert ils_payouts(bond(trigger, basis), rows, net, 3).tolist() == pytest.approx(want)


# ---- a loop-by-loop reference and properties per year ----------------------------------------------------


def reference(rows: GrossRows, treaties: list[AnyTreaty], n_years: int) -> dict[str, np.ndarray]:
    """§2.6 one occurrence at a time, in (year, time, occurrence) order: the kernel must agree with it."""
    weight = np.ones(len(rows.amount)) if rows.weight is None else rows.weight
    groups: dict[tuple[int, float, int], list[int]] = defaultdict(list)
    for i in range(len(rows.amount)):
        groups[(int(rows.year[i]), float(rows.time[i]), int(rows.occurrence[i]))].append(i)
    left = rows.amount.astype(float).copy()
    out = {}
    for t in treaties:
        recovery = np.zeros_like(left)
        used: dict[int, float] = defaultdict(float)
        for (year, _, _), idx in sorted(groups.items()):
            x, w = left[idx], weight[idx]
            cover = t.annual_cover if t.annual_cover is not None else np.inf
            if isinstance(t, QuotaShare):
                r = t.share * x
                total = float(w @ r)
                if t.event_limit is not None and total > t.event_limit:
                    r = r * t.event_limit / total
            elif isinstance(t, PerRiskXL):
                layer = np.clip(x - t.attachment, 0, t.limit)
                total = float(w @ layer)
                paid = min(total, max(cover - used[year], 0.0))
                used[year] += paid
                r = layer * paid / total if total > 0 else 0 * x
            else:
                total = float(w @ x)
                if isinstance(t, CatXL):
                    paid = min(float(np.clip(total - t.attachment, 0, t.limit)), max(cover - used[year], 0.0))
                    used[year] += paid
                else:
                    before = used[year]
                    used[year] += total
                    paid = float(
                        np.clip(used[year] - t.attachment, 0, t.limit) - np.clip(before - t.attachment, 0, t.limit)
                    )
                r = x * paid / total if total > 0 else 0 * x
            recovery[idx] = r
        left = left - recovery
        out[t.id] = recovery
    return out


@st.composite
def chunks(draw: st.DrawFn) -> tuple[GrossRows, int]:
    n_years = draw(st.integers(1, 4))
    n_occ = draw(st.integers(0, 12))
    occurrences = []
    for _ in range(n_occ):
        amounts = draw(st.lists(st.floats(0.0, 500.0, allow_subnormal=False), min_size=1, max_size=4))
        occurrences.append(
            (draw(st.integers(0, n_years - 1)), draw(st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9])), amounts)
        )
    if draw(st.booleans()):  # rows in processing order already (the kernel's other path)
        occurrences.sort(key=lambda o: (o[0], o[1]))
    rows = rows_of(*occurrences, ids=draw(st.sampled_from(ID_SCHEMES)))
    if draw(st.booleans()):
        rows = GrossRows(
            rows.year,
            rows.occurrence,
            rows.time,
            rows.policy,
            rows.amount,
            np.array(
                draw(st.lists(st.sampled_from([0.5, 1.0, 3.0]), min_size=len(rows.amount), max_size=len(rows.amount)))
            ),
        )
    return rows, n_years


money = st.floats(0.0, 600.0, allow_subnormal=False)
positive = st.floats(1.0, 600.0)
covers = st.sampled_from(["unlimited", [], [1.0], [0.5, 1.0]])
treaty_strategies = st.one_of(
    st.builds(qs, st.floats(0.05, 1.0), st.one_of(st.none(), positive)),
    st.builds(xl, st.just(PerRiskXL), money, positive, covers, money),
    st.builds(xl, st.just(CatXL), money, positive, covers, money),
)


@st.composite
def programmes(draw: st.DrawFn) -> list[AnyTreaty]:
    treaties: list[AnyTreaty] = draw(st.lists(treaty_strategies, max_size=3))
    treaties += draw(st.lists(st.builds(asl, money, positive), max_size=2))
    return [t.model_copy(update={"id": f"t{i}"}) for i, t in enumerate(treaties)]


@settings(max_examples=150, deadline=None)
@given(chunks(), programmes())
def test_the_kernel_matches_the_reference_and_the_invariants_hold(
    chunk: tuple[GrossRows, int], treaties: list[AnyTreaty]
) -> None:
    rows, n_years = chunk
    result = apply_programme(rows, treaties, n_years)
    want = reference(rows, treaties, n_years)
    for t in treaties:
        np.testing.assert_allclose(result.ceded[t.id], want[t.id], rtol=1e-9, atol=1e-7)
    weight = np.ones(len(rows.amount)) if rows.weight is None else rows.weight
    gross = np.bincount(rows.year, weights=rows.amount * weight, minlength=n_years)
    ceded = sum((result.ceded_annual[t.id] for t in treaties), np.zeros(n_years))
    np.testing.assert_allclose(result.gross_annual, gross, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(gross, result.net_annual + ceded, rtol=1e-9, atol=1e-9)
    assert (result.net >= 0).all()
    for t in treaties:
        annual = result.ceded_annual[t.id]
        assert (annual >= 0).all()
        if t.annual_cover is not None:
            assert (annual <= t.annual_cover * (1 + 1e-12)).all()
    if treaties and isinstance(treaties[0], QuotaShare):
        assert (result.ceded_annual[treaties[0].id] <= treaties[0].share * gross * (1 + 1e-12) + 1e-9).all()
    # a simulation's call, without results by row, gives the same sums bit for bit
    sums = apply_programme(rows, treaties, n_years, by_row=False)
    assert sums.ceded == {} and sums.net is None
    for name in ("gross_annual", "gross_largest", "net_annual", "net_largest"):
        assert np.array_equal(getattr(sums, name), getattr(result, name))
    for t in treaties:
        assert np.array_equal(sums.ceded_annual[t.id], result.ceded_annual[t.id])
        assert np.array_equal(sums.ceded_largest[t.id], result.ceded_largest[t.id])
    # a bond pays within its limit; per occurrence never more than on the year's aggregate; on the net never
    # more than on the gross
    paid = {(t, b): ils_payouts(bond(t, b), rows, result.net, n_years) for t in TRIGGERS for b in ("gross", "net")}
    for basis in ("gross", "net"):
        occurrence, aggregate = paid[(TRIGGERS[1], basis)], paid[(TRIGGERS[0], basis)]
        assert (0 <= occurrence).all() and (occurrence <= aggregate + 1e-9).all() and (aggregate <= 60.0).all()
    for trigger in TRIGGERS:
        assert (paid[(trigger, "net")] <= paid[(trigger, "gross")] + 1e-9).all()


@settings(max_examples=50, deadline=None)
@given(chunks(), programmes(), st.randoms(use_true_random=False))
def test_the_order_rows_come_in_changes_nothing(
    chunk: tuple[GrossRows, int], treaties: list[AnyTreaty], random: Any
) -> None:
    rows, n_years = chunk
    perm = np.array(random.sample(range(len(rows.amount)), len(rows.amount)), dtype=np.int64)
    weight = None if rows.weight is None else rows.weight[perm]
    shuffled = GrossRows(
        rows.year[perm], rows.occurrence[perm], rows.time[perm], rows.policy[perm], rows.amount[perm], weight
    )
    a, b = apply_programme(rows, treaties, n_years), apply_programme(shuffled, treaties, n_years)
    for t in treaties:
        np.testing.assert_allclose(b.ceded[t.id], a.ceded[t.id][perm], rtol=1e-12, atol=1e-9)
    for basis in ("gross", "net"):
        for trigger in ("indemnity_annual_aggregate", "indemnity_occurrence"):
            np.testing.assert_allclose(
                ils_payouts(bond(trigger, basis), shuffled, b.net, n_years),
                ils_payouts(bond(trigger, basis), rows, a.net, n_years),
                rtol=1e-12,
                atol=1e-9,
            )


# ---- the book's treaties as data --------------------------------------------------------------------------


class _Book(Frozen):
    reinsurance: Reinsurance = []
    ils: Ils = []


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_model(_Book, data)
    return {p.field: p.message for p in caught.value.problems}


def test_the_contracts_programme_reads() -> None:
    book = parse_model(
        _Book,
        {
            "reinsurance": [
                {"id": "qs", "kind": "quota_share", "share": 0.5, "event_limit": None},
                {
                    "id": "rxl",
                    "kind": "per_risk_xl",
                    "attachment": "1e6",
                    "limit": 2e6,
                    "reinstatements": [{"rate": 1.0}],
                },
                {
                    "id": "cat_xl",
                    "kind": "cat_xl",
                    "attachment": 2e8,
                    "limit": 3e8,
                    "premium": 1.2e7,
                    "reinstatements": "unlimited",
                },
                {"id": "asl", "kind": "aggregate_stop_loss", "attachment": 1.5e8, "limit": 1e8},
            ],
            "ils": [
                {
                    "id": "bond",
                    "kind": "cat_bond",
                    "trigger": "indemnity_annual_aggregate",
                    "attachment": 4e7,
                    "exhaustion": 1e8,
                }
            ],
        },
    )
    assert [t.annual_cover for t in book.reinsurance] == [None, 4e6, None, 1e8]
    assert book.ils[0].basis == "gross" and book.ils[0].limit == 6e7
    assert book.reinsurance[1].premium == 0.0


def test_errors_name_the_field() -> None:
    found = problems(
        {
            "reinsurance": [
                {"id": "qs", "kind": "quota_share", "share": 1.5},
                {"id": "rxl", "kind": "per_risk_xl", "attachment": 1e6, "limit": 2e6, "reinstatements": "some"},
                {"id": "cat", "kind": "cat_xl", "attachment": 2e8},
                {"id": "x", "kind": "surplus"},
            ],
            "ils": [{"id": "b", "trigger": "indemnity_occurrence", "attachment": 5e7, "exhaustion": 4e7}],
        }
    )
    assert set(found) >= {"reinsurance[0].share", "reinsurance[2].limit", "reinsurance[3]", "ils[0].exhaustion"}
    assert any(f.startswith("reinsurance[1].reinstatements") for f in found)
    assert "quota_share" in found["reinsurance[3]"]
    assert "attachment" in found["ils[0].exhaustion"]


def test_only_stop_losses_follow_a_stop_loss_and_ids_are_unique() -> None:
    treaties = [asl(1.0, 1.0, id="a"), asl(2.0, 1.0, id="b"), qs(0.5, id="a")]
    found = {p.field: p.message for p in programme_problems(treaties, [bond("indemnity_occurrence")] * 2)}
    assert set(found) == {"reinsurance[2].id", "reinsurance[2].kind", "ils[1].id"}
    assert "reinsurance[0]" in found["reinsurance[2].kind"]
    message = problems({"reinsurance": [t.model_dump() for t in treaties]})["reinsurance"]
    assert "reinsurance[2].kind" in message


# ---- analytical checks on a compound Poisson year (issue 19 §4) ------------------------------------------

LAMBDA, MU, SIGMA = 2.0, 0.0, 1.0  # Poisson(2) occurrences a year, lognormal(0, 1) severities
ATTACHMENT, LIMIT = 1.5, 3.0


def limited_expected_value(d: float) -> float:
    """E[min(X, d)] of the lognormal (Klugman, Panjer & Willmot, "Loss Models", appendix A)."""
    from scipy.stats import norm

    log_d = np.log(d)
    return float(
        np.exp(MU + SIGMA**2 / 2) * norm.cdf((log_d - MU - SIGMA**2) / SIGMA) + d * norm.sf((log_d - MU) / SIGMA)
    )


def compound_poisson_years(n_years: int, seed: int) -> GrossRows:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(LAMBDA, n_years)
    n = int(counts.sum())
    year = np.repeat(np.arange(n_years, dtype=np.int64), counts)
    return GrossRows(
        year, np.arange(n, dtype=np.int64), rng.random(n), np.zeros(n, dtype=np.int64), rng.lognormal(MU, SIGMA, n)
    )


def within_three_standard_errors(simulated: np.ndarray, exact: float) -> None:
    se = simulated.std(ddof=1) / np.sqrt(len(simulated))
    assert abs(simulated.mean() - exact) < 3 * se, (simulated.mean(), exact, se)


@pytest.mark.parametrize("kind", [PerRiskXL, CatXL])
def test_a_per_occurrence_layer_recovers_lambda_times_the_layers_expected_value(kind: Any) -> None:
    from scipy.integrate import quad
    from scipy.stats import lognorm

    layer = limited_expected_value(ATTACHMENT + LIMIT) - limited_expected_value(ATTACHMENT)
    severity = lognorm(s=SIGMA, scale=np.exp(MU))
    by_quadrature, _ = quad(lambda x: min(max(x - ATTACHMENT, 0.0), LIMIT) * severity.pdf(x), 0, np.inf, limit=200)
    assert layer == pytest.approx(by_quadrature, rel=1e-7)
    result = apply_programme(
        compound_poisson_years(40_000, 19), [xl(kind, ATTACHMENT, LIMIT, "unlimited", id="layer")], 40_000
    )
    within_three_standard_errors(result.ceded_annual["layer"], LAMBDA * layer)


def compound_layer_pmf(attachment: float, limit: float, grid: int, size: int) -> np.ndarray:
    """The annual total of a per-occurrence layer on a grid of limit/grid, by FFT (as gemact computes it):
    the layer's recovery discretised by rounding, then the compound Poisson transform exp(λ(φ − 1))."""
    from scipy.stats import lognorm

    h = limit / grid
    cdf = lognorm(s=SIGMA, scale=np.exp(MU)).cdf(attachment + (np.arange(grid) + 0.5) * h)
    single = np.zeros(size)
    single[0] = cdf[0]
    single[1:grid] = np.diff(cdf)
    single[grid] = 1 - cdf[-1]  # the whole limit
    return np.fft.irfft(np.exp(LAMBDA * (np.fft.rfft(single) - 1)), n=size)


@pytest.mark.parametrize("reinstatements", [[], [1.0]])
def test_an_annual_cap_matches_the_compound_distribution_by_fft(reinstatements: list[float]) -> None:
    attachment, limit = 0.5, 1.0  # a low layer, so that even two limits a year bind often
    grid, size = 1000, 2**15  # the grid reaches 32 limits: P(that many occurrences in a year) is nil
    pmf = compound_layer_pmf(attachment, limit, grid, size)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
    cover = (1 + len(reinstatements)) * limit
    total = np.arange(size) * limit / grid
    exact, uncapped = float(np.minimum(total, cover) @ pmf), float(total @ pmf)
    treaty = xl(CatXL, attachment, limit, reinstatements, id="cat")
    recovered = apply_programme(compound_poisson_years(40_000, 23), [treaty], 40_000).ceded_annual["cat"]
    assert recovered.max() == pytest.approx(cover)
    within_three_standard_errors(recovered, exact)
    # the check discriminates: the uncapped expectation lies well outside the same band
    assert uncapped - exact > 6 * recovered.std(ddof=1) / np.sqrt(len(recovered))


@pytest.mark.parametrize("n_times", [50, 3, 2, 1])  # ties in time (the id decides), 75 occurrences a year
def test_occurrences_in_time_order_alike_by_compiled_pass_and_by_sorting(n_times: int) -> None:
    from cyberins.portfolio.occurrences import Occurrences

    rng = np.random.default_rng(5)
    n_occ = 3_000
    occ_year = rng.integers(0, 40, n_occ)
    occ_time = rng.integers(0, n_times, n_occ) / 50  # few times: long runs of one time slot to merge
    occurrence = rng.choice(2 * n_occ, n_occ, replace=False)  # unique ids, not in order
    rows = rng.integers(0, n_occ, 20_000)
    year, time, ids = occ_year[rows], occ_time[rows], occurrence[rows]
    dense = Occurrences.of(year, ids, time, None)  # ids within a few times the rows: the compiled pass
    sparse = Occurrences.of(year, ids * 10**9, time, None)  # the same order of ids, too sparse: lexsort
    assert np.array_equal(dense.rows, sparse.rows) and np.array_equal(dense.starts, sparse.starts)
    assert np.array_equal(dense.year, sparse.year)
    order = np.lexsort((occurrence, occ_time, occ_year))
    assert np.array_equal(dense.year, occ_year[order][np.isin(order, rows)])
    # each occurrence's rows together, in their own order, occurrences in (year, time, id) order
    seen = order[np.isin(order, rows)]
    assert np.array_equal(dense.rows, np.concatenate([np.flatnonzero(rows == o) for o in seen]))
    assert np.array_equal(np.diff(dense.starts), [np.count_nonzero(rows == o) for o in seen])


def _capped_loop(amount: np.ndarray, year: np.ndarray, cap: float) -> np.ndarray:
    """What each occurrence pays (years ascending) until its year's running total reaches `cap`, summed row by
    row from zero within the year; a year that never passes the cap pays every amount as it is."""
    paid = amount.copy()
    for y in np.unique(year):
        rows = np.flatnonzero(year == y)
        if sum(amount[rows].tolist(), 0.0) <= cap:
            continue
        running, before = 0.0, 0.0
        for i in rows:
            running += amount[i]
            to_date = min(running, cap)
            paid[i] = min(max(to_date - before, 0.0), amount[i])
            before = to_date
    return paid


def _reached_by_numpy(amount: np.ndarray, year: np.ndarray, attachment: float, limit: float) -> np.ndarray:
    """The route the compiled pass replaced: running caps within each year, then the settlement."""
    high = _capped_loop(amount, year, attachment + limit)
    paid = np.clip(high - _capped_loop(amount, year, attachment), 0.0, None)
    due = np.clip(np.bincount(year, weights=amount) - attachment, 0.0, limit)
    room = np.minimum(paid, amount - paid)
    crossing = np.flatnonzero(room > 0)
    if len(crossing) == 0:
        return paid
    crossing = crossing[np.lexsort((room[crossing], year[crossing]))]  # by year, the most room last
    crossing = crossing[np.r_[year[crossing][1:] != year[crossing][:-1], True]]
    settled = paid.copy()
    gap = due - np.bincount(year, weights=paid, minlength=len(due))
    settled[crossing] = np.clip(paid[crossing] + gap[year[crossing]], 0.0, amount[crossing])
    return settled


def test_layers_reached_in_time_order_match_the_running_caps_bit_for_bit() -> None:
    from cyberins.portfolio.occurrences import capped_in_time_order, stop_loss_in_time_order

    rng = np.random.default_rng(11)
    for _ in range(60):
        m = int(rng.integers(1, 2_000))
        year = np.sort(rng.integers(0, int(rng.integers(1, 40)), m))
        amount = rng.lognormal(rng.uniform(0, 20), rng.uniform(0.1, 3), m) * (rng.random(m) < 0.9)
        typical = float(np.median(np.bincount(year, weights=amount)))  # so that about half the years bind
        attachment, limit = rng.uniform(0, 2) * typical, rng.uniform(0.01, 2) * typical
        stop_loss = stop_loss_in_time_order(amount, year, attachment, limit)
        assert np.array_equal(stop_loss, _reached_by_numpy(amount, year, attachment, limit))
        assert np.array_equal(capped_in_time_order(amount, year, limit), _reached_by_numpy(amount, year, 0.0, limit))
        due = np.clip(np.bincount(year, weights=amount) - attachment, 0.0, limit)
        np.testing.assert_allclose(np.bincount(year, weights=stop_loss, minlength=len(due)), due, rtol=1e-12, atol=0.01)

"""The year simulation (contract §2, §8): equivalence with `simulate`, invariants, order, seeds, tails, exclusions."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator

import numpy as np
from scipy import stats

from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.portfolio.document import run_document
from cyberins.portfolio.events import systemic_events
from cyberins.portfolio.simulate import CHUNK_YEARS, ChunkResult, Prepared, Work, chunks, run_book, simulate_chunk
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.metrics import LEVELS
from cyberins.quant.simulate import simulate
from tests.portfolio.books import EXAMPLES, MODEL, POLICY, book, mixed, outage_book

YEARS = 20_000


def test_one_line_book_is_simulate_in_distribution() -> None:
    data = {
        "kind": "portfolio",
        "id": "one",
        "currency": "USD",
        "policies": [{"id": "solo", "industry": "professional_services", "model": MODEL, "policy": POLICY}],
    }
    run = run_book(book(data), YEARS, 5)
    model = load_model(ExplicitModelFile, EXAMPLES / "models" / "ransomware-fair-usd.yaml").to_model()
    policy = load_model(Policy, EXAMPLES / "policies" / "us-claims-made-usd.yaml")
    ref = simulate(model, policy, YEARS, 99)
    for ours, theirs in ((run.ylt["gross"], ref.ylt.insured), (run.ylt["ground_up"], ref.ylt.gross)):
        assert stats.ks_2samp(ours, theirs).pvalue > 1e-3
        se = np.hypot(ours.std(), theirs.std()) / np.sqrt(YEARS)
        assert abs(ours.mean() - theirs.mean()) < 4 * se


def test_invariants_every_year() -> None:
    run = run_book(book(mixed()), 3_000, 7)
    y = run.ylt
    assert (y["gross"] <= y["ground_up"] + 1e-6).all()
    assert (y["gross_largest"] <= y["gross"] + 1e-6).all()
    parts = y["gross.own_events"] + y["gross.cloud_region_outage"] + y["gross.edr_faulty_update"]
    np.testing.assert_allclose(parts, y["gross"], rtol=1e-12, atol=1e-6)
    doc = run_document(run)
    assert doc["policies"] == 35
    for level in LEVELS:
        block = doc["contributions"]["tvar"][str(level)]
        tvar = doc["gross"]["tvar"][str(level)]
        for group in ("by_scenario", "by_industry", "by_dependency"):
            assert abs(sum(block[group].values()) - tvar) <= 1e-9 * tvar
    top = doc["contributions"]["tvar"]["0.99"]["by_policy_top"]
    assert len(top) == 20 and all(a[1] >= b[1] for a, b in zip(top, top[1:], strict=False))
    # The uninsured line pays nothing, yet counts in ground_up.
    assert doc["by_industry"]["banking"]["gross_aal"] == 0 < doc["by_industry"]["banking"]["ground_up_aal"]


def test_line_order_changes_nothing() -> None:
    data = mixed()
    a = run_book(book(data), 2_000, 3)
    data["policies"].reverse()
    b = run_book(book(data), 2_000, 3)
    for key, col in a.ylt.items():
        np.testing.assert_allclose(b.ylt[key], col, rtol=1e-9, atol=1e-6)


def test_chunks_in_any_order_give_the_same_bits_and_report_their_years() -> None:
    b = book(mixed())
    years = 2 * CHUNK_YEARS + 10

    def backwards(kernel, prepared: Prepared, seed: int, work: Iterable[Work]) -> list[ChunkResult]:
        taken = list(work)  # all taken up before any result: no chunk is given a threshold
        assert {w[3] for w in taken} == {-math.inf}
        return [kernel(prepared, seed, *w) for w in reversed(taken)]

    given: list[float] = []

    def listening(kernel, prepared: Prepared, seed: int, work: Iterable[Work]) -> Iterator[ChunkResult]:
        for w in work:  # one at a time, in order, as in-process: each later chunk gets the threshold so far
            given.append(w[3])
            yield kernel(prepared, seed, *w)

    heard: list[int] = []
    one, other = run_book(b, years, 9, listening), run_book(b, years, 9, backwards, progress=heard.append)
    assert given[0] == -math.inf < given[1] <= given[2]
    for key, col in one.ylt.items():
        assert np.array_equal(col, other.ylt[key]), key
    for ours, theirs in zip(one.policy_years, other.policy_years, strict=True):  # the same policy years kept
        for name in ("year", "gross", "size", "policy"):
            assert np.array_equal(getattr(ours, name), getattr(theirs, name)), name
    assert heard == [10, CHUNK_YEARS, CHUNK_YEARS]  # each chunk's years as it arrives; the results unchanged
    chunk = simulate_chunk(Prepared.of(b), 9, 1, CHUNK_YEARS, CHUNK_YEARS)
    assert np.array_equal(chunk.gross, one.ylt["gross"][CHUNK_YEARS : 2 * CHUNK_YEARS])


def test_one_systemic_event_is_one_occurrence_with_one_duration() -> None:
    b = book(outage_book(count=30, rate=0.3, policy=None))
    run = run_book(b, 2_000, 1)
    drawn = [systemic_events(b.scenarios[0], 1, c, n) for c, _, n in chunks(2_000)]
    year = np.concatenate([e.year + start for e, (_, start, _) in zip(drawn, chunks(2_000), strict=True)])
    duration = np.concatenate([e.duration_h for e in drawn])
    # Every one of the 30 insureds loses 10,000 an hour for the SAME duration: one occurrence of 300,000 × D.
    expected_total = np.bincount(year, weights=300_000 * duration, minlength=2_000)
    expected_largest = np.zeros(2_000)
    np.maximum.at(expected_largest, year, 300_000 * duration)
    np.testing.assert_allclose(run.ylt["ground_up"], expected_total, rtol=1e-9)
    np.testing.assert_allclose(run.largest["ground_up"], expected_largest, rtol=1e-9)
    assert abs(run_document(run)["by_scenario"]["outage"]["events_per_year"] - 0.3) < 0.05


def test_shared_duration_makes_the_tail_fatter() -> None:
    shared = run_book(book(outage_book(policy=None)), YEARS, 2)
    independent = run_book(book(outage_book(policy=None, shared_duration=False)), YEARS, 2)
    a, b = shared.ylt["ground_up"], independent.ylt["ground_up"]
    assert abs(a.mean() - b.mean()) < 0.1 * a.mean()  # the same expected loss …
    q = 0.995
    assert np.quantile(a, q) > 1.5 * np.quantile(b, q)  # … a much fatter tail
    assert a.std() > 1.3 * b.std()


def test_state_backed_scenario_is_excluded_at_high_confidence_and_paid_under_review_below() -> None:
    excluded = outage_book(state_backed=True, attribution_confidence="high", count=5)
    run = run_book(book(excluded), 2_000, 4)
    assert run.ylt["gross"].sum() == 0 < run.ylt["ground_up"].sum()
    review = outage_book(state_backed=True, attribution_confidence="low", count=5)
    doc = run_document(run_book(book(review), 2_000, 4))
    assert doc["gross"]["aal"] > 0
    assert abs(doc["under_review"]["gross_aal"] - doc["gross"]["aal"]) < 1e-6 * doc["gross"]["aal"]


def test_waiting_period_keeps_short_outages_out() -> None:
    # 10-hour time retention and a 25,000 retention: a 3-hour outage at 10,000 an hour pays nothing.
    data = outage_book(count=3, duration_hours={"dist": "fixed", "value": 3})
    assert run_book(book(data), 500, 1).ylt["gross"].sum() == 0
    data = outage_book(count=3, duration_hours={"dist": "fixed", "value": 20})
    run = run_book(book(data), 500, 1)
    events = run.ylt["ground_up"] / 200_000
    np.testing.assert_allclose(run.ylt["gross"], events * (10 * 10_000 - 25_000), rtol=1e-9)


def test_prepared_book_pickles() -> None:
    import pickle

    prepared = Prepared.of(book(mixed()))
    again = pickle.loads(pickle.dumps(prepared))
    assert dataclasses.fields(again) and again.book.id == prepared.book.id


def test_a_line_whose_model_is_an_organisation_profile() -> None:
    import pickle

    data = {
        "kind": "portfolio",
        "id": "cny",
        "currency": "CNY",
        "policies": [
            {
                "id": "sme",
                "count": 3,
                "industry": "retail",
                "model": "../orgs/sme-retailer.yaml",
                "policy": "../policies/sme-standalone-cny.yaml",
            }
        ],
    }
    b = book(data)
    assert b.lines[0].model is not None and b.lines[0].model.kind != "explicit"
    run = run_book(pickle.loads(pickle.dumps(b)), 500, 2)  # the assessed model travels to Dask workers
    assert run.ylt["ground_up"].sum() > 0 and (run.ylt["gross"] <= run.ylt["ground_up"] + 1e-6).all()


def test_a_chunk_drops_the_policy_years_of_its_years_below_the_threshold_it_is_given() -> None:
    prepared = Prepared.of(book(mixed()))
    every = simulate_chunk(prepared, 4, 1, CHUNK_YEARS, CHUNK_YEARS)
    threshold = float(np.quantile(every.gross, 0.8))
    cut = simulate_chunk(prepared, 4, 1, CHUNK_YEARS, CHUNK_YEARS, threshold)
    assert 0 < len(cut.policy_tail) < 0.5 * len(every.policy_tail)
    assert (cut.gross[cut.policy_tail.year] >= threshold).all()
    # Exactly the groups of the years at or above it, in the same order; the year sums do not move.
    expected = every.policy_tail.where(every.gross[every.policy_tail.year] >= threshold)
    for name in ("year", "gross", "size", "policy"):
        assert np.array_equal(getattr(cut.policy_tail, name), getattr(expected, name)), name
    assert np.array_equal(cut.gross, every.gross) and np.array_equal(cut.net, every.net)


def test_policy_years_outside_every_tail_are_dropped_without_changing_a_contribution() -> None:
    from cyberins.portfolio.measures import row_contributions, tvar_weights

    b = book(mixed())
    years = 2 * CHUNK_YEARS + 500
    run = run_book(b, years, 6)
    prepared = Prepared.of(b)
    full = [simulate_chunk(prepared, 6, *w) for w in chunks(years)]  # no threshold: every policy year
    rows = [p.policy_tail.rows() for p in full]
    year = np.concatenate([r[0] + p.start for r, p in zip(rows, full, strict=True)])
    index = np.concatenate([r[1] for r in rows])
    gross = np.concatenate([r[2] for r in rows])
    kept = sum(len(p) for p in run.policy_years)
    assert kept < 0.3 * len(year)  # most policy years are dropped …
    grouped = [p.policy_tail.shifted(p.start) for p in full]
    for weights in tvar_weights(run.ylt["gross"]).values():  # … and no contribution moves
        every = row_contributions(weights, year, index, gross, b.policies)
        ours = sum((p.contributions(weights, b.policies) for p in run.policy_years), np.zeros(b.policies))
        np.testing.assert_allclose(ours, every, rtol=1e-12, atol=0)
        unpruned = sum((p.contributions(weights, b.policies) for p in grouped), np.zeros(b.policies))
        np.testing.assert_array_equal(ours, unpruned)


def test_grouped_policy_years_are_the_rows() -> None:
    from cyberins.portfolio.measures import PolicyTail

    year = np.array([3, 1, 3, 1, 1, 0], dtype=np.int32)
    policy = np.array([7, 2, 8, 3, 4, 5], dtype=np.int32)
    gross = np.array([5.0, 2.0, 5.0, 2.0, 9.0, 1.0])
    rows = PolicyTail.of(year, policy, gross)
    assert rows.size.tolist() == [1, 2, 1, 2]  # year 0; year 1: 2.0 twice, then 9.0; year 3: 5.0 twice
    y, p, g = rows.rows()
    assert sorted(zip(y.tolist(), p.tolist(), g.tolist(), strict=True)) == sorted(
        zip(year.tolist(), policy.tolist(), gross.tolist(), strict=True)
    )
    assert len(rows.where(np.array([False, True, False, True]))) == 4
    weights = np.array([0.0, 0.5, 0.0, 0.25])
    np.testing.assert_array_equal(rows.contributions(weights, 10), [0, 0, 1, 1, 4.5, 0, 0, 1.25, 1.25, 0])


def test_hits_drawn_in_slices_are_the_whole_matrix() -> None:
    from cyberins.portfolio.events import hits

    whole = np.random.default_rng(3).random((50, 7)) < 0.3
    event, copy = hits(np.random.default_rng(3), 50, 7, 0.3, slice_draws=20)  # slices of 2 events
    assert np.array_equal(np.stack([event, copy]), np.stack(np.nonzero(whole)))


def test_a_lines_compiled_sums_are_the_bincounts_bit_for_bit() -> None:
    from cyberins.portfolio.jit import line_sums

    rng = np.random.default_rng(8)
    n, n_years, n_sources, n_systemic = 5_000, 64, 3, 40
    year, source = rng.integers(0, n_years, n), rng.integers(0, n_sources, n)
    occurrence = np.where(source > 0, rng.integers(0, n_systemic, n), n_systemic + np.arange(n))
    paid, ground_up = rng.lognormal(10, 2, n), rng.lognormal(11, 2, n)
    weight, review = rng.integers(1, 5, n).astype(float), rng.lognormal(8, 1, n)
    gross, gu, under_review, by_source, gu_by_source, gu_largest, gross_largest, sys_gu, sys_gross = line_sums(
        year, source, occurrence, paid, ground_up, weight, review, n_years, n_sources, n_systemic
    )
    p, g = paid * weight, ground_up * weight
    assert np.array_equal(gross, np.bincount(year, weights=p, minlength=n_years))
    assert np.array_equal(gu, np.bincount(year, weights=g, minlength=n_years))
    assert np.array_equal(under_review, np.bincount(year, weights=review * weight, minlength=n_years))
    width = n_sources * n_years
    assert np.array_equal(by_source.ravel(), np.bincount(source * n_years + year, weights=p, minlength=width))
    assert np.array_equal(gu_by_source, np.bincount(source, weights=g, minlength=n_sources))
    own, systemic = source == 0, source > 0
    expected = np.zeros(n_years)
    np.maximum.at(expected, year[own], ground_up[own])
    assert np.array_equal(gu_largest, expected)
    expected = np.zeros(n_years)
    np.maximum.at(expected, year[own], paid[own])
    assert np.array_equal(gross_largest, expected)
    sys_occ = occurrence[systemic]
    assert np.array_equal(sys_gu, np.bincount(sys_occ, weights=g[systemic], minlength=n_systemic))
    assert np.array_equal(sys_gross, np.bincount(sys_occ, weights=p[systemic], minlength=n_systemic))


def test_the_workers_cluster_starts_beside_another_and_keeps_the_same_bits() -> None:
    import socket
    from contextlib import closing, suppress

    from cyberins.portfolio.cluster import dask_mapper

    b = book(mixed())
    years = 5 * CHUNK_YEARS  # more chunks than the 2 in flight on one worker
    with closing(socket.socket()) as other:  # another cluster's scheduler holds Dask's default port
        with suppress(OSError):  # … or someone else's already does
            other.bind(("127.0.0.1", 8787))
            other.listen()
        with dask_mapper(1) as mapper:  # with warnings as errors, Dask's "port in use" would fail here
            remote = run_book(b, years, 2, mapper)
    local = run_book(b, years, 2)
    for key, col in local.ylt.items():
        assert np.array_equal(col, remote.ylt[key]), key
    for ours, theirs in zip(local.policy_years, remote.policy_years, strict=True):
        for name in ("year", "gross", "size", "policy"):
            assert np.array_equal(getattr(ours, name), getattr(theirs, name)), name

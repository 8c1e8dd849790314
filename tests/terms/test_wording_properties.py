"""Properties of the wording options (rules 5, 19, 20) and of compact results, on strategy-drawn policies and
losses (the strategies of test_engine_properties)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings

from cyberins.model.ids import WaitingPeriodMode
from cyberins.model.policy import Policy
from cyberins.terms import CompiledTerms, LossTable, Step, apply_terms
from cyberins.terms.compiled import MODE_CODES
from tests.terms.test_engine_properties import TOL, policies, tables, yearly


def plain_terms(p: Policy) -> CompiledTerms:
    """`p` compiled, with a `greater_of` waiting period read as `time_retention`: under `greater_of` a
    business-interruption retention depends on the event, which the comparisons below do not model."""
    terms = CompiledTerms.from_policy(p)
    mode = np.where(
        terms.waiting_mode == MODE_CODES[WaitingPeriodMode.GREATER_OF],
        MODE_CODES[WaitingPeriodMode.TIME_RETENTION],
        terms.waiting_mode,
    )
    return replace(terms, waiting_mode=mode.astype(np.int8))


def both_bases(terms: CompiledTerms, t: LossTable) -> tuple[dict[Step, np.ndarray], dict[Step, np.ndarray]]:
    """The traces under one retention per incident and one per coverage."""
    incident = apply_terms(t, replace(terms, retention_per_incident=True), trace=True).trace
    coverage = apply_terms(t, replace(terms, retention_per_incident=False), trace=True).trace
    assert incident is not None and coverage is not None
    return incident, coverage


@settings(max_examples=150, deadline=None)
@given(policies(), tables())
def test_with_equal_retentions_one_per_incident_never_pays_less(p: Policy, t: LossTable) -> None:
    """All retentions equal r: the incident bears min(r, its loss) once instead of up to r per coverage, and
    no coverage bears more than min(r, its loss); so each amount after the retention, and every policy
    year's payable, is at least the per-coverage one."""
    terms = plain_terms(p)
    r = float(terms.retention.min())
    incident, coverage = both_bases(replace(terms, retention=np.full_like(terms.retention, r)), t)
    assert (incident[Step.RETENTION] >= coverage[Step.RETENTION] - TOL).all()
    assert (
        yearly(incident[Step.AGGREGATE], t.period).sum(axis=1)
        >= yearly(coverage[Step.AGGREGATE], t.period).sum(axis=1) - TOL
    ).all()


@settings(max_examples=150, deadline=None)
@given(policies(), tables())
def test_one_per_incident_lies_between_no_retention_and_every_retention_at_the_highest(p: Policy, t: LossTable) -> None:
    """The one retention is at most the policy's highest: the policy pays at least what it would pay with
    every coverage's own retention raised to the highest, and at most what it pays with no retention."""
    terms = plain_terms(p)
    highest = np.full_like(terms.retention, terms.retention.max())
    incident, _ = both_bases(terms, t)
    _, raised = both_bases(replace(terms, retention=highest), t)
    _, none = both_bases(replace(terms, retention=np.zeros_like(terms.retention)), t)
    paid = yearly(incident[Step.AGGREGATE], t.period).sum(axis=1)
    assert (paid >= yearly(raised[Step.AGGREGATE], t.period).sum(axis=1) - TOL).all()
    assert (paid <= yearly(none[Step.AGGREGATE], t.period).sum(axis=1) + TOL).all()


@settings(max_examples=150, deadline=None)
@given(policies(), tables())
def test_the_one_retention_is_the_highest_reached_and_is_taken_in_policy_order(p: Policy, t: LossTable) -> None:
    terms = replace(plain_terms(p), retention_per_incident=True)
    result = apply_terms(t, terms, trace=True)
    assert result.trace is not None and result.incident_retention is not None
    before, after = result.trace[Step.WAITING_PERIOD], result.trace[Step.RETENTION]
    taken = before - after
    reached = before > 0
    highest = np.where(reached, terms.retention, 0.0).max(axis=1)
    assert np.allclose(result.incident_retention, highest)
    assert np.allclose(taken.sum(axis=1), np.minimum(highest, before.sum(axis=1)))
    for row_taken, row_after in zip(taken, after, strict=True):
        # once a coverage keeps something, the retention is used up: no later coverage gives any
        left = np.flatnonzero(row_after > TOL)
        if left.size:
            assert (row_taken[left[0] + 1 :] <= TOL).all()


@settings(max_examples=100, deadline=None)
@given(policies(), tables())
def test_event_types_only_remove_losses_and_under_review_is_part_of_the_payable(p: Policy, t: LossTable) -> None:
    terms = CompiledTerms.from_policy(p)
    everything = replace(terms, answers=np.ones_like(terms.answers))
    result = apply_terms(t, terms)
    if t.event_type is None or terms.answers.all():
        assert np.array_equal(result.payable, apply_terms(t, everything).payable)
    mask = terms.not_answered(t.event_type) if t.event_type is not None else None
    if mask is not None:
        assert (result.payable[mask] == 0).all()  # columns of `terms` are the policy's, like the mask's
    if t.under_review is None:
        assert result.under_review_payable is None
    else:
        assert result.under_review_payable is not None
        total = result.payable.sum(axis=1)
        assert np.allclose(result.under_review_payable, np.where(t.under_review, total, 0.0))


@settings(max_examples=100, deadline=None)
@given(policies(), tables())
def test_compact_results_are_the_full_results_columns(p: Policy, t: LossTable) -> None:
    terms = CompiledTerms.from_policy(p)
    full, compact = apply_terms(t, terms, trace=True), apply_terms(t, terms, trace=True, compact=True)
    held = [j for j, c in enumerate(full.coverages) if c in t.coverages]
    assert compact.coverages == tuple(full.coverages[j] for j in held)
    assert np.array_equal(compact.payable, full.payable[:, held])
    assert compact.trace is not None and full.trace is not None
    assert all(np.array_equal(compact.trace[s], full.trace[s][:, held]) for s in Step)
    assert np.array_equal(compact.money_only_time_element, full.money_only_time_element[held])

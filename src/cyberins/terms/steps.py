"""The steps of DESIGN.md rule 1, one function each, named by the policy clause it applies.

In the manner of OasisLMF's calculation rules, each step is a small pure function over events × coverages
arrays (float64 for simulations, `Decimal` objects for claims: the same expressions serve both), but named by
what it does rather than numbered. `engine.apply_terms` runs them in the rule's order on arrays whose rows
are sorted by (policy year, time) and whose columns are the covered coverages the table holds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from cyberins.model.ids import WaitingPeriodMode
from cyberins.terms.compiled import MODE_CODES
from cyberins.terms.kernels import capped_running, reaches_cap, take_in_order, take_retention
from cyberins.terms.tables import Amounts, BoolArray, IntArray


@dataclass(frozen=True)
class Hourly:
    """Income lost by the hour on the time-element columns `te` (arrays n × len(te)), from the outages."""

    #: Positions, among the step arrays' columns, of the time-element coverages (business interruption).
    te: IntArray
    #: Income lost over every outage hour.
    income_all: Amounts
    #: Income lost inside the indemnity period (rule 3).
    income_ip: Amounts
    #: Income lost inside the waiting period (rule 2; never beyond the indemnity period).
    income_wait: Amounts
    #: Hours from the first outage's start to the last one's end.
    duration: Amounts
    #: Whether the loss came in hours (rule 15): only then can the waiting period act.
    has_hours: BoolArray


def remove_excluded(
    excluded: BoolArray, loss: Amounts, defence: Amounts, hourly: Hourly, zero: Any
) -> tuple[Amounts, Amounts, Hourly]:
    """Exclusions, jurisdiction rules and cover by event type (rules 7-9, 19): an excluded event × coverage
    pays nothing, neither its loss, its defence costs nor its hourly income."""
    keep = ~excluded
    keep_te = keep[:, hourly.te]
    hours = replace(
        hourly,
        income_all=np.where(keep_te, hourly.income_all, zero),
        income_ip=np.where(keep_te, hourly.income_ip, zero),
        income_wait=np.where(keep_te, hourly.income_wait, zero),
    )
    return np.where(keep, loss, zero), np.where(keep, defence, zero), hours


def add_indemnity_period_income(loss: Amounts, hourly: Hourly) -> Amounts:
    """Indemnity period (rule 3): the income lost inside it, counted from the first outage's start, joins the
    business-interruption loss; hours after it are not paid. Adds into `loss` in place (the engine owns it:
    a copy of a million-row array would cost more than the step) and returns it."""
    loss[:, hourly.te] += hourly.income_ip
    return loss


def apply_waiting_period(
    loss: Amounts, retention: Amounts, hourly: Hourly, mode: IntArray, waiting_h: Amounts, zero: Any
) -> tuple[Amounts, Amounts]:
    """Waiting period (rule 2), on the time-element columns of losses given in hours, by the policy's mode
    (`mode` and `waiting_h` per time-element column):

    - `time_retention`: the income lost inside the first W hours is not paid;
    - `trigger`: nothing is paid unless the interruption lasts strictly more than W hours;
    - `greater_of`: the monetary retention becomes the greater of itself and the income inside W hours.

    Returns the loss and the retention (events × coverages) that the next step takes.
    """
    te, has_hours = hourly.te, hourly.has_hours
    if not te.size or not has_hours.any():
        return loss, retention
    part = loss[:, te]
    part = np.where(has_hours & (mode == MODE_CODES[WaitingPeriodMode.TIME_RETENTION]), part - hourly.income_wait, part)
    reached = hourly.duration > waiting_h
    part = np.where(has_hours & (mode == MODE_CODES[WaitingPeriodMode.TRIGGER]) & ~reached, zero, part)
    loss[:, te] = part
    greater_of = has_hours & (mode == MODE_CODES[WaitingPeriodMode.GREATER_OF])
    if greater_of.any():
        retention = np.array(retention)
        retention[:, te] = np.where(greater_of, np.maximum(retention[:, te], hourly.income_wait), retention[:, te])
    return loss, retention


def take_retentions(
    loss: Amounts, defence: Amounts, retention: Amounts, *, per_incident: bool, defence_given: bool, zero: Any
) -> tuple[Amounts, Amounts, Amounts | None]:
    """Monetary retention (rules 5-6), taken first from the defence costs, then from the loss.

    One retention per coverage and incident; or, with `per_incident`, one per incident: the highest among
    the coverages the incident still reaches, taken from them in the policy's order. Without defence costs
    in the table (`defence_given` false, `defence` zeros) the retention comes off the loss alone. Returns the
    loss and defence left, and the per-incident retention per event (None per coverage).
    """
    if per_incident and loss.shape[1]:
        one = np.where((loss + defence) > zero, retention, zero).max(axis=1)
        defence, loss = take_in_order(defence, loss, one, zero)
        return loss, defence, one
    if defence_given:
        defence, loss = take_retention(defence, loss, retention, zero)
        return loss, defence, None
    return np.maximum(loss - retention, zero), defence, None


def limit_each_claim(
    loss: Amounts, defence: Amounts, each_claim_limit: Amounts, *, expenses_erode: bool, zero: Any
) -> tuple[Amounts, Amounts]:
    """Each-claim limit: the most one incident pays per coverage. When the policy says claims expenses erode
    the limit (rule 6), defence costs count inside it and no longer stand apart; otherwise they are paid on
    top of the limit."""
    if expenses_erode:
        return np.minimum(loss + defence, each_claim_limit), np.full_like(defence, zero)
    return np.minimum(loss, each_claim_limit), defence


def apply_coinsurance(loss: Amounts, defence: Amounts, coinsurance: Amounts) -> tuple[Amounts, Amounts]:
    """Coinsurance: the insured keeps its share (per coverage) of the loss and of the defence costs."""
    if not (coinsurance != 0).any():
        return loss, defence
    share = 1 - coinsurance
    return loss * share, defence * share


def erode_sublimits(loss: Amounts, period: IntArray, sublimit: Amounts, prior: Amounts) -> Amounts:
    """Sublimit remaining in the policy year: incidents erode each coverage's sublimit in time order, after
    what the year has already paid (`prior`, per coverage; rule 11)."""
    return capped_running(loss, period, sublimit, prior)


def erode_aggregate(loss: Amounts, period: IntArray, aggregate_limit: Any, prior_total: Any) -> Amounts:
    """Aggregate remaining in the policy year: incidents erode it in time order and, within one incident,
    coverage by coverage in the policy's order (rule 1), after what the year has already paid."""
    if not reaches_cap(loss.sum(axis=1), period, aggregate_limit, prior_total):
        return loss
    n, k = loss.shape
    flat = capped_running(loss.reshape(-1), np.repeat(period, k), aggregate_limit, prior_total)
    return flat.reshape(n, k)

"""The exact single-incident path: one incident through a policy, in `Decimal`, step by step.

A loss scenario (`policy apply`, `settle_scenario`) and a claim (`claim adjust`) both become a one-event
table with `incident_table` and are settled with `settle_incident`: the same table builder, the same engine
and the same rounding (`round_in_order`), so the two paths pay the same to the cent on the same loss.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import numpy as np

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Coverage, EventType
from cyberins.model.money import to_minor
from cyberins.model.policy import Policy
from cyberins.model.scenario import LossScenario
from cyberins.terms.compiled import CompiledTerms
from cyberins.terms.engine import Step, WaitingTrace, apply_terms
from cyberins.terms.tables import Amounts, LossTable, Outages


class OutageSegment(Protocol):
    """An outage of a time-element coverage in hours after the first outage's start (a scenario's `Outage`,
    a claim's `Segment`)."""

    @property
    def coverage(self) -> Coverage: ...
    @property
    def start_h(self) -> Decimal: ...
    @property
    def end_h(self) -> Decimal: ...
    @property
    def per_hour(self) -> Decimal: ...


def _decimals(values: Sequence[Decimal]) -> Amounts:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def incident_table(
    coverages: Sequence[Coverage],
    losses: Mapping[Coverage, Decimal],
    defence: Mapping[Coverage, Decimal],
    outages: Sequence[OutageSegment],
    *,
    excluded: Mapping[Coverage, bool] | None = None,
    event_type: EventType | None = None,
) -> LossTable:
    """One incident as a one-event `Decimal` loss table over `coverages`.

    `losses` are money per coverage (absent: 0), `defence` the claims expenses (rule 6), `outages` the hourly
    income of time-element coverages (segments on other coverages are left out); `excluded` marks coverages
    the exclusions remove; `event_type` lets the policy's cover by event type act (rule 19).
    """
    covs = tuple(coverages)
    column = {c: j for j, c in enumerate(covs)}
    segments = [s for s in outages if s.coverage in column]
    excluded = excluded or {}
    return LossTable(
        coverages=covs,
        period=np.zeros(1, dtype=np.int64),
        time=np.zeros(1),
        ground_up=_decimals([losses.get(c, Decimal(0)) for c in covs]).reshape(1, -1),
        defence=_decimals([defence.get(c, Decimal(0)) for c in covs]).reshape(1, -1),
        excluded=np.array([[excluded.get(c, False) for c in covs]], dtype=bool),
        outages=Outages(
            event=np.zeros(len(segments), dtype=np.int64),
            coverage=np.array([column[s.coverage] for s in segments], dtype=np.int64),
            start_h=_decimals([s.start_h for s in segments]),
            end_h=_decimals([s.end_h for s in segments]),
            per_hour=_decimals([s.per_hour for s in segments]),
        ),
        event_type=None if event_type is None else np.array([list(EventType).index(event_type)], dtype=np.int64),
    )


def round_in_order(exact: Mapping[Coverage, Decimal], currency: str) -> dict[Coverage, Decimal]:
    """Payables at the minor unit that never add up to more than the exact total rounded (rules 1, 11).

    Rounding each coverage alone (half up) can make the lines exceed an aggregate the exact amounts just fill.
    So the coverages are taken in `exact`'s order (the policy's, in which they erode the aggregate) and each
    pays its own rounded amount, but no more than the rounded running total leaves: a line is at most its own
    rounding, and the total at most the rounded exact total.

    >>> from decimal import Decimal as D
    >>> from cyberins.model.ids import Coverage as C
    >>> round_in_order({C.LEGAL: D("0.005"), C.CONSULTING: D("0.005")}, "CNY")
    {<Coverage.LEGAL: 'legal'>: Decimal('0.01'), <Coverage.CONSULTING: 'consulting'>: Decimal('0.00')}
    """
    out: dict[Coverage, Decimal] = {}
    running, paid = Decimal(0), to_minor(Decimal(0), currency)
    for coverage, amount in exact.items():
        running += amount
        room = max(to_minor(running, currency) - paid, to_minor(Decimal(0), currency))
        out[coverage] = min(to_minor(amount, currency), room)
        paid += out[coverage]
    return out


@dataclass(frozen=True)
class Waiting:
    """What one time-element coverage's waiting period (rule 2) acted on, as the engine computed it."""

    #: Per outage of the coverage (the table's order): hours inside the waiting period and income an hour;
    #: `income` is the sum of their products.
    parts: tuple[tuple[Decimal, Decimal], ...]
    income: Decimal
    #: Hours from the first outage's start to the last one's end (what a `trigger` waiting period compares).
    span_h: Decimal


@dataclass(frozen=True)
class IncidentTerms:
    """One incident under a policy: the exact amount after each step and the payable at the minor unit, for
    the covered coverages the table holds, in the policy's order."""

    steps: dict[Coverage, dict[Step, Decimal]]
    payable: dict[Coverage, Decimal]
    money_only_time_element: tuple[Coverage, ...]
    #: The one retention of `retention_basis: per_incident` (None under `per_coverage`).
    incident_retention: Decimal | None
    #: The waiting period's figures per coverage the table gives in hours.
    waiting: dict[Coverage, Waiting]


def settle_incident(
    policy: Policy, table: LossTable, prior_paid: Mapping[Coverage, Decimal] | None = None
) -> IncidentTerms:
    """Run the terms engine on a one-event table (`incident_table`) and round with `round_in_order`."""
    result = apply_terms(
        table, CompiledTerms.from_policy(policy, "decimal"), prior_paid=dict(prior_paid or {}), trace=True, compact=True
    )
    assert result.trace is not None and result.waiting is not None
    steps = {c: {s: Decimal(v[0, j]) for s, v in result.trace.items()} for j, c in enumerate(result.coverages)}
    flags = result.money_only_time_element
    one = result.incident_retention
    return IncidentTerms(
        steps=steps,
        payable=round_in_order({c: v[Step.AGGREGATE] for c, v in steps.items()}, policy.currency),
        money_only_time_element=tuple(c for c, flag in zip(result.coverages, flags, strict=True) if flag),
        incident_retention=None if one is None else Decimal(one[0]),
        waiting=_waiting(table, result.coverages, result.waiting),
    )


def _waiting(table: LossTable, coverages: tuple[Coverage, ...], trace: WaitingTrace) -> dict[Coverage, Waiting]:
    out = table.outages
    if out is None:
        return {}
    parts: dict[Coverage, list[tuple[Decimal, Decimal]]] = {}
    for column, hours, rate in zip(out.coverage, trace.outage_hours, out.per_hour, strict=True):
        parts.setdefault(table.coverages[column], []).append((Decimal(hours), Decimal(rate)))
    return {
        c: Waiting(tuple(parts[c]), Decimal(trace.income[0, j]), Decimal(trace.span_h[0, j]))
        for j, c in enumerate(coverages)
        if c in parts
    }


@dataclass(frozen=True)
class CoverageSettlement:
    """One coverage of one incident: what remained payable after each step of rule 1 (each rounded to the
    cent) and the payable, rounded in the policy's order with the others (`round_in_order`)."""

    coverage: Coverage
    steps: dict[Step, Decimal]
    payable: Decimal

    @property
    def ground_up(self) -> Decimal:
        return self.steps[Step.GROUND_UP]


@dataclass(frozen=True)
class ScenarioSettlement:
    currency: str
    lines: tuple[CoverageSettlement, ...]
    #: Coverages the scenario hits that the policy does not buy (they pay nothing).
    not_purchased: tuple[Coverage, ...]
    money_only_time_element: tuple[Coverage, ...]

    @property
    def total_payable(self) -> Decimal:
        """The exact sum of the payable lines: never more than the exact total rounded, nor than a limit."""
        return sum((line.payable for line in self.lines), Decimal(0))


def scenario_table(scenario: LossScenario) -> LossTable:
    """The scenario as a one-event loss table of `Decimal` amounts."""
    return incident_table(
        scenario.coverages(), scenario.losses, scenario.defence, scenario.outages, event_type=scenario.event_type
    )


def settle_scenario(
    policy: Policy, scenario: LossScenario, prior_paid: dict[Coverage, Decimal] | None = None
) -> ScenarioSettlement:
    """Apply `policy` to one incident exactly; the payables are rounded to the currency's minor unit in the
    policy's coverage order (`round_in_order`), as a claim's are."""
    if scenario.currency != policy.currency:
        said = Said("input.other.loss_currency", {"currency": scenario.currency, "policy": policy.currency})
        raise InvalidInput.one("currency", said)
    for cov in prior_paid or {}:
        if cov not in policy.coverages:
            raise InvalidInput.one(f"prior_paid.{cov.value}", Said("input.other.not_covered"))
    settled = settle_incident(policy, scenario_table(scenario), prior_paid)
    lines = tuple(
        CoverageSettlement(
            c, {step: to_minor(amount, policy.currency) for step, amount in steps.items()}, settled.payable[c]
        )
        for c, steps in settled.steps.items()
    )
    return ScenarioSettlement(
        currency=policy.currency,
        lines=lines,
        not_purchased=tuple(c for c in scenario.coverages() if c not in policy.coverages),
        money_only_time_element=settled.money_only_time_element,
    )

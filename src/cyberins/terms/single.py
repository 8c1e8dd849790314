"""The exact single-incident path: one loss scenario through a policy, in `Decimal`, step by step."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from cyberins.model.errors import InvalidInput
from cyberins.model.ids import Coverage
from cyberins.model.money import to_minor
from cyberins.model.policy import Policy
from cyberins.model.scenario import LossScenario
from cyberins.terms.compiled import CompiledTerms
from cyberins.terms.engine import Step, apply_terms
from cyberins.terms.tables import Amounts, LossTable, Outages


@dataclass(frozen=True)
class CoverageSettlement:
    """One coverage of one incident: what remained payable after each step of rule 1, rounded to the cent."""

    coverage: Coverage
    steps: dict[Step, Decimal]

    @property
    def ground_up(self) -> Decimal:
        return self.steps[Step.GROUND_UP]

    @property
    def payable(self) -> Decimal:
        return self.steps[Step.AGGREGATE]


@dataclass(frozen=True)
class ScenarioSettlement:
    currency: str
    lines: tuple[CoverageSettlement, ...]
    #: Coverages the scenario hits that the policy does not buy (they pay nothing).
    not_purchased: tuple[Coverage, ...]
    money_only_time_element: tuple[Coverage, ...]

    @property
    def total_payable(self) -> Decimal:
        return sum((line.payable for line in self.lines), Decimal(0))


def _decimals(values: list[Decimal]) -> Amounts:
    return np.array(values, dtype=object)


def scenario_table(scenario: LossScenario) -> LossTable:
    """The scenario as a one-event loss table of `Decimal` amounts."""
    coverages = scenario.coverages()
    column = {c: j for j, c in enumerate(coverages)}
    ground_up = _decimals([scenario.losses.get(c, Decimal(0)) for c in coverages]).reshape(1, -1)
    defence = _decimals([scenario.defence.get(c, Decimal(0)) for c in coverages]).reshape(1, -1)
    outages = Outages(
        event=np.zeros(len(scenario.outages), dtype=np.int64),
        coverage=np.array([column[o.coverage] for o in scenario.outages], dtype=np.int64),
        start_h=_decimals([o.start_h for o in scenario.outages]),
        end_h=_decimals([o.end_h for o in scenario.outages]),
        per_hour=_decimals([o.per_hour for o in scenario.outages]),
    )
    return LossTable(
        coverages=coverages,
        period=np.zeros(1, dtype=np.int64),
        time=np.zeros(1),
        ground_up=ground_up,
        outages=outages,
        defence=defence,
    )


def settle_scenario(
    policy: Policy, scenario: LossScenario, prior_paid: dict[Coverage, Decimal] | None = None
) -> ScenarioSettlement:
    """Apply `policy` to one incident exactly; amounts are rounded to the currency's minor unit at the end."""
    if scenario.currency != policy.currency:
        raise InvalidInput.one(
            "currency",
            f"the loss is in {scenario.currency} but the policy pays in {policy.currency} (rule 11)",
        )
    for cov in prior_paid or {}:
        if cov not in policy.coverages:
            raise InvalidInput.one(f"prior_paid.{cov.value}", "the policy does not cover this coverage")
    terms = CompiledTerms.from_policy(policy, "decimal")
    result = apply_terms(scenario_table(scenario), terms, prior_paid=prior_paid, trace=True)
    assert result.trace is not None
    touched = set(scenario.coverages())
    lines = tuple(
        CoverageSettlement(
            cov,
            {step: to_minor(Decimal(values[0, j]), policy.currency) for step, values in result.trace.items()},
        )
        for j, cov in enumerate(result.coverages)
        if cov in touched
    )
    return ScenarioSettlement(
        currency=policy.currency,
        lines=lines,
        not_purchased=tuple(c for c in scenario.coverages() if c not in policy.coverages),
        money_only_time_element=tuple(
            c for c, flag in zip(result.coverages, result.money_only_time_element, strict=True) if flag
        ),
    )

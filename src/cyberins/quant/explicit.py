"""Explicit risk models (`kind: explicit`): an analyst's own estimates, FAIR-style (issue 4 contract).

```yaml
kind: explicit
currency: USD
event_types:
  ransomware:
    frequency: {dist: poisson, lam: 0.3}            # or {dist: negbin, mean: 1.5, var: 3}
    losses:                                        # ground-up loss per event, per coverage
      business_interruption: {hours: {dist: lognormal, ci90: [8, 400]}, per_hour: 20000}
      data_restoration: {dist: gamma, shape: 0.8, scale: 150000}
      incident_response: {dist: pert, low: 10000, mode: 40000, high: 300000}
```

Losses of one event are drawn independently per coverage: an explicit model states marginals, not their
dependence (an assessed model draws shared drivers instead).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from pydantic import Field, PositiveFloat, model_validator

from cyberins.model.base import Frozen
from cyberins.model.ids import TIME_ELEMENT_COVERAGES, Coverage, EventType
from cyberins.model.money import Currency
from cyberins.quant.distributions import Frequency, Severity
from cyberins.quant.model import EventDraws, EventTypeModel, RiskModel


class HourlyLoss(Frozen):
    """A time-element loss given as outage hours and income per hour, so waiting periods can act (rule 15)."""

    hours: Severity
    per_hour: PositiveFloat = Field(allow_inf_nan=False)
    extra_expense: Severity | None = None


class ExplicitEventType(Frozen):
    frequency: Frequency
    losses: dict[Coverage, Severity | HourlyLoss] = Field(min_length=1)
    #: Share of events whose state-backed attribution stays under review (rule 20); paid and reported apart.
    attribution_under_review: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)

    @model_validator(mode="after")
    def _hours_only_for_bi(self) -> ExplicitEventType:
        wrong = [
            c.value for c, v in self.losses.items() if isinstance(v, HourlyLoss) and c not in TIME_ELEMENT_COVERAGES
        ]
        if wrong:
            raise ValueError(f"losses.{wrong[0]}: hours and per_hour apply only to business-interruption coverages")
        return self


class ExplicitModelFile(Frozen):
    kind: Literal["explicit"]
    currency: Currency
    name: str = ""
    event_types: dict[EventType, ExplicitEventType] = Field(min_length=1)

    def to_model(self) -> RiskModel:
        return RiskModel(
            currency=self.currency,
            kind="explicit",
            name=self.name,
            event_types=tuple(
                EventTypeModel(
                    event_type=et,
                    frequency=spec.frequency,
                    severity=IndependentSeverity.of(spec.losses),
                    under_review=spec.attribution_under_review,
                )
                for et, spec in self.event_types.items()
            ),
        )


@dataclass(frozen=True)
class IndependentSeverity:
    """Each coverage's loss drawn from its own distribution, independently; `factor` scales every amount."""

    marginals: tuple[tuple[Coverage, Severity | HourlyLoss], ...]
    factor: float = 1.0

    @classmethod
    def of(cls, losses: dict[Coverage, Severity | HourlyLoss]) -> IndependentSeverity:
        return cls(tuple(losses.items()))

    @property
    def coverages(self) -> tuple[Coverage, ...]:
        return tuple(c for c, _ in self.marginals)

    def sample(self, rng: np.random.Generator, n: int) -> EventDraws:
        """Prefix-stable draws (`SeverityModel`): each coverage draws from its own child of `rng`, full length;
        an hourly loss from two grandchildren (hours, extra expense)."""
        money = np.zeros((n, len(self.marginals)), order="F")  # one column per draw: each written in one piece
        outages = {}
        for j, ((_, spec), child) in enumerate(zip(self.marginals, rng.spawn(len(self.marginals)), strict=True)):
            if isinstance(spec, HourlyLoss):
                hours_rng, extra_rng = child.spawn(2)
                outages[j] = (spec.hours.sample(hours_rng, n), np.full(n, spec.per_hour * self.factor))
                if spec.extra_expense is not None:
                    money[:, j] = spec.extra_expense.sample(extra_rng, n)
            else:
                money[:, j] = spec.sample(child, n)
        if self.factor != 1.0:
            money *= self.factor
        return EventDraws(self.coverages, money, outages)

    def mean(self) -> dict[Coverage, float]:
        def one(spec: Severity | HourlyLoss) -> float:
            if isinstance(spec, HourlyLoss):
                extra = spec.extra_expense.mean() if spec.extra_expense else 0.0
                return spec.hours.mean() * spec.per_hour + extra
            return spec.mean()

        return {c: one(spec) * self.factor for c, spec in self.marginals}

    def scaled(self, factor: float) -> IndependentSeverity:
        return replace(self, factor=self.factor * factor)

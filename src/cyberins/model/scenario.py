"""A ground-up loss scenario: what one incident cost, per coverage, before any policy term.

Underwriters use it to test a wording ("what would this policy pay for a 72-hour ransomware outage?"); the
claims module builds the same thing from forensic findings. Amounts are in `currency`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from cyberins.model.base import Frozen
from cyberins.model.ids import THIRD_PARTY_COVERAGES, TIME_ELEMENT_COVERAGES, Coverage, EventType
from cyberins.model.money import Amount, Currency

#: Hours into the scenario: at most ten years (87,600 h), past any indemnity period; `1e300` hours times an
#: hourly income would overflow the settlement's decimal arithmetic.
Hours = Annotated[Decimal, Field(ge=0, le=87_600, allow_inf_nan=False)]


class Outage(Frozen):
    """An interruption of a time-element coverage: hours after the first outage's start, income lost per hour."""

    coverage: Coverage = Coverage.BUSINESS_INTERRUPTION
    start_h: Hours = Decimal(0)
    end_h: Hours
    per_hour: Amount

    @model_validator(mode="after")
    def _valid(self) -> Outage:
        if self.coverage not in TIME_ELEMENT_COVERAGES:
            raise ValueError(f"coverage {self.coverage.value} is not a business-interruption coverage")
        if self.end_h < self.start_h:
            raise ValueError(f"end_h {self.end_h} is before start_h {self.start_h}")
        return self


class LossScenario(Frozen):
    """One incident's ground-up loss. `losses` are money per coverage (for BI: extra expense), `defence` the
    claims expenses of liability coverages, `outages` the hourly income loss."""

    currency: Currency
    event_type: EventType
    occurred_at: datetime | None = None
    description: str | None = None
    losses: dict[Coverage, Amount] = Field(default_factory=dict)
    defence: dict[Coverage, Amount] = Field(default_factory=dict)
    outages: list[Outage] = Field(default_factory=list)

    @model_validator(mode="after")
    def _defence_is_liability(self) -> LossScenario:
        first_party = [c.value for c in self.defence if c not in THIRD_PARTY_COVERAGES]
        if first_party:
            raise ValueError(f"defence: {', '.join(first_party)} is not a liability coverage (rule 6)")
        return self

    def coverages(self) -> tuple[Coverage, ...]:
        """Every coverage the scenario touches, in catalog order."""
        touched = set(self.losses) | set(self.defence) | {o.coverage for o in self.outages}
        return tuple(c for c in Coverage if c in touched)

"""The risk model every stage shares: per event type a frequency and a severity that draws ground-up losses.

A `RiskModel` comes from an assessment of an organisation (`cyberins.assess`) or from an analyst's explicit
estimates (`cyberins.quant.explicit`); pricing, monitoring, claims reserving and the portfolio all simulate
the same object. Controls, services and security products act on it through per-event-type frequency and
severity factors (`RiskModel.adjusted`), for assessed and explicit models alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol, Self

import numpy as np

from cyberins.model.ids import Coverage, EventType
from cyberins.quant.arrivals import FloatArray as FloatArray  # re-exported: the aliases quant modules use
from cyberins.quant.arrivals import IntArray as IntArray
from cyberins.quant.arrivals import Occurrences
from cyberins.quant.streams import StreamSource


@dataclass(frozen=True)
class EventDraws:
    """Ground-up losses of `n` events of one type.

    `money[i, j]` is event i's money loss on `coverages[j]`. For a time-element coverage whose loss accrues
    by the hour, `outages[j] = (hours, per_hour)` gives each event's outage length and income lost per hour
    (rule 15): the terms engine then applies waiting and indemnity periods to them, and `money` holds only
    the extra expense.
    """

    coverages: tuple[Coverage, ...]
    money: FloatArray
    outages: dict[int, tuple[FloatArray, FloatArray]] = field(default_factory=dict)


class FrequencyModel(Protocol):
    """How many events of one type happen, and when (`cyberins.quant.arrivals` for the coupling).

    `occurrences` draws the events of one block of years from the event type's own streams. Contract: with
    the same streams, the events of a frequency scaled by f ≤ 1 (`scaled`) are the first events of the
    unscaled one, event k keeping its year, time and severity row k; a larger f only appends events.
    """

    def occurrences(self, streams: StreamSource, n_years: int) -> Occurrences: ...
    def sample(self, rng: np.random.Generator, n: int) -> IntArray: ...
    def mean(self) -> float: ...
    def scaled(self, factor: float) -> Self: ...


class SeverityModel(Protocol):
    """Draws the ground-up loss of one event on every coverage it can hit.

    Contract: `sample` is **prefix-stable**. For two fresh generators from the same seed,
    ``sample(rng_a, n).money[:m] == sample(rng_b, m).money`` for every m ≤ n, and likewise each outage's
    hours and income per hour: row k of the draws depends on k alone, never on how many events are drawn.
    The simulation relies on it for common random numbers: when a frequency factor adds or removes events,
    every other event keeps its losses. An implementation gets it by spawning one child generator per
    driver or array with `rng.spawn(k)`, in a fixed order, and by always drawing full-length arrays from
    each (never only for the events a mask selects). `tests/quant/contracts.py` checks it for any model.
    """

    @property
    def coverages(self) -> tuple[Coverage, ...]: ...
    def sample(self, rng: np.random.Generator, n: int) -> EventDraws: ...
    def mean(self) -> dict[Coverage, float]: ...
    def scaled(self, factor: float) -> Self: ...


@dataclass(frozen=True)
class Factor:
    """One explained multiplier: why the model's frequency or severity is what it is."""

    name: str
    event_type: EventType
    frequency: float = 1.0
    severity: float = 1.0
    source: str = ""
    reason: str = ""


@dataclass(frozen=True)
class EventTypeModel:
    event_type: EventType
    frequency: FrequencyModel
    severity: SeverityModel
    factors: tuple[Factor, ...] = ()
    #: Probability that an event's attribution is state-backed but below a policy's required confidence, so
    #: under review (rule 20): a simulation pays it (the prudent view) and reports it apart.
    under_review: float = 0.0

    def expected_loss(self) -> dict[Coverage, float]:
        """Expected annual ground-up loss per coverage: frequency mean × severity mean."""
        lam = self.frequency.mean()
        return {c: lam * m for c, m in self.severity.mean().items()}


@dataclass(frozen=True)
class RiskModel:
    """A company's (or an analyst's) model of cyber losses, in one currency."""

    currency: str
    event_types: tuple[EventTypeModel, ...]
    kind: str = "explicit"
    name: str = ""

    @property
    def coverages(self) -> tuple[Coverage, ...]:
        """Every coverage some event type can hit, in catalog order."""
        hit = {c for et in self.event_types for c in et.severity.coverages}
        return tuple(c for c in Coverage if c in hit)

    def expected_loss(self) -> float:
        return sum(sum(et.expected_loss().values()) for et in self.event_types)

    def adjusted(self, factors: list[Factor]) -> RiskModel:
        """The model with extra factors applied (a control, a bundled service, a security product).

        Factors multiply frequency and severity of the event type they name; they are kept on the event type
        so `explain` can list them.
        """
        out = []
        for et in self.event_types:
            mine = [f for f in factors if f.event_type is et.event_type]
            f_freq = float(np.prod([f.frequency for f in mine])) if mine else 1.0
            f_sev = float(np.prod([f.severity for f in mine])) if mine else 1.0
            out.append(
                replace(
                    et,
                    frequency=et.frequency.scaled(f_freq) if f_freq != 1.0 else et.frequency,
                    severity=et.severity.scaled(f_sev) if f_sev != 1.0 else et.severity,
                    factors=et.factors + tuple(mine),
                )
            )
        return replace(self, event_types=tuple(out))

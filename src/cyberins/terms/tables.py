"""The named tables the terms engine reads and writes.

Amount arrays are either float64 (simulation path) or object arrays of `Decimal` (single-claim path); the
engine runs the same code on both, so a quote and a settlement can never disagree on how a term acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cyberins.model.ids import Coverage, EventType

#: Amounts: float64 or object (Decimal) arrays.
Amounts = npt.NDArray[Any]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
#: Event-type codes are positions in ``list(EventType)``.
N_EVENT_TYPES = len(EventType)


@dataclass(frozen=True)
class Outages:
    """Hourly loss of the time-element coverages, as outage segments.

    Each row is one segment of one event's interruption on one coverage: it runs from `start_h` to `end_h`
    hours after the start of that event's first outage (so the earliest segment starts at 0) and loses
    `per_hour` of income while it lasts. A simulated event has one segment; a real claim has one per
    outage, each weighted by the revenue share of the system that was down.
    """

    event: IntArray
    coverage: IntArray  # column in the loss table
    start_h: Amounts
    end_h: Amounts
    per_hour: Amounts

    def __post_init__(self) -> None:
        n = len(self.event)
        if any(len(a) != n for a in (self.coverage, self.start_h, self.end_h, self.per_hour)):
            raise ValueError("outage arrays differ in length")


@dataclass(frozen=True)
class LossTable:
    """Ground-up losses of events, one row per event, one column per coverage.

    `period` groups events into policy years (a simulated year index, or 0 for one real policy year); `time`
    orders them inside it. `ground_up` holds each coverage's money loss, excluding the hourly income of
    `outages` (for a time-element coverage it holds extra expense, or the whole loss when it is known only as
    money). `defence` holds claims expenses of liability coverages, which rule 6 treats apart. `excluded`
    marks (event, coverage) pairs removed by exclusions and jurisdiction rules (step 1 of rule 1).

    Two optional per-event columns carry the wording options of rules 19 and 20:

    - `event_type`: each event's type as its position in ``list(EventType)``; a coverage whose
      `event_types` do not list it is excluded for that event (rule 19). None: every type is answered.
    - `under_review`: events whose state-backed attribution is under review (rule 9). They are paid (the
      prudent view) and `TermsResult.under_review_payable` reports their share apart (rule 20).
    """

    coverages: tuple[Coverage, ...]
    period: IntArray
    time: npt.NDArray[np.float64]
    ground_up: Amounts
    outages: Outages | None = None
    defence: Amounts | None = None
    excluded: BoolArray | None = None
    event_type: IntArray | None = None
    under_review: BoolArray | None = None

    def __post_init__(self) -> None:
        n, k = len(self.period), len(self.coverages)
        if len(self.time) != n or self.ground_up.shape != (n, k):
            raise ValueError(f"loss table shapes disagree: {n} events, {k} coverages, ground_up {self.ground_up.shape}")
        for name, shape in (("defence", (n, k)), ("excluded", (n, k)), ("event_type", (n,)), ("under_review", (n,))):
            extra = getattr(self, name)
            if extra is not None and extra.shape != shape:
                raise ValueError(f"{name} has shape {extra.shape}, expected {shape}")
        codes = self.event_type
        if codes is not None and n and not (codes.min() >= 0 and codes.max() < N_EVENT_TYPES):
            raise ValueError(f"event_type holds a value outside 0..{N_EVENT_TYPES - 1} (positions in list(EventType))")

    @property
    def n_events(self) -> int:
        return len(self.period)

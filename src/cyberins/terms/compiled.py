"""A policy's terms as arrays, one entry per covered coverage in the policy's order."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

import numpy as np

from cyberins.model.ids import TIME_ELEMENT_COVERAGES, Coverage, EventType, WaitingPeriodMode
from cyberins.model.policy import Policy, RetentionBasis
from cyberins.terms.tables import N_EVENT_TYPES, Amounts, BoolArray, IntArray

Numeric = Literal["float", "decimal"]

#: Waiting-period modes as small integers for the kernels (names stay in `WaitingPeriodMode`).
MODE_CODES: dict[WaitingPeriodMode, int] = {mode: i for i, mode in enumerate(WaitingPeriodMode)}


@dataclass(frozen=True)
class CompiledTerms:
    """Per-coverage terms as arrays of the chosen number type (`inf` where a term is absent)."""

    coverages: tuple[Coverage, ...]
    numeric: Numeric
    retention: Amounts
    each_claim_limit: Amounts
    coinsurance: Amounts
    sublimit: Amounts
    waiting_h: Amounts
    indemnity_h: Amounts
    waiting_mode: np.ndarray
    time_element: BoolArray
    aggregate_limit: Amounts  # 0-d
    claims_expenses_erode_limit: bool
    #: One retention per incident, the highest among the coverages it reaches (rule 5, `per_incident`).
    retention_per_incident: bool
    #: k × len(EventType): whether each coverage answers each event type (rule 19; columns in enum order).
    answers: BoolArray
    #: Run the float64 path as one compiled pass (numba, `terms.fused`) when no trace is asked for: the same
    #: steps, for simulations long enough to repay the second numba takes to import (the portfolio sets it);
    #: results equal up to float rounding.
    jit: bool = False

    @classmethod
    def from_policy(cls, policy: Policy, numeric: Numeric = "float") -> CompiledTerms:
        def arr(values: list[Decimal | None]) -> Amounts:
            if numeric == "decimal":
                return np.array([Decimal("Infinity") if v is None else v for v in values], dtype=object)
            return np.array([np.inf if v is None else float(v) for v in values], dtype=np.float64)

        terms = list(policy.coverages.values())
        return cls(
            coverages=tuple(policy.coverages),
            numeric=numeric,
            retention=arr([t.retention for t in terms]),
            each_claim_limit=arr([t.each_claim_limit for t in terms]),
            coinsurance=arr([t.coinsurance for t in terms]),
            sublimit=arr([t.sublimit for t in terms]),
            waiting_h=arr([t.waiting_period_h for t in terms]),
            indemnity_h=arr([t.indemnity_period_h for t in terms]),
            waiting_mode=np.array([MODE_CODES[t.waiting_period_mode] for t in terms], dtype=np.int8),
            time_element=np.array([c in TIME_ELEMENT_COVERAGES for c in policy.coverages], dtype=bool),
            aggregate_limit=arr([policy.aggregate_limit])[0],
            claims_expenses_erode_limit=policy.claims_expenses_erode_limit,
            retention_per_incident=policy.retention_basis is RetentionBasis.PER_INCIDENT,
            answers=np.array([[t.answers(e) for e in EventType] for t in terms], dtype=bool).reshape(-1, N_EVENT_TYPES),
        )

    def select(self, columns: list[int]) -> CompiledTerms:
        """The same policy restricted to some of its coverages (the aggregate limit is unchanged)."""
        if columns == list(range(len(self.coverages))):
            return self
        index = np.asarray(columns, dtype=np.int64)
        return replace(
            self,
            coverages=tuple(self.coverages[j] for j in columns),
            retention=self.retention[index],
            each_claim_limit=self.each_claim_limit[index],
            coinsurance=self.coinsurance[index],
            sublimit=self.sublimit[index],
            waiting_h=self.waiting_h[index],
            indemnity_h=self.indemnity_h[index],
            waiting_mode=self.waiting_mode[index],
            time_element=self.time_element[index],
            answers=self.answers[index],
        )

    def not_answered(self, event_type: IntArray) -> BoolArray | None:
        """Events × coverages: the pairs rule 19 excludes for events of these types (positions in
        ``list(EventType)``); None when every coverage answers every type, so nothing needs masking."""
        if self.answers.all():
            return None
        return ~self.answers.T[event_type]

    def zeros(self, shape: tuple[int, ...]) -> Amounts:
        """An amount array of this number type."""
        if self.numeric == "decimal":
            out = np.empty(shape, dtype=object)
            out.fill(Decimal(0))
            return out
        return np.zeros(shape, dtype=np.float64)

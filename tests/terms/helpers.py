"""Builders for small loss tables and policies in tests (not a fixture file: plain functions)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from cyberins.model.ids import Coverage, EventType
from cyberins.model.policy import Policy
from cyberins.terms import CompiledTerms, LossTable, Outages, apply_terms

BI = Coverage.BUSINESS_INTERRUPTION


def policy(coverages: dict[str, dict[str, Any]], aggregate: float = 10_000_000, **extra: Any) -> Policy:
    return Policy.model_validate(
        {
            "currency": "CNY",
            "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "aggregate_limit": aggregate,
            "coverages": coverages,
            **extra,
        }
    )


def table(
    coverages: list[Coverage],
    ground_up: list[list[float]],
    *,
    period: list[int] | None = None,
    time: list[float] | None = None,
    outages: list[tuple[int, int, float, float, float]] | None = None,
    defence: list[list[float]] | None = None,
    excluded: list[list[bool]] | None = None,
    event_type: list[EventType] | None = None,
    under_review: list[bool] | None = None,
    numeric: str = "float",
) -> LossTable:
    """Outages as (event, column, start_h, end_h, per_hour); event types as the enum (coded here)."""

    def amounts(values: Any) -> np.ndarray:
        a = np.asarray(values, dtype=np.float64)
        if numeric == "decimal":
            return np.array([Decimal(repr(float(v))) for v in a.ravel()], dtype=object).reshape(a.shape)
        return a

    n = len(ground_up)
    out = None
    if outages:
        ev, col, s, e, r = zip(*outages, strict=True)
        out = Outages(np.array(ev), np.array(col), amounts(s), amounts(e), amounts(r))
    return LossTable(
        coverages=tuple(coverages),
        period=np.array(period if period is not None else [0] * n, dtype=np.int64),
        time=np.array(time if time is not None else np.linspace(0, 1, n, endpoint=False), dtype=np.float64),
        ground_up=amounts(ground_up).reshape(n, len(coverages)),
        outages=out,
        defence=None if defence is None else amounts(defence),
        excluded=None if excluded is None else np.array(excluded, dtype=bool),
        event_type=None if event_type is None else np.array([list(EventType).index(e) for e in event_type]),
        under_review=None if under_review is None else np.array(under_review, dtype=bool),
    )


def pay(p: Policy, t: LossTable, numeric: str = "float", **kw: Any) -> np.ndarray:
    return apply_terms(t, CompiledTerms.from_policy(p, numeric), **kw).payable  # type: ignore[arg-type]

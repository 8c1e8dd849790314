"""Loss quantification (定损): the adjusted loss of each coverage before any policy term (rule 16).

Business interruption becomes outage segments for the terms engine (rule 2: hours from the start of the
incident's first outage, losing hourly gross profit × the system's revenue share), so the waiting and
indemnity periods act in the engine and nowhere else. Extra expense is money on the same coverage and no
waiting hours reduce it. Everything else is a `LossItem` with its disallowed parts (`items.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from cyberins.claims.context import ClaimContext
from cyberins.claims.items import LossItem, cost_items, fine_items, fraud_item, liability_items, ransom_item
from cyberins.claims.reasons import Bi
from cyberins.model.ids import Coverage

_SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True)
class Segment:
    """One outage for the engine: hours after the first outage's start, income lost per hour (rule 2)."""

    coverage: Coverage
    system: str
    start_h: Decimal
    end_h: Decimal
    per_hour: Decimal
    #: The system's share of the hourly gross profit (`per_hour` = the incident's hourly figure × it).
    revenue_share: Decimal

    @property
    def income(self) -> Decimal:
        return (self.end_h - self.start_h) * self.per_hour


@dataclass(frozen=True)
class Quantification:
    """Every loss item of the claim and the outage segments of its business interruption."""

    items: tuple[LossItem, ...]
    segments: tuple[Segment, ...]

    def coverages(self) -> tuple[Coverage, ...]:
        """Every coverage some item or segment names, in catalog order."""
        named = {i.coverage for i in self.items} | {s.coverage for s in self.segments}
        return tuple(c for c in Coverage if c in named)

    def items_of(self, coverage: Coverage) -> tuple[LossItem, ...]:
        return tuple(i for i in self.items if i.coverage is coverage)

    def claimed(self, coverage: Coverage) -> Decimal:
        return sum((i.claimed for i in self.items_of(coverage)), Decimal(0))

    def adjusted(self, coverage: Coverage) -> Decimal:
        """The loss after disallowed items, before any policy term."""
        return sum((i.allowed for i in self.items_of(coverage)), Decimal(0))

    def money(self, coverage: Coverage) -> Decimal:
        """Allowed loss given as money (not hourly income, not defence): the engine's `ground_up`."""
        return sum((i.allowed for i in self.items_of(coverage) if i.kind != "income" and not i.defence), Decimal(0))

    def defence(self, coverage: Coverage) -> Decimal:
        """Allowed claims expenses (rule 6): the engine's `defence`."""
        return sum((i.allowed for i in self.items_of(coverage) if i.defence), Decimal(0))


def hours_between(start: datetime, end: datetime) -> Decimal:
    """Exact hours from `start` to `end` (aware datetimes), as Decimal."""
    span: timedelta = end - start
    seconds = Decimal(span.days * 86400 + span.seconds) + Decimal(span.microseconds) / Decimal(1_000_000)
    return seconds / _SECONDS_PER_HOUR


def outage_segments(ctx: ClaimContext) -> tuple[Segment, ...]:
    """Each outage relative to the start of the incident's first outage (rules 2 and 3)."""
    incident = ctx.incident
    first = incident.first_outage_start
    if first is None:
        return ()
    rate = incident.financials.per_hour
    return tuple(
        Segment(
            coverage=o.coverage,
            system=o.system,
            start_h=hours_between(first, o.start),
            end_h=hours_between(first, o.end),
            per_hour=rate * o.revenue_share,
            revenue_share=o.revenue_share,
        )
        for o in incident.outages
    )


def _interruption_items(ctx: ClaimContext, segments: tuple[Segment, ...]) -> list[LossItem]:
    items = []
    for coverage in (Coverage.BUSINESS_INTERRUPTION, Coverage.DEPENDENT_BUSINESS_INTERRUPTION):
        mine = [s for s in segments if s.coverage is coverage]
        if mine:
            income = sum((s.income for s in mine), Decimal(0))
            systems = ", ".join(dict.fromkeys(s.system for s in mine))
            label = Bi(f"营业中断收入损失（{systems}）", f"Income lost in the interruption ({systems})")
            items.append(LossItem(coverage, "outages", "income", label, income))
    extra = ctx.incident.financials.extra_expense
    if extra > 0:
        # Extra expense belongs to the insured's own interruption unless every outage was at a provider.
        dependent = bool(segments) and all(s.coverage is Coverage.DEPENDENT_BUSINESS_INTERRUPTION for s in segments)
        coverage = Coverage.DEPENDENT_BUSINESS_INTERRUPTION if dependent else Coverage.BUSINESS_INTERRUPTION
        label = Bi("额外费用", "Extra expense")
        items.append(LossItem(coverage, "financials.extra_expense", "extra_expense", label, extra))
    return items


def quantify(ctx: ClaimContext) -> Quantification:
    """All loss items of the incident, with disallowed parts, and its outage segments."""
    segments = outage_segments(ctx)
    items = [
        *_interruption_items(ctx, segments),
        *cost_items(ctx),
        *ransom_item(ctx),
        *fraud_item(ctx),
        *liability_items(ctx),
        *fine_items(ctx),
    ]
    return Quantification(items=tuple(items), segments=segments)

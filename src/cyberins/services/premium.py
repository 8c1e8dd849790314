"""Premium arithmetic of the lifecycle, in Decimal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cyberins.model.money import to_minor


def pro_rata_return(premium: Decimal, currency: str, start: date, end: date, effective: date) -> Decimal:
    """Premium returned on cancellation from 00:00 of `effective`: the unused days' share, rounded half up.

    Both period dates are included (rule 10), so a period of 365 dates has 365 days; cancelling on the first
    day returns everything, on the last day one day's premium.

    >>> pro_rata_return(Decimal("36500"), "CNY", date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31))
    Decimal('100.00')
    """
    total = (end - start).days + 1
    unused = max(0, min(total, (end - max(effective, start)).days + 1))
    return to_minor(premium * unused / total, currency)

"""Time behind a small interface, so services and tests agree on "now" (STYLE.md rule 11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that says what it is told (tests, replays)."""

    at: datetime

    def now(self) -> datetime:
        return self.at


SYSTEM_CLOCK: Clock = SystemClock()

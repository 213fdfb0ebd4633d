"""The clock every service reads instead of the system time, so tests can move it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FrozenClock:
    """A clock that only moves when told to; used by tests and `jobs tick --at`."""

    current: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.current

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware instant")
        self.current = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def local_today(now: datetime, timezone: str) -> date:
    """The calendar date at `now` in the given IANA zone (never the server's zone)."""
    return now.astimezone(ZoneInfo(timezone)).date()

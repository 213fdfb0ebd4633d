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


class ShiftedClock:
    """The system clock moved by a fixed offset: it runs at real speed.

    For the browser tests (`AFTERLINE_CLOCK_OFFSET`, refused in production): the test process,
    every server it starts and every browser read the system time moved by the same offset, to
    noon in the patients' zone, so they agree on the patients' date to the millisecond however
    long the run takes and whenever it starts (a start instant handed to a server would lag by
    its start-up time)."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def clock_shifted(offset: timedelta | None) -> Clock:
    """The system clock, or the system clock moved by `offset` when one is configured."""
    return SystemClock() if offset is None else ShiftedClock(offset)


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

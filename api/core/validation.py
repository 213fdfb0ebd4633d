"""Field checks shared by several domain modules; each failure names its field."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from functools import lru_cache
from zoneinfo import available_timezones

from api.core.errors import FieldError

# No characters that mail headers give meaning to (a "," or "<" could smuggle in a second
# recipient when the address is written into a To: header).
_ADDRESS_CHARS = r'[^@\s,;:<>()\[\]"\\]'
_EMAIL = re.compile(rf"^{_ADDRESS_CHARS}{{1,64}}@{_ADDRESS_CHARS}+\.{_ADDRESS_CHARS}+$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(value: str, field: str = "timezone") -> str:
    if value not in _zones() or value in {"localtime", "Factory"}:
        raise FieldError(field, f"{value!r} is not an IANA timezone name such as 'Europe/London'")
    return value


def parse_hhmm(value: str, field: str = "checkin_time") -> time:
    match = _HHMM.match(value)
    if match is None:
        raise FieldError(field, f"{value!r} is not a time in HH:MM (24-hour) format")
    return time(int(match.group(1)), int(match.group(2)))


def format_hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def check_email(value: str, field: str = "email") -> str:
    email = value.strip().lower()
    if len(email) > 320 or _EMAIL.match(email) is None or not _writable(email):
        raise FieldError(field, "is not a valid email address")
    return email


def _writable(email: str) -> bool:
    """Whether an email To: header can carry it (no stray dots, ASCII local part, …)."""
    try:
        Address(addr_spec=email)
    except (ValueError, HeaderParseError):
        return False
    return email.isascii()


def check_text(value: str, field: str, *, max_length: int, required: bool = True) -> str:
    """Trimmed text; refused (naming the field) when empty, too long, or holding a NUL
    character, which PostgreSQL cannot store in text (SQLite can: both must answer alike)."""
    text = value.strip()
    if "\x00" in text:
        raise FieldError(field, "must not contain NUL characters")
    if required and not text:
        raise FieldError(field, "must not be empty")
    if len(text) > max_length:
        raise FieldError(field, f"must be at most {max_length} characters")
    return text


# A device clock up to a day fast is tolerated (zones, drift); more would let one wrong
# clock lock a day against every later edit.
CLOCK_SKEW_ALLOWANCE = timedelta(days=1)
EARLIEST_RECORDED_AT = datetime(2000, 1, 1, tzinfo=UTC)


def check_recorded_at(recorded_at: datetime, now: datetime, field: str = "recorded_at") -> None:
    """A client's `recorded_at` (when the patient entered it on their device) is plausible."""
    if recorded_at > now + CLOCK_SKEW_ALLOWANCE:
        raise FieldError(field, "is in the future; check the device clock")
    if recorded_at < EARLIEST_RECORDED_AT:
        raise FieldError(field, "is before the year 2000; check the device clock")

"""Field checks shared by several domain modules; each failure names its field."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from functools import lru_cache
from typing import Annotated
from zoneinfo import available_timezones

from litestar.params import QueryParameter

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


# Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F) but for tab,
# line feed and carriage return (a pasted Windows line break). PostgreSQL cannot store NUL in
# text at all (SQLite can: both must answer alike), and the others are never typed by a
# person: in a note or a name they are garbage, or an attempt to fool a terminal or a log.
_CONTROL_RANGES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
CONTROL_CHARACTER = re.compile(f"[{_CONTROL_RANGES}]")
# The same rule as a `pattern=`, and the type of every string query parameter: request
# bodies are checked as they are decoded (`api.core.body`), query strings by Litestar.
NO_CONTROL_CHARACTERS = f"^[^{_CONTROL_RANGES}]*$"
CONTROL_CHARACTERS_RULE = "must not contain control characters; tabs and line breaks are fine"
QueryText = Annotated[str | None, QueryParameter(pattern=NO_CONTROL_CHARACTERS)]


def check_no_control_characters(value: str, field: str) -> str:
    """`value` unchanged, or a 422 naming the field and the first control character in it."""
    if match := CONTROL_CHARACTER.search(value):
        found = f"(found U+{ord(match.group()):04X});"
        raise FieldError(field, CONTROL_CHARACTERS_RULE.replace(";", f" {found}", 1))
    return value


def check_text(value: str, field: str, *, max_length: int, required: bool = True) -> str:
    """Trimmed text; refused (naming the field) when empty, too long, or holding a control
    character (request bodies are checked on decoding already; this also guards the CLI)."""
    text = check_no_control_characters(value, field).strip()
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

"""Unit tests of the body decoder's input checks (`api.core.body`, `api.core.validation`)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import msgspec
import pytest

from api.core.body import Strict, decode_as
from api.core.errors import FieldError
from api.core.validation import CONTROL_CHARACTER, NO_CONTROL_CHARACTERS, check_text
from api.treatments.service import _check_dates

ALLOWED = {"\t", "\n", "\r"}
CONTROLS = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc"]


class Item(Strict):
    name: str


class Nested(Strict):
    note: str | None = None
    items: list[Item] = []
    tags: dict[str, str] = {}
    renamed: str = msgspec.field(default="", name="renamedField")


def refused_field(raw: bytes) -> str:
    with pytest.raises(FieldError) as caught:
        decode_as(raw, Nested)
    assert caught.value.status_code == 422
    return str(caught.value.field)


def test_the_rule_is_unicode_category_cc_but_tab_and_line_breaks() -> None:
    assert len(CONTROLS) == 65
    every = [chr(c) for c in range(0x10000)]
    assert [c for c in every if CONTROL_CHARACTER.search(c)] == [
        c for c in CONTROLS if c not in ALLOWED
    ]
    # The query-parameter pattern says the same thing.
    assert [c for c in every if not re.search(NO_CONTROL_CHARACTERS, f"a{c}b")] == [
        c for c in CONTROLS if c not in ALLOWED
    ]


@pytest.mark.parametrize("char", [c for c in CONTROLS if c not in ALLOWED], ids=ord)
def test_every_control_character_is_refused_naming_the_field(char: str) -> None:
    escaped = msgspec.json.encode(f"pain {char} here")
    assert refused_field(b'{"note": ' + escaped + b"}") == "note"
    with pytest.raises(FieldError, match=f"U\\+{ord(char):04X}"):
        check_text(f"name{char}", "name", max_length=10)


def test_tabs_line_breaks_and_other_unicode_are_kept() -> None:
    text = "a\tb\r\nc\n🙂 é \u2028 \u200b \ufeff"
    assert decode_as(msgspec.json.encode({"note": text}), Nested).note == text


def test_a_nested_string_is_named_by_its_path() -> None:
    assert refused_field(b'{"items": [{"name": "ok"}, {"name": "a\\u0000"}]}') == "items[1].name"
    assert refused_field(b'{"tags": {"colour": "\\u001b[31m"}}') == "tags.colour"
    assert refused_field(b'{"tags": {"bad\\u0007key": "x"}}') == "tags"
    assert refused_field(b'{"renamedField": "\\u0085"}') == "renamedField"


@pytest.mark.parametrize(
    "raw",
    [b'{"note": "\xff"}', b'{"note": "\xed\xa0\x80"}', b'{"note": "\xc0\x80"}', b"\xfe\xff"],
)
def test_invalid_utf8_is_a_field_error_naming_the_body(raw: bytes) -> None:
    assert refused_field(raw) == "body"


@pytest.mark.parametrize("performed_on", [date.max, date(9999, 11, 8), date(2026, 3, 11)])
def test_a_future_session_is_refused_before_weeks_are_added(performed_on: date) -> None:
    with pytest.raises(FieldError) as caught:
        _check_dates(performed_on, None, today=date(2026, 3, 10))
    assert caught.value.field == "performed_on"


def test_the_review_date_defaults_to_eight_weeks_and_may_be_two_years_later() -> None:
    today = date(2026, 3, 10)
    assert _check_dates(today, None, today) == today + timedelta(weeks=8)
    assert _check_dates(today, today + timedelta(days=731), today) == today + timedelta(days=731)
    for review_on in (today + timedelta(days=732), date.max, today):
        with pytest.raises(FieldError) as caught:
            _check_dates(today, review_on, today)
        assert caught.value.field == "review_on"

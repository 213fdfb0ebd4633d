"""The three input defects of issue 12, pinned where they were found.

1. A NUL in a text field was a 500 on PostgreSQL (SQLite stored it): now any control
   character but tab, line feed and carriage return is a 422 naming the field, on both, and
   ordinary text (accents, emoji, tabs, line breaks) is kept exactly.
2. Invalid UTF-8 inside a JSON string was a 500 with a traceback, without signing in: now the
   same 422 naming `body` as any malformed JSON, and nothing logged as an error.
3. A session on 9999-11-08 or later without `review_on` was a 500 (eight weeks were added
   before the date was checked): now a 422 naming `performed_on`; a review date is checked
   too (at most two years after the session).

`tests/api/test_hostile_input.py` sweeps every field of every route the same way.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest

from tests.api.hostile_stage import CHECKIN_DAY, SESSION_DAY, build_stage, send
from tests.conftest import START, World, checkin_body, session_body

TODAY = START.date()


async def test_a_control_character_is_refused_by_name_and_ordinary_text_is_kept(
    world: World,
) -> None:
    stage = await build_stage(world)
    day = f"/api/me/checkins/{CHECKIN_DAY}"
    for bad in ("\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f"):
        body = checkin_body(START + timedelta(minutes=1), pain=6, note=f"it hurts{bad}")
        response = await stage.patient.put(day, json=body)
        assert response.status_code == 422, (repr(bad), response.text)
        assert response.json()["field"] == "note"
        assert f"U+{ord(bad):04X}" in response.json()["detail"]
    [kept] = (await stage.patient.get("/api/me/checkins")).json()
    assert (kept["pain"], kept["note"]) == (3, "first")  # nothing of the refused ones stored

    ordinary = "Bruise on the left calf 🙂, café-au-lait colour\r\n\tsmaller today\u2028end"
    body = checkin_body(START + timedelta(minutes=2), pain=2, note=ordinary)
    response = await stage.patient.put(day, json=body)
    assert response.status_code == 200, response.text
    [stored] = (await stage.patient.get("/api/me/checkins")).json()
    assert stored["note"] == ordinary


async def test_a_nested_control_character_is_named_by_its_path(world: World) -> None:
    stage = await build_stage(world)
    subscription = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/x",
        "keys": {"p256dh": "abc", "auth": "de\x00f"},
    }
    response = await stage.patient.put("/api/me/push-subscription", json=subscription)
    assert (response.status_code, response.json()["field"]) == (422, "keys.auth")
    areas = session_body(TODAY, areas=["chest", "abdomen\x00"])
    response = await stage.doctor.post(f"/api/patients/{stage.ids.patient}/sessions", json=areas)
    assert (response.status_code, response.json()["field"]) == (422, "areas[1]")


async def test_a_control_character_in_a_query_is_refused_by_name(world: World) -> None:
    stage = await build_stage(world)
    response = await stage.patient.delete("/api/me/push-subscription?endpoint=https%3A%2F%2Fa%00")
    assert (response.status_code, response.json()["field"]) == (422, "endpoint")
    assert "control characters" in response.json()["detail"]  # words, not a regex


@pytest.mark.parametrize(
    "raw",
    [
        b'{"email": "\xff@example.test", "password": "x"}',
        b'{"email": "a@example.test", "password": "\xed\xa0\x80"}',  # an encoded surrogate
        b'{"email": "a@example.test", "password": "\xc0\x80"}',  # an overlong NUL
        b"\xff\xfe{}",
    ],
)
async def test_invalid_utf8_is_a_422_naming_the_body_and_logs_no_error(
    world: World, caplog: pytest.LogCaptureFixture, raw: bytes
) -> None:
    stage = await build_stage(world)
    with caplog.at_level(logging.INFO):
        response = await send(stage.anonymous, "POST", "/api/auth/login", raw, "application/json")
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "body"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("performed_on", ["9999-11-08", "9999-12-31", "2026-03-11"])
async def test_a_session_date_past_today_is_refused_before_any_date_arithmetic(
    world: World, performed_on: str
) -> None:
    stage = await build_stage(world)
    sessions = f"/api/patients/{stage.ids.patient}/sessions"
    body = session_body(date.fromisoformat(performed_on))  # no review_on: the default applies
    response = await stage.doctor.post(sessions, json=body)
    assert (response.status_code, response.json()["field"]) == (422, "performed_on")
    moved = await stage.doctor.patch(
        f"/api/sessions/{stage.ids.session}", json={"performed_on": performed_on}
    )
    assert (moved.status_code, moved.json()["field"]) == (422, "performed_on")
    [kept] = (await stage.doctor.get(sessions)).json()
    assert kept["performed_on"] == SESSION_DAY.isoformat()


async def test_a_review_more_than_two_years_after_the_session_is_refused(world: World) -> None:
    stage = await build_stage(world)
    sessions = f"/api/patients/{stage.ids.patient}/sessions"
    performed_on = TODAY - timedelta(days=1)
    latest = performed_on + timedelta(days=731)
    for review_on, expected in (
        (latest + timedelta(days=1), 422),
        (date(9999, 12, 31), 422),
        (latest, 201),
    ):
        body = session_body(performed_on, review_on=review_on.isoformat())
        response = await stage.doctor.post(sessions, json=body)
        assert response.status_code == expected, (review_on, response.text)
        if expected == 422:
            assert response.json()["field"] == "review_on"
    too_late = (SESSION_DAY + timedelta(days=732)).isoformat()
    moved = await stage.doctor.patch(
        f"/api/sessions/{stage.ids.session}", json={"review_on": too_late}
    )
    assert (moved.status_code, moved.json()["field"]) == (422, "review_on")

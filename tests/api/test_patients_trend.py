"""The patient list's pain trend and named alert, one patient's row, and the list's query count.

`pain_14d` is 14 entries, oldest first, the last being today in the patient's own timezone;
`alert` names the open alert the alert list would put first for that patient. Both come from
a fixed number of queries, whatever the number of patients.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event

from api.core.db import Database
from tests.api.test_patients import check_in, listing
from tests.conftest import START, ApiClient, World, checkin_body

SESSION = date(2026, 2, 20)
LONDON_TODAY = START.date()  # 2026-03-10, midday in London
AUCKLAND_TODAY = date(2026, 3, 11)  # already 01:00 the next day there


def trend(entries: dict[int, int]) -> list[int | None]:
    """14 entries, oldest first; `entries` maps days before today to a pain."""
    return [entries.get(back) for back in range(13, -1, -1)]


async def test_pain_14d_is_the_last_14_local_days_ending_today(world: World) -> None:
    doctor = await world.practitioner()
    _, london = await world.patient(doctor, email="lon@example.test", sessions=(SESSION,))
    _, auckland = await world.patient(
        doctor, email="akl@example.test", timezone="Pacific/Auckland", sessions=(SESSION,)
    )
    for back, pain in ((14, 9), (13, 8), (1, 5), (0, 4)):  # 14 days back: outside
        await check_in(london, LONDON_TODAY - timedelta(days=back), START, pain=pain)
    for back, pain in ((13, 2), (1, 3), (0, 6)):
        await check_in(auckland, AUCKLAND_TODAY - timedelta(days=back), START, pain=pain)

    rows = await listing(doctor)
    assert rows["lon@example.test"]["pain_14d"] == trend({13: 8, 1: 5, 0: 4})
    assert rows["akl@example.test"]["pain_14d"] == trend({13: 2, 1: 3, 0: 6})

    # A day later in London: everything moves one place left, today is empty.
    world.clock.advance(timedelta(days=1))
    await doctor.login("dr@clinic-a.test")  # the session of yesterday has ended
    rows = await listing(doctor)
    assert rows["lon@example.test"]["pain_14d"] == trend({2: 5, 1: 4})


async def test_an_edit_shows_in_the_trend_at_once(world: World) -> None:
    doctor = await world.practitioner()
    _, pat = await world.patient(doctor, sessions=(SESSION,))
    await check_in(pat, LONDON_TODAY, START, pain=3)
    await check_in(pat, LONDON_TODAY, START + timedelta(minutes=5), pain=6)
    assert (await listing(doctor))["pat@example.test"]["pain_14d"] == trend({0: 6})


async def test_alert_names_the_urgent_one_first_then_the_longest_waiting(world: World) -> None:
    doctor = await world.practitioner()
    _, pat = await world.patient(doctor, sessions=(SESSION,))
    yesterday = LONDON_TODAY - timedelta(days=1)
    await check_in(pat, yesterday, START, pain=8)  # pain_high, watch
    body = checkin_body(
        START, pain=2, warning_signs=["spreading_redness_or_fever", "leg_swelling_with_pain"]
    )
    response = await pat.put(f"/api/me/checkins/{LONDON_TODAY}", json=body)
    assert response.status_code == 201, response.text

    row = (await listing(doctor))["pat@example.test"]
    alert = row["alert"]
    assert (row["open_alerts"], row["alert_severity"]) == (2, "urgent")
    assert {key: alert[key] for key in ("rule", "severity", "items", "pain", "local_date")} == {
        "rule": "warning_sign",
        "severity": "urgent",
        "items": ["leg_swelling_with_pain", "spreading_redness_or_fever"],
        "pain": None,
        "local_date": LONDON_TODAY.isoformat(),
    }

    acknowledged = await doctor.post(f"/api/alerts/{alert['id']}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    row = (await listing(doctor))["pat@example.test"]
    assert {key: row["alert"][key] for key in ("rule", "severity", "items", "pain")} == {
        "rule": "pain_high",
        "severity": "watch",
        "items": [],
        "pain": 8,
    }


async def test_one_patients_summary_is_their_row_of_the_list(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, pat = await world.patient(doctor, sessions=(SESSION,))
    await world.patient(doctor, email="other@example.test", sessions=(SESSION,))
    await check_in(pat, LONDON_TODAY, START, pain=7)
    response = await doctor.get(f"/api/patients/{patient_id}/summary")
    assert response.status_code == 200, response.text
    assert response.json() == (await listing(doctor))["pat@example.test"]

    stranger = await world.practitioner("dr@clinic-b.test", "Clinic B")
    refused = await stranger.get(f"/api/patients/{patient_id}/summary")
    assert (refused.status_code, refused.json()) == (404, {"detail": "Not found"})


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """Every SELECT run on any of the database's engines while the block runs."""
    engines = [db.engine.sync_engine]
    engines += [e for e in (db._sync_reads, db._sync_write_engine) if e is not None]
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", note)


async def selects_for_the_list(world: World, doctor: ApiClient) -> int:
    """The SELECTs of one list read, the clinic's expected-course band already cached."""
    assert (await doctor.get("/api/patients")).status_code == 200
    with counting(world.db) as seen:
        response = await doctor.get("/api/patients")
    assert response.status_code == 200, response.text
    return len([s for s in seen if "audit_event" not in s])


async def test_the_list_takes_as_many_queries_for_five_patients_as_for_one(
    world: World,
) -> None:
    doctor = await world.practitioner()
    counts = []
    for n in range(5):
        _, pat = await world.patient(doctor, email=f"p{n}@example.test", sessions=(SESSION,))
        # 3 to 7 check-ins each (enough for the slower-than-usual check), and open alerts.
        for back in range(n + 3):
            await check_in(pat, LONDON_TODAY - timedelta(days=back), START, pain=8 - back)
        counts.append(await selects_for_the_list(world, doctor))
    rows = await listing(doctor)
    assert all(row["alert"]["severity"] == "watch" for row in rows.values())
    assert all(row["pain_14d"][-1] == 8 for row in rows.values())
    assert counts == [counts[0]] * 5

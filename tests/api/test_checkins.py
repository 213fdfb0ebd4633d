"""The patient's check-in API: the idempotent daily upsert, its data rules, and the reads.

Every rule is checked through HTTP and then against the database itself: a refused body
leaves no check-in and no revision behind, and a replay never overwrites a newer edit.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from api.app import create_app
from api.checkins.models import Checkin, CheckinRevision
from api.core.db import Database
from api.core.settings import Settings
from tests.conftest import START, ApiClient, World, checkin_body, session_body

SCORES = ("pain", "swelling", "bruising", "discolouration", "hardening", "itching")
CHECKIN_KEYS = {
    "id",
    "local_date",
    *SCORES,
    "compression_worn",
    "warning_signs",
    "note",
    "recorded_at",
    "updated_at",
}
# START is 2026-03-10 12:00 UTC: still 2026-03-10 in London.
TODAY = date(2026, 3, 10)
YESTERDAY = date(2026, 3, 9)


def at(minutes: int) -> datetime:
    """An instant `minutes` after START (negative: before)."""
    return START + timedelta(minutes=minutes)


async def revisions(world: World) -> list[Any]:
    async with world.db.read() as conn:
        result = await conn.execute(
            select(
                CheckinRevision.local_date,
                CheckinRevision.outcome,
                CheckinRevision.payload,
                CheckinRevision.recorded_at,
            ).order_by(CheckinRevision.received_at, CheckinRevision.recorded_at)
        )
        return list(result.all())


async def checkin_rows(world: World) -> int:
    async with world.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(Checkin)))


async def my_checkins(client: ApiClient, **params: str) -> list[dict[str, Any]]:
    response = await client.get("/api/me/checkins", params=params)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def put(client: ApiClient, day: date | str, body: dict[str, Any]) -> Any:
    return await client.put(f"/api/me/checkins/{day}", json=body)


async def patient_with_session(
    world: World,
    timezone: str = "Europe/London",
    sessions: tuple[date, ...] = (date(2026, 3, 1),),
    email: str = "pat@example.test",
) -> tuple[str, ApiClient]:
    doctor = await world.practitioner()
    return await world.patient(doctor, email=email, timezone=timezone, sessions=sessions)


# --- PUT: create, update, idempotence, stale replays -------------------------------------


async def test_put_creates_with_201_then_a_newer_edit_updates_with_200(world: World) -> None:
    _, patient = await patient_with_session(world)

    first = await put(
        patient,
        YESTERDAY,
        checkin_body(
            at(-60),
            compression_worn=True,
            warning_signs=["spreading_redness_or_fever"],
            note="  a little sore  ",
        ),
    )
    assert first.status_code == 201, first.text
    created = first.json()
    assert set(created) == CHECKIN_KEYS | {"outcome", "advice"}
    assert created["outcome"] == "created"
    assert created["local_date"] == "2026-03-09"
    assert [created[s] for s in SCORES] == [3, 1, 2, 0, 1, 0]
    assert created["compression_worn"] is True
    assert created["warning_signs"] == ["spreading_redness_or_fever"]
    assert created["note"] == "a little sore"
    assert datetime.fromisoformat(created["recorded_at"]) == at(-60)

    world.clock.advance(timedelta(minutes=5))
    second = await put(patient, YESTERDAY, checkin_body(at(-30), pain=6, bruising=3))
    assert second.status_code == 200, second.text
    updated = second.json()
    assert updated["outcome"] == "updated"
    assert updated["id"] == created["id"]
    assert (updated["pain"], updated["bruising"]) == (6, 3)
    assert updated["warning_signs"] == []
    assert updated["note"] is None
    assert updated["compression_worn"] is None
    assert datetime.fromisoformat(updated["recorded_at"]) == at(-30)
    assert datetime.fromisoformat(updated["updated_at"]) == START + timedelta(minutes=5)

    stored = await my_checkins(patient)
    assert len(stored) == 1
    assert {k: v for k, v in updated.items() if k not in ("outcome", "advice")} == stored[0]
    assert [r.outcome for r in await revisions(world)] == ["created", "updated"]
    assert await checkin_rows(world) == 1


async def test_same_body_twice_is_unchanged_and_writes_one_revision(world: World) -> None:
    _, patient = await patient_with_session(world)
    body = checkin_body(at(-10), warning_signs=["allergic_reaction"], note="fine")

    first = await put(patient, TODAY, body)
    assert first.status_code == 201, first.text
    world.clock.advance(timedelta(hours=1))
    again = await put(patient, TODAY, body)
    assert again.status_code == 200, again.text
    assert again.json()["outcome"] == "unchanged"

    # Same stored result, down to updated_at: the replay changed nothing.
    strip = {"outcome", "advice"}
    assert {k: v for k, v in again.json().items() if k not in strip} == {
        k: v for k, v in first.json().items() if k not in strip
    }
    assert await my_checkins(patient) == [{k: v for k, v in first.json().items() if k not in strip}]
    assert [r.outcome for r in await revisions(world)] == ["created"]


async def test_older_replay_is_stale_never_overwrites_but_is_kept(world: World) -> None:
    _, patient = await patient_with_session(world)
    newer = checkin_body(at(-5), pain=2, note="edited on the phone")
    older = checkin_body(at(-120), pain=8, swelling=3, note="queued offline")

    assert (await put(patient, TODAY, newer)).status_code == 201
    world.clock.advance(timedelta(minutes=1))
    replay = await put(patient, TODAY, older)
    assert replay.status_code == 200, replay.text
    answer = replay.json()
    assert answer["outcome"] == "stale"
    # The answer is what is stored: the newer edit.
    assert (answer["pain"], answer["swelling"], answer["note"]) == (2, 1, "edited on the phone")
    assert datetime.fromisoformat(answer["recorded_at"]) == at(-5)

    [stored] = await my_checkins(patient)
    assert (stored["pain"], stored["swelling"], stored["note"]) == (2, 1, "edited on the phone")
    assert datetime.fromisoformat(stored["recorded_at"]) == at(-5)

    kept = await revisions(world)
    assert [r.outcome for r in kept] == ["created", "stale"]
    stale = kept[1]
    assert stale.payload["pain"] == 8
    assert stale.payload["swelling"] == 3
    assert stale.payload["note"] == "queued offline"
    assert stale.recorded_at == at(-120)

    # An offline queue replaying the same old body again and again: still stale, kept once.
    for _ in range(3):
        assert (await put(patient, TODAY, older)).json()["outcome"] == "stale"
    assert [r.outcome for r in await revisions(world)] == ["created", "stale"]
    # A different old body is a different entry, and is kept too.
    other_old = checkin_body(at(-90), pain=7, note="another offline edit")
    assert (await put(patient, TODAY, other_old)).json()["outcome"] == "stale"
    assert [r.outcome for r in await revisions(world)] == ["created", "stale", "stale"]

    # A genuinely newer edit still goes through.
    newest = await put(patient, TODAY, checkin_body(at(0), pain=1))
    assert newest.status_code == 200
    assert newest.json()["outcome"] == "updated"
    assert (await my_checkins(patient))[0]["pain"] == 1


async def test_recorded_at_in_another_offset_compares_as_an_instant(world: World) -> None:
    _, patient = await patient_with_session(world)
    assert (await put(patient, TODAY, checkin_body(at(-30), pain=4))).status_code == 201
    # 12:00+05:00 is 07:00 UTC: older than the stored 11:30 UTC despite the later clock face.
    older = datetime.fromisoformat("2026-03-10T12:00:00+05:00")
    response = await put(patient, TODAY, checkin_body(older, pain=9))
    assert response.json()["outcome"] == "stale"
    assert (await my_checkins(patient))[0]["pain"] == 4
    # The same instant as stored, written in another offset, with the same body: unchanged.
    same = datetime.fromisoformat("2026-03-10T03:30:00-08:00")
    assert same == at(-30)
    unchanged = await put(patient, TODAY, checkin_body(same, pain=4))
    assert unchanged.json()["outcome"] == "unchanged"


# --- data rules: 422 naming the field, nothing written -------------------------------------

INVALID_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("pain_11", {"pain": 11}, "pain"),
    ("pain_negative", {"pain": -1}, "pain"),
    ("swelling_4", {"swelling": 4}, "swelling"),
    ("itching_negative", {"itching": -1}, "itching"),
    ("score_as_string", {"pain": "5"}, "pain"),
    ("score_as_float", {"bruising": 2.5}, "bruising"),
    ("score_as_bool", {"hardening": True}, "hardening"),
    ("score_null", {"discolouration": None}, "discolouration"),
    ("note_1001", {"note": "x" * 1001}, "note"),
    ("unknown_field", {"mood": "great"}, "mood"),
    ("naive_recorded_at", {"recorded_at": "2026-03-10T11:00:00"}, "recorded_at"),
    ("recorded_at_not_a_date", {"recorded_at": "this morning"}, "recorded_at"),
    ("recorded_at_far_future", {"recorded_at": "2026-03-20T12:00:00+00:00"}, "recorded_at"),
    ("compression_as_string", {"compression_worn": "yes"}, "compression_worn"),
    ("warning_signs_not_a_list", {"warning_signs": "allergic_reaction"}, "warning_signs"),
]


async def _assert_nothing_written(
    world: World, patient: ApiClient, before: list[dict[str, Any]], revision_count: int
) -> None:
    assert await my_checkins(patient) == before
    assert len(await revisions(world)) == revision_count
    assert await checkin_rows(world) == len(before)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [pytest.param(o, f, id=name) for name, o, f in INVALID_BODIES],
)
async def test_invalid_body_is_422_naming_the_field_and_writes_nothing(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    _, patient = await patient_with_session(world)
    assert (await put(patient, YESTERDAY, checkin_body(at(-600)))).status_code == 201
    before = await my_checkins(patient)

    # Onto an empty day: no row appears.
    fresh = await put(patient, TODAY, {**checkin_body(at(0)), **overrides})
    assert fresh.status_code == 422, fresh.text
    assert fresh.json()["field"] == field
    assert field in fresh.json()["detail"]
    await _assert_nothing_written(world, patient, before, 1)

    # Onto a stored day, with a newer recorded_at: the stored check-in is untouched.
    overwrite = await put(patient, YESTERDAY, {**checkin_body(at(0)), **overrides})
    assert overwrite.status_code == 422, overwrite.text
    assert overwrite.json()["field"] == field
    await _assert_nothing_written(world, patient, before, 1)


@pytest.mark.parametrize("missing", [*SCORES, "recorded_at"])
async def test_missing_required_field_is_422_naming_it(world: World, missing: str) -> None:
    _, patient = await patient_with_session(world)
    body = checkin_body(at(0))
    del body[missing]
    response = await put(patient, TODAY, body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == missing
    await _assert_nothing_written(world, patient, [], 0)


@pytest.mark.parametrize(
    "signs",
    [["heart_attack"], ["allergic_reaction", "Allergic_Reaction"], [""]],
    ids=["unknown", "wrong_case", "empty"],
)
async def test_unknown_warning_sign_code_is_422(world: World, signs: list[str]) -> None:
    _, patient = await patient_with_session(world)
    response = await put(patient, TODAY, checkin_body(at(0), warning_signs=signs))
    assert response.status_code == 422, response.text
    assert response.json()["field"].startswith("warning_signs")
    await _assert_nothing_written(world, patient, [], 0)


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[1, 2, 3]", b'{"pain": 3'],
    ids=["empty", "not_json", "array", "truncated"],
)
async def test_body_that_is_not_a_checkin_object_is_422(world: World, raw: bytes) -> None:
    _, patient = await patient_with_session(world)
    response = await patient.put(
        f"/api/me/checkins/{TODAY}", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert "field" in response.json()
    await _assert_nothing_written(world, patient, [], 0)


async def test_note_of_exactly_1000_characters_is_accepted(world: World) -> None:
    _, patient = await patient_with_session(world)
    note = "é" + "n" * 998 + "!"
    response = await put(patient, TODAY, checkin_body(at(0), note=note))
    assert response.status_code == 201, response.text
    [stored] = await my_checkins(patient)
    assert stored["note"] == note
    assert len(stored["note"]) == 1000


async def test_all_six_warning_signs_are_accepted_and_stored_sorted(world: World) -> None:
    _, patient = await patient_with_session(world)
    signs = [
        "spreading_redness_or_fever",
        "chest_pain_or_breathless",
        "vision_speech_or_weakness",
        "ulcer_blister_or_blackening",
        "leg_swelling_with_pain",
        "allergic_reaction",
    ]
    response = await put(patient, TODAY, checkin_body(at(0), warning_signs=signs))
    assert response.status_code == 201, response.text
    assert response.json()["warning_signs"] == sorted(signs)
    assert (await my_checkins(patient))[0]["warning_signs"] == sorted(signs)


@pytest.mark.parametrize(
    ("timezone", "allowed", "future"),
    [
        # 12:00 UTC is 01:45 on the 11th in Chatham (+13:45) and 01:00 in Auckland (+13).
        ("Pacific/Chatham", date(2026, 3, 11), date(2026, 3, 12)),
        ("Pacific/Auckland", date(2026, 3, 11), date(2026, 3, 12)),
        ("Europe/London", date(2026, 3, 10), date(2026, 3, 11)),
    ],
)
async def test_future_date_is_judged_in_the_patients_timezone(
    world: World, timezone: str, allowed: date, future: date
) -> None:
    _, patient = await patient_with_session(world, timezone=timezone)
    refused = await put(patient, future, checkin_body(at(0)))
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "local_date"
    await _assert_nothing_written(world, patient, [], 0)

    accepted = await put(patient, allowed, checkin_body(at(0)))
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["local_date"] == allowed.isoformat()


async def test_west_of_utc_today_is_still_yesterday(world: World) -> None:
    # 05:00 UTC on the 10th is 22:00 on the 9th in Los Angeles (PDT since 8 March).
    world.clock.set(datetime(2026, 3, 10, 5, 0, tzinfo=UTC))
    _, patient = await patient_with_session(world, timezone="America/Los_Angeles")
    body = checkin_body(datetime(2026, 3, 10, 4, 0, tzinfo=UTC))
    refused = await put(patient, date(2026, 3, 10), body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "local_date"
    assert (await put(patient, date(2026, 3, 9), body)).status_code == 201

    # Once midnight passes in Los Angeles, the 10th is today there.
    world.clock.set(datetime(2026, 3, 10, 7, 0, tzinfo=UTC))
    assert (await put(patient, date(2026, 3, 10), body)).status_code == 201


async def test_london_tomorrow_becomes_allowed_at_its_midnight(world: World) -> None:
    _, patient = await patient_with_session(world)
    body = checkin_body(at(0))
    world.clock.set(datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC))
    assert (await put(patient, date(2026, 3, 11), body)).status_code == 422
    world.clock.set(datetime(2026, 3, 11, 0, 0, tzinfo=UTC))
    assert (await put(patient, date(2026, 3, 11), body)).status_code == 201


async def test_date_before_first_session_is_422(world: World) -> None:
    _, patient = await patient_with_session(world, sessions=(date(2026, 3, 5), date(2026, 2, 20)))
    before = await put(patient, date(2026, 2, 19), checkin_body(at(0)))
    assert before.status_code == 422, before.text
    assert before.json()["field"] == "local_date"
    assert "2026-02-20" in before.json()["detail"]
    await _assert_nothing_written(world, patient, [], 0)

    on_first = await put(patient, date(2026, 2, 20), checkin_body(at(0)))
    assert on_first.status_code == 201, on_first.text


async def test_patient_without_any_session_cannot_check_in(world: World) -> None:
    _, patient = await patient_with_session(world, sessions=())
    response = await put(patient, TODAY, checkin_body(at(0)))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "local_date"
    await _assert_nothing_written(world, patient, [], 0)


@pytest.mark.parametrize(
    "raw", ["2026-13-01", "yesterday", "2026-02-30", "2026-3-9", "10-03-2026", "2026-03-1x"]
)
async def test_malformed_path_date_is_422_local_date(world: World, raw: str) -> None:
    _, patient = await patient_with_session(world)
    response = await put(patient, raw, checkin_body(at(0)))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "local_date"
    await _assert_nothing_written(world, patient, [], 0)


# --- concurrency ---------------------------------------------------------------------------


def _racing_bodies(n: int) -> list[dict[str, Any]]:
    # Distinct bodies and distinct instants, deliberately not in recorded_at order.
    order = [(i * 17) % n for i in range(n)]
    return [
        checkin_body(at(-n + k), pain=k % 11, swelling=k % 4, note=f"attempt {k}") for k in order
    ]


async def _assert_one_row_newest_wins(
    world: World, client: ApiClient, bodies: list[dict[str, Any]], responses: list[Any]
) -> None:
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 201}, [r.text for r in responses if r.status_code >= 300]
    assert statuses[201] == 1
    outcomes = Counter(r.json()["outcome"] for r in responses)
    assert outcomes["created"] == 1
    assert outcomes["unchanged"] == 0
    assert await checkin_rows(world) == 1

    newest = max(bodies, key=lambda b: datetime.fromisoformat(b["recorded_at"]))
    [stored] = await my_checkins(client)
    assert stored["note"] == newest["note"]
    assert stored["pain"] == newest["pain"]
    assert datetime.fromisoformat(stored["recorded_at"]) == datetime.fromisoformat(
        newest["recorded_at"]
    )
    # Every body is kept, with the outcome it was answered with.
    kept = await revisions(world)
    assert len(kept) == len(bodies)
    assert Counter(r.outcome for r in kept) == outcomes
    assert sorted(r.payload["note"] for r in kept) == sorted(b["note"] for b in bodies)


async def test_fifty_concurrent_puts_for_one_day_leave_one_row(world: World) -> None:
    _, patient = await patient_with_session(world)
    bodies = _racing_bodies(50)
    responses = await asyncio.gather(*(put(patient, TODAY, body) for body in bodies))
    await _assert_one_row_newest_wins(world, patient, bodies, responses)


class DatabaseWriteBlocker:
    """Holds the database's write lock on check-ins from outside the apps under test.

    SQLite: an open write transaction on its own connection (the file's single write lock).
    PostgreSQL: `LOCK TABLE checkin IN EXCLUSIVE MODE`, which `SELECT … FOR UPDATE`, INSERT
    and UPDATE on check-ins all wait for. Requests pile up *inside* the database and are let
    go together by `release()`.
    """

    def __init__(self, database_url: str, apps: list[Database]) -> None:
        self.engine = create_async_engine(database_url)
        self.dialect = self.engine.dialect.name
        self._apps = apps
        self._conn: AsyncConnection | None = None
        self._waiting: set[int] = set()
        self._all_waiting = asyncio.Event()
        self._listeners: list[tuple[Any, Callable[..., None]]] = []

    async def hold(self) -> None:
        self._conn = await self.engine.connect()
        await self._conn.begin()
        if self.dialect == "postgresql":
            await self._conn.execute(text("LOCK TABLE checkin IN EXCLUSIVE MODE"))
            return
        # Any write statement takes SQLite's write lock, even one touching no row.
        await self._conn.execute(text("UPDATE checkin SET pain = pain WHERE 0 = 1"))
        # From now on, an app checks out a connection of its async engine only for a writer
        # that found the lock taken and waits for it there (reads and uncontended writes use
        # their own synchronous connections).
        for index, database in enumerate(self._apps):

            def on_checkout(*_: Any, index: int = index) -> None:
                self._waiting.add(index)
                if len(self._waiting) == len(self._apps):
                    self._all_waiting.set()

            event.listen(database.engine.sync_engine, "checkout", on_checkout)
            self._listeners.append((database.engine.sync_engine, on_checkout))

    async def wait_for_every_app(self, requests: asyncio.Future[Any]) -> None:
        """Until each app has a writer waiting on the lock (PostgreSQL: as many backends).

        Fails at once if the requests all finish instead: none of them may get through
        while the lock is held.
        """

        async def every_app_waits() -> None:
            if self.dialect == "postgresql":
                while await self._backends_waiting_on_a_lock() < len(self._apps):
                    if requests.done():
                        return
            else:
                await self._all_waiting.wait()

        waiting = asyncio.ensure_future(every_app_waits())
        done, _ = await asyncio.wait(
            {waiting, requests}, timeout=20, return_when=asyncio.FIRST_COMPLETED
        )
        waiting.cancel()
        if requests in done:
            statuses = Counter(r.status_code for r in requests.result())
            pytest.fail(f"requests finished while the database was locked: {dict(statuses)}")
        if waiting not in done:
            pytest.fail("no writer from every app reached the locked database")

    async def _backends_waiting_on_a_lock(self) -> int:
        async with self.engine.connect() as probe:
            count = await probe.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        return int(count or 0)

    async def release(self) -> None:
        if self._conn is not None:
            await self._conn.rollback()
            await self._conn.close()
            self._conn = None

    async def close(self) -> None:
        await self.release()
        for target, listener in self._listeners:
            event.remove(target, "checkout", listener)
        await self.engine.dispose()


@pytest.mark.parametrize("pile_up", [False, True], ids=["free_running", "released_together"])
async def test_fifty_concurrent_puts_across_two_app_instances(
    world: World, database_url: str, settings: Settings, pile_up: bool
) -> None:
    """Two apps on two `Database` objects, like two API processes sharing one database.

    `free_running` just splits the PUTs between them. On SQLite each app's uncontended write
    runs start to finish without yielding, so that alone rarely makes the apps meet inside
    the database. `released_together` makes sure they do: an outside transaction holds the
    write lock until writers from *both* apps wait on it, then lets them all go at once.
    """
    _, patient = await patient_with_session(world)
    other_db = Database.from_url(database_url)
    other_app: Litestar = create_app(settings=settings, clock=world.clock, db=other_db)
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=other_app), base_url="http://testserver.local"
    )
    blocker = DatabaseWriteBlocker(database_url, [world.db, other_db])
    try:
        second = ApiClient(http)
        await second.login("pat@example.test")
        assert (await second.get("/api/auth/me")).json()["email"] == "pat@example.test"

        bodies = _racing_bodies(50)
        clients = [patient if i % 2 == 0 else second for i in range(len(bodies))]
        if pile_up:
            await blocker.hold()
        racing = asyncio.gather(
            *(put(client, TODAY, body) for client, body in zip(clients, bodies, strict=True))
        )
        if pile_up:
            await blocker.wait_for_every_app(racing)
            await blocker.release()
        responses = await racing
        await _assert_one_row_newest_wins(world, patient, bodies, responses)
        # Both instances read the same stored day.
        assert await my_checkins(second) == await my_checkins(patient)
    finally:
        await blocker.close()
        await http.aclose()
        await other_db.dispose()


async def test_concurrent_puts_on_different_days_all_create(world: World) -> None:
    _, patient = await patient_with_session(world, sessions=(date(2026, 2, 1),))
    days = [date(2026, 2, 1) + timedelta(days=n) for n in range(30)]
    responses = await asyncio.gather(
        *(put(patient, day, checkin_body(at(-n), pain=n % 11)) for n, day in enumerate(days))
    )
    assert [r.status_code for r in responses] == [201] * 30
    stored = await my_checkins(patient)
    assert [s["local_date"] for s in stored] == [d.isoformat() for d in days]
    assert [s["pain"] for s in stored] == [n % 11 for n in range(30)]


# --- reads ---------------------------------------------------------------------------------


async def test_list_filters_by_from_and_to_and_sorts_by_date(world: World) -> None:
    _, patient = await patient_with_session(world)
    for day, pain in [("2026-03-08", 8), ("2026-03-02", 2), ("2026-03-05", 5), ("2026-03-01", 1)]:
        assert (await put(patient, day, checkin_body(at(0), pain=pain))).status_code == 201

    def dates(rows: list[dict[str, Any]]) -> list[str]:
        return [r["local_date"] for r in rows]

    everything = await my_checkins(patient)
    assert dates(everything) == ["2026-03-01", "2026-03-02", "2026-03-05", "2026-03-08"]
    assert [r["pain"] for r in everything] == [1, 2, 5, 8]
    assert all(set(r) == CHECKIN_KEYS for r in everything)
    assert dates(await my_checkins(patient, **{"from": "2026-03-02"})) == [
        "2026-03-02",
        "2026-03-05",
        "2026-03-08",
    ]
    assert dates(await my_checkins(patient, to="2026-03-05")) == [
        "2026-03-01",
        "2026-03-02",
        "2026-03-05",
    ]
    assert dates(await my_checkins(patient, **{"from": "2026-03-03", "to": "2026-03-07"})) == [
        "2026-03-05"
    ]
    assert dates(await my_checkins(patient, **{"from": "2026-03-05", "to": "2026-03-05"})) == [
        "2026-03-05"
    ]
    assert await my_checkins(patient, **{"from": "2026-03-09"}) == []

    backwards = await patient.get(
        "/api/me/checkins", params={"from": "2026-03-06", "to": "2026-03-05"}
    )
    assert backwards.status_code == 422, backwards.text
    assert backwards.json()["field"] == "from"

    malformed = await patient.get("/api/me/checkins", params={"from": "last week"})
    assert malformed.status_code == 422, malformed.text
    assert malformed.json()["field"] == "from"


async def test_patient_sees_only_their_own_checkins(world: World) -> None:
    doctor = await world.practitioner()
    _, alice = await world.patient(doctor, "alice@example.test", sessions=(date(2026, 3, 1),))
    _, bob = await world.patient(doctor, "bob@example.test", sessions=(date(2026, 3, 1),))
    assert (await put(alice, TODAY, checkin_body(at(0), pain=7))).status_code == 201
    # Bob's day is his own row, not an update of Alice's.
    bob_put = await put(bob, TODAY, checkin_body(at(0), pain=1))
    assert bob_put.status_code == 201
    assert bob_put.json()["outcome"] == "created"
    assert [r["pain"] for r in await my_checkins(alice)] == [7]
    assert [r["pain"] for r in await my_checkins(bob)] == [1]
    assert len((await bob.get("/api/me/timeline")).json()["points"]) == 1


async def test_timeline_shape_and_day_counted_from_the_session_followed(world: World) -> None:
    first_on, second_on = date(2026, 2, 3), date(2026, 3, 3)
    _, patient = await patient_with_session(world, sessions=(second_on, first_on))
    sessions = (await patient.get("/api/me/sessions")).json()
    by_date = {s["performed_on"]: s for s in sessions}
    first_id = by_date[first_on.isoformat()]["id"]
    second_id = by_date[second_on.isoformat()]["id"]

    entries = [
        (date(2026, 3, 10), dict(pain=0, swelling=0, bruising=1)),
        (date(2026, 2, 3), dict(pain=5, swelling=2, bruising=0)),
        (date(2026, 3, 2), dict(pain=1, swelling=0, bruising=0, discolouration=2)),
        (date(2026, 3, 3), dict(pain=6, swelling=3, bruising=3, hardening=0, itching=2)),
        (date(2026, 2, 10), dict(pain=3, swelling=1, bruising=2)),
    ]
    for day, scores in entries:
        response = await put(patient, day, checkin_body(at(0), **scores))
        assert response.status_code == 201, response.text

    response = await patient.get("/api/me/timeline")
    assert response.status_code == 200
    timeline = response.json()
    assert timeline == {
        "sessions": [
            {
                "id": first_id,
                "performed_on": "2026-02-03",
                "review_on": "2026-03-31",
                "areas": ["leg_left_calf", "leg_right_calf"],
            },
            {
                "id": second_id,
                "performed_on": "2026-03-03",
                "review_on": "2026-04-28",
                "areas": ["leg_left_calf", "leg_right_calf"],
            },
        ],
        "points": [
            {
                "local_date": "2026-02-03",
                "session_id": first_id,
                "day": 0,
                "pain": 5,
                "swelling": 2,
                "bruising": 0,
                "discolouration": 0,
                "hardening": 1,
                "itching": 0,
            },
            {
                "local_date": "2026-02-10",
                "session_id": first_id,
                "day": 7,
                "pain": 3,
                "swelling": 1,
                "bruising": 2,
                "discolouration": 0,
                "hardening": 1,
                "itching": 0,
            },
            {
                "local_date": "2026-03-02",
                "session_id": first_id,
                "day": 27,
                "pain": 1,
                "swelling": 0,
                "bruising": 0,
                "discolouration": 2,
                "hardening": 1,
                "itching": 0,
            },
            {
                "local_date": "2026-03-03",
                "session_id": second_id,
                "day": 0,
                "pain": 6,
                "swelling": 3,
                "bruising": 3,
                "discolouration": 0,
                "hardening": 0,
                "itching": 2,
            },
            {
                "local_date": "2026-03-10",
                "session_id": second_id,
                "day": 7,
                "pain": 0,
                "swelling": 0,
                "bruising": 1,
                "discolouration": 0,
                "hardening": 1,
                "itching": 0,
            },
        ],
        # Fewer than 5 other patients in the clinic: no expected-course band.
        "band": [],
        "photos": [],
        "outcomes": [],
        "ratings": [],
    }


async def test_timeline_reflects_the_latest_edit_of_a_day(world: World) -> None:
    _, patient = await patient_with_session(world)
    await put(patient, TODAY, checkin_body(at(-10), pain=9))
    await put(patient, TODAY, checkin_body(at(-5), pain=4))
    await put(patient, TODAY, checkin_body(at(-20), pain=10))  # stale replay
    [point] = (await patient.get("/api/me/timeline")).json()["points"]
    assert (point["local_date"], point["day"], point["pain"]) == ("2026-03-10", 9, 4)


async def test_timeline_of_a_patient_with_no_data_is_empty(world: World) -> None:
    _, patient = await patient_with_session(world, sessions=())
    response = await patient.get("/api/me/timeline")
    assert response.status_code == 200
    assert response.json() == {
        "sessions": [],
        "points": [],
        "band": [],
        "photos": [],
        "outcomes": [],
        "ratings": [],
    }


def _topics(today: dict[str, Any]) -> list[str]:
    return [a["topic"] for a in today["advice"]]


def _advice(today: dict[str, Any], topic: str) -> str:
    return next(a["text"] for a in today["advice"] if a["topic"] == topic)


async def test_today_counts_days_since_the_latest_session_and_checked_in(world: World) -> None:
    _, patient = await patient_with_session(world, sessions=(date(2026, 2, 1), date(2026, 3, 3)))
    today = (await patient.get("/api/me/today")).json()
    assert today["local_date"] == "2026-03-10"
    assert today["timezone"] == "Europe/London"
    assert today["day"] == 7
    assert today["session"]["performed_on"] == "2026-03-03"
    assert today["session"]["review_on"] == "2026-04-28"
    assert today["checked_in"] is False
    assert today["checkin"] is None

    # Checking in for yesterday does not count as today.
    await put(patient, YESTERDAY, checkin_body(at(0)))
    assert (await patient.get("/api/me/today")).json()["checked_in"] is False

    put_today = await put(patient, TODAY, checkin_body(at(0), pain=4))
    assert put_today.status_code == 201
    today = (await patient.get("/api/me/today")).json()
    assert today["checked_in"] is True
    assert today["checkin"] == {
        k: v for k, v in put_today.json().items() if k not in ("outcome", "advice")
    }

    # The next local day starts unchecked again.
    world.clock.advance(timedelta(days=1))
    tomorrow = (await patient.get("/api/me/today")).json()
    assert (tomorrow["local_date"], tomorrow["day"], tomorrow["checked_in"]) == (
        "2026-03-11",
        8,
        False,
    )


async def test_today_uses_the_patients_local_date(world: World) -> None:
    _, patient = await patient_with_session(
        world, timezone="Pacific/Chatham", sessions=(date(2026, 3, 11),)
    )
    today = (await patient.get("/api/me/today")).json()
    assert (today["local_date"], today["timezone"], today["day"]) == (
        "2026-03-11",
        "Pacific/Chatham",
        0,
    )
    assert (await put(patient, date(2026, 3, 11), checkin_body(at(0)))).status_code == 201
    assert (await patient.get("/api/me/today")).json()["checked_in"] is True


async def test_today_compression_advice_runs_for_compression_days_only(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, patient = await world.patient(doctor)
    created = await doctor.post(
        f"/api/patients/{patient_id}/sessions",
        json=session_body(TODAY, compression_days=5, restriction_days=2),
    )
    assert created.status_code == 201, created.text
    assert created.json()["review_on"] == "2026-05-05"  # 8 weeks after

    seen: dict[int, dict[str, Any]] = {}
    for day in range(9):
        today = (await patient.get("/api/me/today")).json()
        assert today["day"] == day
        seen[day] = today
        world.clock.advance(timedelta(days=1))

    for day in range(5):
        assert "compression" in _topics(seen[day]), day
        assert "compression stockings" in _advice(seen[day], "compression")
        assert "day 4" in _advice(seen[day], "compression")
    # The day the period ends says so; after that compression is not mentioned at all.
    assert "over" in _advice(seen[5], "compression")
    for day in range(6, 9):
        assert "compression" not in _topics(seen[day]), day
        assert all("compression" not in a["text"].lower() for a in seen[day]["advice"])

    # Restrictions run for days 0-1; day 2 says they are over; then nothing.
    assert ["activity" in _topics(seen[d]) for d in range(4)] == [True, True, True, False]
    assert "avoid hard exercise" in _advice(seen[1], "activity")
    assert _advice(seen[2], "activity").startswith("From today you can")
    for today in seen.values():
        assert "Your results review is on 5 May 2026" in _advice(today, "results")
        assert today["session"]["review_on"] == "2026-05-05"
        assert "when_to_call" in _topics(today)


async def test_today_after_the_review_date_says_to_book_the_review(world: World) -> None:
    _, patient = await patient_with_session(world, sessions=(date(2026, 1, 5),))
    today = (await patient.get("/api/me/today")).json()
    assert today["session"]["review_on"] == "2026-03-02"  # before today, 2026-03-10
    assert _advice(today, "results").startswith("Your results review was due on 2 March 2026")
    assert "brown marks" in _advice(today, "normal")


async def test_today_without_a_session_has_no_day_and_no_advice(world: World) -> None:
    _, patient = await patient_with_session(world, sessions=())
    today = (await patient.get("/api/me/today")).json()
    assert today["day"] is None
    assert today["session"] is None
    assert today["advice"] == []
    assert today["checked_in"] is False


async def test_me_sessions_lists_own_sessions_only(world: World) -> None:
    doctor = await world.practitioner()
    alice_id, alice = await world.patient(
        doctor, "alice@example.test", sessions=(date(2026, 3, 1), date(2026, 2, 1))
    )
    bob_id, bob = await world.patient(doctor, "bob@example.test", sessions=(date(2026, 3, 5),))
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")
    _, carol = await world.patient(other, "carol@example.test", sessions=())

    mine = (await alice.get("/api/me/sessions")).json()
    assert [s["performed_on"] for s in mine] == ["2026-02-01", "2026-03-01"]
    assert {s["patient_id"] for s in mine} == {alice_id}
    assert [s["review_on"] for s in mine] == ["2026-03-29", "2026-04-26"]

    bobs = (await bob.get("/api/me/sessions")).json()
    assert [(s["patient_id"], s["performed_on"]) for s in bobs] == [(bob_id, "2026-03-05")]
    assert (await carol.get("/api/me/sessions")).json() == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/me/today"),
        ("GET", "/api/me/checkins"),
        ("GET", "/api/me/timeline"),
        ("GET", "/api/me/sessions"),
        ("PUT", "/api/me/checkins/2026-03-10"),
    ],
)
async def test_practitioner_gets_403_on_me_routes(world: World, method: str, path: str) -> None:
    doctor = await world.practitioner()
    await world.patient(doctor, sessions=(date(2026, 3, 1),))
    response = await doctor.request(method, path, json=checkin_body(at(0)))
    assert response.status_code == 403, response.text
    assert "detail" in response.json()
    assert await checkin_rows(world) == 0


async def test_me_routes_need_a_login(world: World) -> None:
    anonymous = await world.client()
    assert (await anonymous.get("/api/me/today")).status_code == 401
    assert (await put(anonymous, TODAY, checkin_body(at(0)))).status_code == 401
    assert await checkin_rows(world) == 0


async def test_recorded_at_far_in_the_past_is_422_not_a_crash(world: World) -> None:
    _, patient = await patient_with_session(world)
    # A valid ISO instant whose conversion to UTC would overflow: refused, naming the field.
    body = {**checkin_body(), "recorded_at": "0001-01-01T00:00:00+14:00"}
    response = await put(patient, TODAY, body)
    assert response.status_code == 422
    assert response.json()["field"] == "recorded_at"
    assert await my_checkins(patient) == []

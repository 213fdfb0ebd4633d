"""The weekly photo and the rating prompts: the job's SQL asks exactly when the Python rule
(which the Today screen uses) says so, day after day through a course."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from api.core.db import Database
from api.notifications.models import Prompt
from api.notifications.prompts import ask_for_results
from api.outcomes.asking import rating_asked
from api.photos.asking import photo_asked
from tests.conftest import START, World
from tests.pictures import phone_jpeg

PHOTO_DAYS = (10, 30)  # the patient takes a photo on these days since the session
RATED_DAY = 29  # and rates the session on this one


async def kinds_on(db: Database, day: date) -> set[str]:
    async with db.read() as conn:
        rows = await conn.scalars(select(Prompt.kind).where(Prompt.local_date == day))
        return set(rows)


async def test_photo_and_rating_prompts_follow_the_rules(world: World, clock: Any) -> None:
    practitioner = await world.practitioner()
    performed = START.date()
    _, patient = await world.patient(practitioner, sessions=(performed,), checkin_time="08:00")
    [session] = (await patient.get("/api/me/sessions")).json()
    review_on = date.fromisoformat(session["review_on"])
    last_photo: date | None = None
    rated_on: date | None = None
    asked_photo: list[int] = []
    asked_rating: list[int] = []
    for since in range(0, (review_on - performed).days + 3):
        day = performed + timedelta(days=since)
        clock.set(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9))
        expected = set()
        if photo_asked(performed, review_on, last_photo, day, weekday=True):
            expected.add("photo")
        if rating_asked(performed, review_on, rated_on, day, timedelta(0)):
            expected.add("rating")
        await ask_for_results(world.db, clock.now())
        assert await kinds_on(world.db, day) == expected, (since, day)
        # A second tick asks nothing twice.
        assert await ask_for_results(world.db, clock.now()) == 0
        asked_photo += [since] if "photo" in expected else []
        asked_rating += [since] if "rating" in expected else []
        if since in PHOTO_DAYS:
            added = await patient.post(
                "/api/me/photos",
                files={"file": ("calf.jpg", phone_jpeg(), "image/jpeg")},
                data={"area": "leg_left_calf"},
            )
            assert added.status_code == 201, added.text
            last_photo = day
        if since == RATED_DAY:
            url = f"/api/me/sessions/{session['id']}/rating"
            assert (await patient.put(url, json={"pgic": 2, "satisfaction": 8})).status_code == 201
            rated_on = day
    # Weekly from day 7 except the week after each photo (days 14, 35 skipped); the rating
    # at 4 weeks (day 28) and again at the review (day 56).
    assert asked_photo == [7, 21, 28, 42, 49, 56]
    assert asked_rating == [28, 56]

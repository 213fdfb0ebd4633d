"""GET /api/me/today: what the patient's Today screen shows."""

from __future__ import annotations

from litestar import Controller, get

from api.core.deps import DB, Me, Now
from api.identity.middleware import patient_only
from api.today import service
from api.today.schemas import Today


class MyTodayController(Controller):
    path = "/api/me"
    tags = ["me"]
    guards = [patient_only]

    @get("/today")
    async def today(self, db: DB, me: Me, now: Now) -> Today:
        return await db.reading(service.today, me.patient_id, me.timezone, now)

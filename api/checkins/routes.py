"""Check-in routes: the patient's own day-by-day log, and the practitioner's view of it."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from litestar import Controller, Request, Response, get, put
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.auth.middleware import patient_only, practitioner_only
from api.auth.schemas import Principal
from api.checkins import reads
from api.checkins.schemas import CheckinIn, CheckinOut, CheckinResult, Timeline, Today
from api.checkins.service import put_checkin
from api.core.body import read_body
from api.core.db import Database
from api.core.deps import parse_id, parse_local_date
from api.patients.service import read_as_practitioner


class MyCheckinsController(Controller):
    path = "/api/me"
    tags = ["me"]
    guards = [patient_only]

    @put("/checkins/{local_date:str}")
    async def put(
        self,
        local_date: str,
        request: Request[Any, Any, Any],
        db: Database,
        actor: Principal,
        now: datetime,
    ) -> Response[CheckinResult]:
        assert actor.patient_id is not None and actor.timezone is not None
        day = parse_local_date(local_date)
        body = await read_body(request, CheckinIn)
        result = await put_checkin(db, actor.patient_id, actor.timezone, day, body, now)
        status = HTTP_201_CREATED if result.outcome == "created" else HTTP_200_OK
        return Response(result, status_code=status)

    @get("/checkins")
    async def list(
        self,
        db: Database,
        actor: Principal,
        date_from: date | None = Parameter(query="from", default=None),
        date_to: date | None = Parameter(query="to", default=None),
    ) -> list[CheckinOut]:
        assert actor.patient_id is not None
        async with db.read() as conn:
            return await reads.list_checkins(conn, actor.patient_id, date_from, date_to)

    @get("/timeline")
    async def timeline(self, db: Database, actor: Principal) -> Timeline:
        assert actor.patient_id is not None
        async with db.read() as conn:
            return await reads.timeline(conn, actor.patient_id)

    @get("/today")
    async def today(self, db: Database, actor: Principal, now: datetime) -> Today:
        assert actor.patient_id is not None and actor.timezone is not None
        async with db.read() as conn:
            return await reads.today(conn, actor.patient_id, actor.timezone, now)


class PatientCheckinsController(Controller):
    path = "/api/patients/{patient_id:str}"
    tags = ["patients"]
    guards = [practitioner_only]

    @get("/checkins")
    async def list(
        self,
        patient_id: str,
        db: Database,
        actor: Principal,
        now: datetime,
        date_from: date | None = Parameter(query="from", default=None),
        date_to: date | None = Parameter(query="to", default=None),
    ) -> list[CheckinOut]:
        reader = partial(reads.list_checkins, date_from=date_from, date_to=date_to)
        return await read_as_practitioner(
            db, actor, parse_id(patient_id), "checkin.list", now, reader
        )

    @get("/timeline")
    async def timeline(
        self, patient_id: str, db: Database, actor: Principal, now: datetime
    ) -> Timeline:
        return await read_as_practitioner(
            db, actor, parse_id(patient_id), "timeline.read", now, reads.timeline
        )

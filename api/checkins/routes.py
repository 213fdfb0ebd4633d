"""Check-in routes: the patient's own day-by-day log, and the practitioner's view of it."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from litestar import Controller, Response, get, put
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.checkins import reads
from api.checkins.schemas import CheckinIn, CheckinOut, CheckinResult
from api.checkins.service import JudgeCheckin, put_checkin
from api.core.deps import DB, Actor, Me, Now, parse_id, parse_local_date
from api.identity.middleware import patient_only, practitioner_only
from api.identity.patients import read_as_practitioner

# A day stored for the first time: 201; a change, a replay or a stale body: 200.
CREATED = ResponseSpec(CheckinResult, description="The day's first check-in, stored")


class MyCheckinsController(Controller):
    path = "/api/me"
    tags = ["me"]
    guards = [patient_only]

    @put("/checkins/{local_date:str}", responses={201: CREATED})
    async def put(
        self,
        local_date: FromPath[str],
        data: JSONBody[CheckinIn],
        db: DB,
        me: Me,
        now: Now,
        judge: NamedDependency[JudgeCheckin],
    ) -> Response[CheckinResult]:
        day = parse_local_date(local_date)
        result = await put_checkin(db, me.patient_id, me.timezone, day, data, now, judge)
        status = HTTP_201_CREATED if result.outcome == "created" else HTTP_200_OK
        return Response(result, status_code=status)

    @get("/checkins")
    async def list(
        self,
        db: DB,
        me: Me,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> list[CheckinOut]:
        return await db.reading(reads.list_checkins, me.patient_id, date_from, date_to)


class PatientCheckinsController(Controller):
    path = "/api/patients/{patient_id:str}"
    tags = ["patients"]
    guards = [practitioner_only]

    @get("/checkins")
    async def list(
        self,
        patient_id: FromPath[str],
        db: DB,
        actor: Actor,
        now: Now,
        date_from: Annotated[date | None, QueryParameter(name="from")] = None,
        date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> list[CheckinOut]:
        reader = partial(reads.list_checkins, date_from=date_from, date_to=date_to)
        return await read_as_practitioner(
            db, actor, parse_id(patient_id), "checkin.list", now, reader
        )

"""Screening routes: the patient answers (and re-reads to prefill the form); the practitioner
of their clinic reads the answers and flags, audited. Flags inform and never block."""

from __future__ import annotations

from litestar import Controller, Response, get, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.core.deps import DB, Actor, Me, Now, parse_id
from api.identity.middleware import patient_only, practitioner_only
from api.identity.patients import read_as_practitioner
from api.screening.schemas import ScreeningIn, ScreeningOut
from api.screening.service import put_screening, read_screening


class MyScreeningController(Controller):
    path = "/api/me/screening"
    tags = ["me"]
    guards = [patient_only]

    @put("/")
    async def put(
        self, data: JSONBody[ScreeningIn], db: DB, me: Me, now: Now
    ) -> Response[ScreeningOut]:
        """Insert or replace the patient's answers: 201 the first time, 200 afterwards."""
        result, created = await put_screening(db, me.patient_id, data, now)
        return Response(result, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get("/")
    async def read(self, db: DB, me: Me) -> ScreeningOut:
        return await db.reading(read_screening, me.patient_id)


class PatientScreeningController(Controller):
    path = "/api/patients/{patient_id:str}/screening"
    tags = ["patients"]
    guards = [practitioner_only]

    @get("/")
    async def read(self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now) -> ScreeningOut:
        return await read_as_practitioner(
            db, actor, parse_id(patient_id), "screening.read", now, read_screening
        )

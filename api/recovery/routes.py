"""Timeline routes: the patient's own, and the practitioner's view of a patient's (audited)."""

from __future__ import annotations

from functools import partial

from litestar import Controller, get
from litestar.params import FromPath

from api.core.deps import DB, Actor, Me, Now, parse_id
from api.identity.middleware import patient_only, practitioner_only
from api.identity.patients import read_as_practitioner
from api.recovery.reads import timeline
from api.recovery.schemas import Timeline


class MyTimelineController(Controller):
    path = "/api/me/timeline"
    tags = ["me"]
    guards = [patient_only]

    @get("/")
    async def mine(self, db: DB, me: Me, now: Now) -> Timeline:
        return await db.reading(timeline, me.patient_id, now)


class PatientTimelineController(Controller):
    path = "/api/patients/{patient_id:str}/timeline"
    tags = ["patients"]
    guards = [practitioner_only]

    @get("/")
    async def of_patient(
        self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now
    ) -> Timeline:
        reader = partial(timeline, now=now)
        return await read_as_practitioner(
            db, actor, parse_id(patient_id), "timeline.read", now, reader
        )

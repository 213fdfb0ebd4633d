"""Treatment-session routes: the practitioner records them, the patient reads their own."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.core.deps import DB, Actor, Me, Now, parse_id
from api.identity.middleware import patient_only, practitioner_only
from api.treatments import service
from api.treatments.schemas import SessionCreate, SessionOut, SessionUpdate


class TreatmentsController(Controller):
    path = "/api"
    tags = ["treatment sessions"]
    guards = [practitioner_only]

    @get("/patients/{patient_id:str}/sessions")
    async def list_for_patient(
        self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now
    ) -> list[SessionOut]:
        return await service.list_sessions(db, actor, parse_id(patient_id), now)

    @post("/patients/{patient_id:str}/sessions")
    async def create(
        self,
        patient_id: FromPath[str],
        data: JSONBody[SessionCreate],
        db: DB,
        actor: Actor,
        now: Now,
        rejudge: NamedDependency[service.Rejudge],
    ) -> SessionOut:
        target = parse_id(patient_id)
        return await service.create_session(db, actor, target, data, now, rejudge)

    @patch("/sessions/{session_id:str}")
    async def update(
        self,
        session_id: FromPath[str],
        data: JSONBody[SessionUpdate],
        db: DB,
        actor: Actor,
        now: Now,
        rejudge: NamedDependency[service.Rejudge],
    ) -> SessionOut:
        target = parse_id(session_id)
        return await service.update_session(db, actor, target, data, now, rejudge)


class MySessionsController(Controller):
    """The patient's own sessions (a controller, so its guard also covers OPTIONS)."""

    path = "/api/me/sessions"
    tags = ["me"]
    guards = [patient_only]

    @get("/")
    async def list(self, db: DB, me: Me) -> list[SessionOut]:
        return await service.list_own_sessions(db, me.patient_id)

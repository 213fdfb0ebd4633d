"""Treatment-session routes: the practitioner records them, the patient reads their own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, patch, post

from api.auth.middleware import patient_only, practitioner_only
from api.auth.schemas import Principal
from api.core.body import read_body
from api.core.db import Database
from api.core.deps import parse_id
from api.treatments import service
from api.treatments.schemas import SessionCreate, SessionOut, SessionUpdate


class TreatmentsController(Controller):
    path = "/api"
    tags = ["treatment sessions"]
    guards = [practitioner_only]

    @get("/patients/{patient_id:str}/sessions")
    async def list_for_patient(
        self, patient_id: str, db: Database, actor: Principal, now: datetime
    ) -> list[SessionOut]:
        return await service.list_sessions(db, actor, parse_id(patient_id), now)

    @post("/patients/{patient_id:str}/sessions")
    async def create(
        self,
        patient_id: str,
        request: Request[Any, Any, Any],
        db: Database,
        actor: Principal,
        now: datetime,
    ) -> SessionOut:
        target = parse_id(patient_id)
        body = await read_body(request, SessionCreate)
        return await service.create_session(db, actor, target, body, now)

    @patch("/sessions/{session_id:str}")
    async def update(
        self,
        session_id: str,
        request: Request[Any, Any, Any],
        db: Database,
        actor: Principal,
        now: datetime,
    ) -> SessionOut:
        target = parse_id(session_id)
        body = await read_body(request, SessionUpdate)
        return await service.update_session(db, actor, target, body, now)


@get("/api/me/sessions", guards=[patient_only], tags=["me"])
async def my_sessions(db: Database, actor: Principal) -> list[SessionOut]:
    assert actor.patient_id is not None
    return await service.list_own_sessions(db, actor.patient_id)

"""Practitioner routes for the clinic's patients."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath

from api.auth.middleware import practitioner_only
from api.core.body import read_body
from api.core.deps import DB, Actor, AppSettings, Now, parse_id
from api.patients import clinic, service
from api.patients.schemas import (
    ClinicOut,
    ClinicUpdate,
    InviteOut,
    PatientCreate,
    PatientCreated,
    PatientOut,
    PatientSummary,
    PatientUpdate,
)
from api.patients.triage import list_patients, patient_summary


class PatientsController(Controller):
    path = "/api/patients"
    tags = ["patients"]
    guards = [practitioner_only]

    @get("/")
    async def list(self, db: DB, actor: Actor, now: Now) -> list[PatientSummary]:
        return await list_patients(db, actor, now)

    @post("/")
    async def create(
        self,
        request: Request[Any, Any, Any],
        db: DB,
        actor: Actor,
        now: Now,
        settings: AppSettings,
    ) -> PatientCreated:
        body = await read_body(request, PatientCreate)
        return await service.create_patient(db, actor, body, now, settings.base_url)

    @get("/{patient_id:str}")
    async def read(self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now) -> PatientOut:
        return await service.get_patient(db, actor, parse_id(patient_id), now)

    @get("/{patient_id:str}/summary")
    async def summary(
        self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now
    ) -> PatientSummary:
        """The patient's row of the list: what the patient page's header reads."""
        return await patient_summary(db, actor, parse_id(patient_id), now)

    @post("/{patient_id:str}/invite")
    async def reissue_invite(
        self, patient_id: FromPath[str], db: DB, actor: Actor, now: Now, settings: AppSettings
    ) -> InviteOut:
        """A new set-password link for the patient (also the clinic-assisted password reset)."""
        return await service.reissue_invite(db, actor, parse_id(patient_id), now, settings.base_url)

    @patch("/{patient_id:str}")
    async def update(
        self,
        patient_id: FromPath[str],
        request: Request[Any, Any, Any],
        db: DB,
        actor: Actor,
        now: Now,
    ) -> PatientOut:
        body = await read_body(request, PatientUpdate)
        return await service.update_patient(db, actor, parse_id(patient_id), body, now)


class ClinicController(Controller):
    """The practitioner's own clinic: its timezone and the phone patients are told to call."""

    path = "/api/clinic"
    tags = ["clinic"]
    guards = [practitioner_only]

    @get("/")
    async def read(self, db: DB, actor: Actor) -> ClinicOut:
        return await clinic.get_clinic(db, actor)

    @patch("/")
    async def update(
        self, request: Request[Any, Any, Any], db: DB, actor: Actor, now: Now
    ) -> ClinicOut:
        body = await read_body(request, ClinicUpdate)
        return await clinic.update_clinic(db, actor, body, now)

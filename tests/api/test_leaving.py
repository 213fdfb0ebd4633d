"""Leaving: a patient closes their account; patients past retention are erased."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from api.audit.chain import verify_all
from api.audit.models import AuditEvent
from api.checkins.models import Checkin, CheckinRevision
from api.identity.models import LoginSession, Patient, User
from api.leaving.retention import erase_patient, patients_past_retention, years_after
from api.notifications.models import PushSubscription
from api.photos.models import Photo, PhotoImage
from tests.api.test_photos import upload
from tests.conftest import PASSWORD, START, World, checkin_body, push_subscription_body
from tests.pictures import phone_jpeg
from tests.test_cli import run


async def count(world: World, model: Any, *where: Any) -> int:
    async with world.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(model).where(*where)))


async def test_closing_ends_sessions_subscriptions_prompts_and_the_password(world: World) -> None:
    doctor = await world.practitioner()
    patient_id, patient = await world.patient(doctor, sessions=(date(2026, 3, 1),))
    phone = await world.client()
    await phone.login("pat@example.test")
    assert (
        await patient.put("/api/me/push-subscription", json=push_subscription_body())
    ).is_success
    terms = (await patient.get("/api/me/leaving")).json()
    assert terms == {"clinic_name": "Clinic A", "clinic_phone": None, "retention_years": 8}

    closed = await patient.post("/api/me/close-account", json={"password": PASSWORD})
    assert closed.status_code == 200, closed.text
    assert closed.json()["retention_years"] == 8
    for client in (patient, phone):
        assert (await client.get("/api/auth/me")).status_code == 401
    pid = uuid.UUID(patient_id)
    assert await count(world, PushSubscription) == 0
    user_id = await _user_of(world, pid)
    assert await count(world, LoginSession, LoginSession.user_id == user_id) == 0
    async with world.db.read() as conn:
        row = (await conn.execute(select(Patient.active).where(Patient.id == pid))).one()
        password = await conn.scalar(select(User.password_hash).where(User.id == user_id))
        actions = (await conn.scalars(select(AuditEvent.action))).all()
    assert row.active is False  # an inactive patient is never prompted
    assert password is None
    assert "account.close" in actions
    again = await (await world.client()).post(
        "/api/auth/login", json={"email": "pat@example.test", "password": PASSWORD}
    )
    assert again.status_code == 401
    # The clinical record stays with the clinic.
    listed = {p["id"]: p for p in await doctor.patient_list(filter="all")}
    assert patient_id in listed


async def test_closing_needs_the_password(world: World) -> None:
    doctor = await world.practitioner()
    _, patient = await world.patient(doctor)
    wrong = await patient.post("/api/me/close-account", json={"password": "not-my-password"})
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "password"
    missing = await patient.post("/api/me/close-account", json={})
    assert missing.status_code == 422
    assert (await patient.get("/api/auth/me")).status_code == 200
    assert (
        await doctor.post("/api/me/close-account", json={"password": PASSWORD})
    ).status_code == 403


def test_years_after_keeps_the_calendar_day() -> None:
    assert years_after(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert years_after(date(2019, 6, 30), 8) == date(2027, 6, 30)


async def _user_of(world: World, patient_id: uuid.UUID) -> uuid.UUID:
    async with world.db.read() as conn:
        user_id: uuid.UUID = await conn.scalar(
            select(Patient.user_id).where(Patient.id == patient_id)
        )
    return user_id


async def _clinic_with_old_and_recent_patients(world: World) -> tuple[uuid.UUID, uuid.UUID]:
    doctor = await world.practitioner()
    assert (await doctor.patch("/api/clinic/", json={"retention_years": 1})).is_success
    old_id, old = await world.patient(doctor, "old@example.test", sessions=(date(2025, 1, 10),))
    new_id, new = await world.patient(doctor, "new@example.test", sessions=(date(2025, 6, 1),))
    for client in (old, new):
        put = await client.put("/api/me/checkins/2026-03-09", json=checkin_body(pain=4))
        assert put.status_code in {200, 201}, put.text
    assert (await upload(old, phone_jpeg())).status_code == 201
    return uuid.UUID(old_id), uuid.UUID(new_id)


async def test_retention_erases_only_patients_past_it(world: World) -> None:
    old, new = await _clinic_with_old_and_recent_patients(world)
    due = await patients_past_retention(world.db, START)
    assert [p.patient_id for p in due] == [old]
    assert due[0].kept_from == date(2025, 1, 10)
    old_user = await _user_of(world, old)
    await erase_patient(world.db, due[0], START)

    for model, column in (
        (Checkin, Checkin.patient_id),
        (CheckinRevision, CheckinRevision.patient_id),
        (Photo, Photo.patient_id),
    ):
        assert await count(world, model, column == old) == 0, model
        assert await count(world, model, column == new) > 0 or model is Photo
    assert await count(world, PhotoImage) == 0
    assert await count(world, User, User.id == old_user) == 0
    async with world.db.read() as conn:
        tombstone = (
            await conn.execute(
                select(AuditEvent.actor_user_id, AuditEvent.detail).where(
                    AuditEvent.action == "patient.erase", AuditEvent.patient_id == old
                )
            )
        ).one()
        results = await verify_all(conn)
    assert tombstone.actor_user_id is None
    assert tombstone.detail == {
        "rule": "retention",
        "retention_years": 1,
        "kept_from": "2025-01-10",
    }
    assert all(broken is None for _, _, broken in results)
    assert await patients_past_retention(world.db, START) == []


async def test_afterline_retention_dry_run_then_apply(
    world: World, database_url: str, tmp_path: Path
) -> None:
    old, new = await _clinic_with_old_and_recent_patients(world)
    # The command reads the system clock: shift it to the tests' START.
    offset = str(int((START - datetime.now(UTC)).total_seconds()))
    env = {"AFTERLINE_CLOCK_OFFSET": offset}
    dry = await asyncio.to_thread(
        run, database_url, tmp_path, "retention", "--dry-run", extra_env=env
    )
    assert dry.returncode == 0, dry.stderr
    assert str(old) in dry.stdout and str(new) not in dry.stdout
    assert "1 patient(s) would be erased" in dry.stdout
    assert await count(world, Patient, Patient.id == old) == 1

    applied = await asyncio.to_thread(
        run, database_url, tmp_path, "retention", "--apply", extra_env=env
    )
    assert applied.returncode == 0, applied.stderr
    assert "1 patient(s) erased" in applied.stdout
    assert await count(world, Patient, Patient.id == old) == 0
    assert await count(world, Patient, Patient.id == new) == 1
    neither = await asyncio.to_thread(run, database_url, tmp_path, "retention")
    assert neither.returncode == 2
    assert "--dry-run" in neither.stderr

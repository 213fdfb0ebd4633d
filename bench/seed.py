"""Bulk data for the benchmark: one clinic of N patients x D days, inserted set-wise.

Only the accounts the benchmark signs in with get a password (argon2 is deliberately slow
and 2,000 hashes would dominate the set-up).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert

from api.checkins.models import Checkin
from api.core.clock import local_today
from api.core.db import Database
from api.core.security import hash_password
from api.identity.models import Clinic, Patient, User
from api.treatments.models import TreatmentSession
from api.triage.readmodel import rebuild
from tests.factories import session_row

PASSWORD = "bench-password-1"
TIMEZONE = "Europe/London"
BATCH = 5_000
# The check-in PUTs come from this many patients, each from their own phone.
WRITERS = 8


@dataclass(frozen=True)
class BenchAccounts:
    practitioner: str
    # Patients with D days of history who PUT check-ins (many at once, as in a clinic).
    writers: list[str]
    reader: str  # a patient with 365 check-ins whose timeline is read
    writer_first_day: date
    today: date


def _checkin(
    patient_id: uuid.UUID, day: date, age: int, rng: random.Random, now: datetime
) -> dict[str, Any]:
    fade = max(0.0, 1 - age / 30)
    return {
        "id": uuid.uuid4(),
        "patient_id": patient_id,
        "local_date": day,
        "pain": min(10, round(5 * fade + rng.random())),
        "swelling": min(3, round(2 * fade + rng.random() * 0.5)),
        "bruising": min(3, round(3 * fade)),
        "discolouration": rng.randint(0, 1),
        "hardening": min(3, round(2 * fade)),
        "itching": rng.randint(0, 1),
        "compression_worn": None,
        "warning_signs": [],
        "note": None,
        "recorded_at": datetime.combine(day, time(19), tzinfo=UTC),
        "created_at": now,
        "updated_at": now,
    }


async def seed_bench(db: Database, patients: int, days: int, now: datetime) -> BenchAccounts:
    rng = random.Random(7)
    today = local_today(now, TIMEZONE)
    clinic_id = uuid.uuid4()
    password_hash = hash_password(PASSWORD)
    users: list[dict[str, Any]] = []
    patient_rows: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    checkins: list[dict[str, Any]] = []

    def add_patient(email: str, history: int, with_password: bool) -> uuid.UUID:
        user_id, patient_id = uuid.uuid4(), uuid.uuid4()
        users.append(
            {
                "id": user_id,
                "email": email,
                "name": email.split("@")[0].replace(".", " ").title(),
                "role": "patient",
                "clinic_id": clinic_id,
                "password_hash": password_hash if with_password else None,
                "created_at": now,
            }
        )
        patient_rows.append(
            {
                "id": patient_id,
                "user_id": user_id,
                "clinic_id": clinic_id,
                "timezone": TIMEZONE,
                "checkin_time": time(19),
                "active": True,
                "created_at": now,
            }
        )
        start = today - timedelta(days=history)
        sessions.append(session_row(patient_id, start, now))
        for age in range(history):
            checkins.append(_checkin(patient_id, start + timedelta(days=age), age, rng, now))
        return patient_id

    async with db.write() as session:
        await session.execute(
            insert(Clinic).values(id=clinic_id, name="Bench Clinic", created_at=now)
        )
        users.append(
            {
                "id": uuid.uuid4(),
                "email": "bench.practitioner@bench.test",
                "name": "Bench Practitioner",
                "role": "practitioner",
                "clinic_id": clinic_id,
                "password_hash": password_hash,
                "created_at": now,
            }
        )
        for n in range(WRITERS):
            add_patient(f"bench.writer.{n:02d}@bench.test", days, True)
        add_patient("bench.reader@bench.test", 365, True)
        for n in range(patients - 1 - WRITERS):
            add_patient(f"patient.{n:05d}@bench.test", days, False)
            if len(checkins) >= BATCH * 4:
                await _flush(session, users, patient_rows, sessions, checkins)
        await _flush(session, users, patient_rows, sessions, checkins)
    await rebuild(db, now)  # the rows went around the services: the list is built after
    return BenchAccounts(
        practitioner="bench.practitioner@bench.test",
        writers=[f"bench.writer.{n:02d}@bench.test" for n in range(WRITERS)],
        reader="bench.reader@bench.test",
        writer_first_day=today - timedelta(days=days),
        today=today,
    )


async def _flush(session: Any, *batches: list[dict[str, Any]]) -> None:
    users, patient_rows, sessions, checkins = batches
    for model, rows in ((User, users), (Patient, patient_rows), (TreatmentSession, sessions)):
        if rows:
            await session.execute(insert(model), rows)
    for start in range(0, len(checkins), BATCH):
        await session.execute(insert(Checkin), checkins[start : start + BATCH])
    for rows in batches:
        rows.clear()

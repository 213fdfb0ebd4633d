"""The `afterline` console script, run as an operator would, on the test's own database."""

from __future__ import annotations

import base64
import csv
import json
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.alerts.models import Alert
from api.checkins.models import Checkin
from api.core.clock import SystemClock
from api.core.db import Database
from api.identity.accounts import authenticate
from api.identity.models import Clinic, Patient, User
from api.treatments.models import TreatmentSession
from tests.conftest import World, checkin_body

AFTERLINE = str(Path(sys.executable).parent / "afterline")


def run(
    database_url: str,
    tmp_path: Path,
    *args: str,
    stdin: str = "",
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AFTERLINE_DATA_DIR": str(tmp_path / "data"),
        "AFTERLINE_ENV": "development",
        **(extra_env or {}),
    }
    env.pop("AFTERLINE_SECRET_KEY", None)
    return subprocess.run(
        [AFTERLINE, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120
    )


def create_practitioner_cli(
    database_url: str, tmp_path: Path, email: str, name: str, clinic: str, password: str
) -> subprocess.CompletedProcess[str]:
    """`afterline create-practitioner`, the password on standard input as an operator pipes it."""
    return run(
        database_url,
        tmp_path,
        "create-practitioner",
        "--email", email,
        "--name", name,
        "--clinic", clinic,
        "--password-stdin",
        stdin=f"{password}\n",
    )  # fmt: skip


def test_migrate_is_idempotent(database_url: str, tmp_path: Path) -> None:
    first = run(database_url, tmp_path, "migrate")
    assert first.returncode == 0, first.stderr
    assert "migrated" in first.stdout
    assert run(database_url, tmp_path, "migrate").returncode == 0


async def test_create_practitioner_then_login(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    result = create_practitioner_cli(
        database_url,
        tmp_path,
        "Maya@Clinic.test",
        "Dr Maya",
        "Harbour Vein Clinic",
        "a long enough password",
    )
    assert result.returncode == 0, result.stderr
    assert "new clinic" in result.stdout
    user = await authenticate(
        db, "maya@clinic.test", "a long enough password", "127.0.0.1", SystemClock().now()
    )
    assert user.role == "practitioner"

    second = create_practitioner_cli(
        database_url,
        tmp_path,
        "sam@clinic.test",
        "Dr Sam",
        "Harbour Vein Clinic",
        "another long password",
    )
    assert second.returncode == 0, second.stderr
    assert "existing clinic" in second.stdout
    async with db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(Clinic)) == 1
        assert await conn.scalar(select(func.count()).select_from(User)) == 2

    duplicate = create_practitioner_cli(
        database_url,
        tmp_path,
        "MAYA@clinic.test",
        "Dr Maya again",
        "Other Clinic",
        "a long enough password",
    )
    assert duplicate.returncode != 0
    assert "email" in duplicate.stderr
    async with db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(Clinic)) == 1


async def test_seed_demo_builds_a_realistic_clinic(
    database_url: str, tmp_path: Path, db: Database
) -> None:
    result = run(database_url, tmp_path, "seed-demo", "--if-empty")
    assert result.returncode == 0, result.stderr
    assert "practitioner@demo.afterline.test" in result.stdout
    assert result.stdout.count("patient ") >= 6

    async with db.read() as conn:
        patients = (await conn.scalars(select(Patient.id))).all()
        sessions = (
            await conn.execute(select(TreatmentSession.patient_id, TreatmentSession.performed_on))
        ).all()
        checkins = (
            await conn.execute(
                select(Checkin.patient_id, Checkin.local_date, Checkin.pain).order_by(
                    Checkin.local_date
                )
            )
        ).all()
    assert len(patients) >= 6
    per_patient: dict[object, list[date]] = defaultdict(list)
    for patient_id, performed_on in sessions:
        per_patient[patient_id].append(performed_on)
    assert all(1 <= len(per_patient[p]) <= 3 for p in patients)

    dates: dict[object, list[date]] = defaultdict(list)
    pains: dict[object, list[int]] = defaultdict(list)
    for patient_id, local_date, pain in checkins:
        dates[patient_id].append(local_date)
        pains[patient_id].append(pain)
    spans = [(max(d) - min(d)).days for d in dates.values()]
    assert sum(8 * 7 <= span <= 12 * 7 for span in spans) >= 5
    # Some days are missed: fewer check-ins than days covered.
    assert any(len(d) < (max(d) - min(d)).days + 1 for d in dates.values())
    # Exactly the kind of patient a practitioner must notice: pain rising over the last 3 check-ins.
    worsening = [p for p, values in pains.items() if values[-3] < values[-2] < values[-1]]
    assert len(worsening) >= 1

    # Farid, the worsening patient, has open alerts, one of them urgent, and nobody else has
    # an urgent one: he heads the practitioner's list (tests/e2e checks the screen).
    async with db.read() as conn:
        alerts = (
            await conn.execute(
                select(User.name, Alert.rule, Alert.severity)
                .join(Patient, Patient.id == Alert.patient_id)
                .join(User, User.id == Patient.user_id)
                .where(Alert.status == "open")
            )
        ).all()
        phone = await conn.scalar(select(Clinic.phone))
    assert ("Farid Haddad", "warning_sign", "urgent") in alerts
    assert ("Farid Haddad", "pain_rising", "watch") in alerts
    assert {name for name, _, severity in alerts if severity == "urgent"} == {"Farid Haddad"}
    assert phone

    again = run(database_url, tmp_path, "seed-demo", "--if-empty")
    assert again.returncode == 0
    assert "not seeded" in again.stdout


def test_production_refuses_to_start_without_secret(database_url: str, tmp_path: Path) -> None:
    from api.core.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="AFTERLINE_SECRET_KEY"):
        load_settings({"AFTERLINE_ENV": "production", "AFTERLINE_DATA_DIR": str(tmp_path)})
    settings = load_settings({"AFTERLINE_DATA_DIR": str(tmp_path / "dev")})
    assert len(settings.secret_key) >= 32
    # Generated once, then reused across restarts.
    assert (
        load_settings({"AFTERLINE_DATA_DIR": str(tmp_path / "dev")}).secret_key
        == settings.secret_key
    )
    assert (tmp_path / "dev" / "secret_key").stat().st_mode & 0o077 == 0
    production = {
        "AFTERLINE_ENV": "production",
        "AFTERLINE_SECRET_KEY": "p" * 40,
        "DATABASE_URL": database_url,
    }
    # Losing the photo key loses every photo: production names it, nothing is generated.
    with pytest.raises(SettingsError, match="AFTERLINE_PHOTO_KEY must be set"):
        load_settings(production)
    key = base64.urlsafe_b64encode(bytes(range(32))).decode().rstrip("=")
    prod = load_settings({**production, "AFTERLINE_PHOTO_KEY": key})
    assert prod.is_production and prod.photo_key == bytes(range(32))
    for wrong in ("not base64 ***", base64.urlsafe_b64encode(bytes(16)).decode()):
        with pytest.raises(SettingsError, match="AFTERLINE_PHOTO_KEY must be"):
            load_settings({**production, "AFTERLINE_PHOTO_KEY": wrong})
    # Outside production: generated once into the data directory, then reused.
    assert len(settings.photo_key) == 32
    assert load_settings({"AFTERLINE_DATA_DIR": str(tmp_path / "dev")}).photo_key == (
        settings.photo_key
    )
    assert (tmp_path / "dev" / "photo_key").stat().st_mode & 0o077 == 0


async def test_export_writes_both_files_for_every_patient_of_the_clinic(
    database_url: str, tmp_path: Path, world: World, db: Database
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    from api.audit.models import AuditEvent

    doctor = await world.practitioner("dr@clinic-a.test", "Clinic A")
    treated, patient = await world.patient(
        doctor, email="ruth@example.test", sessions=(date(2026, 3, 1),)
    )
    note = 'sore, "hot"\nbetter now'
    for day, pain in ((date(2026, 3, 2), 6), (date(2026, 3, 3), 4)):
        put = await patient.put(
            f"/api/me/checkins/{day.isoformat()}", json=checkin_body(pain=pain, note=note)
        )
        assert put.status_code == 201, put.text
    untreated, _ = await world.patient(doctor, email="new@example.test")
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")
    elsewhere, _ = await world.patient(other, email="elsewhere@example.test")

    out = tmp_path / "exports" / "clinic-a"  # neither directory exists yet
    result = run(database_url, tmp_path, "export", "--clinic", "Clinic A", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "exported 2 patient(s) of 'Clinic A'" in result.stdout

    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{pid}{suffix}" for pid in (treated, untreated) for suffix in (".fhir.json", ".csv")
    )
    assert elsewhere not in {p.name.split(".")[0] for p in out.iterdir()}
    bundle = Bundle.model_validate(json.loads((out / f"{treated}.fhir.json").read_text()))
    assert bundle.entry is not None
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry if entry.resource]
    assert kinds == ["Patient", "Procedure"] + ["Observation"] * 12
    with (out / f"{treated}.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["local_date"], r["day"], r["pain"], r["note"]) for r in rows] == [
        ("2026-03-02", "1", "6", note),
        ("2026-03-03", "2", "4", note),
    ]
    empty = Bundle.model_validate(json.loads((out / f"{untreated}.fhir.json").read_text()))
    assert empty.entry is not None and len(empty.entry) == 1
    assert (out / f"{untreated}.csv").read_text().startswith("local_date,day,session_date,")

    # One audit event per exported patient, with no user behind it, and none for Clinic B.
    async with db.read() as conn:
        events = (
            await conn.execute(
                select(AuditEvent.actor_user_id, AuditEvent.patient_id).where(
                    AuditEvent.action == "export.cli"
                )
            )
        ).all()
    assert sorted((actor, str(pid)) for actor, pid in events) == sorted(
        [(None, treated), (None, untreated)]
    )


async def test_export_of_an_unknown_clinic_fails_clearly(
    database_url: str, tmp_path: Path, world: World
) -> None:
    await world.practitioner("dr@clinic-a.test", "Clinic A")
    out = tmp_path / "exports"
    result = run(database_url, tmp_path, "export", "--clinic", "Clinic Z", "--out", str(out))
    assert result.returncode != 0
    assert "no clinic is named 'Clinic Z'" in result.stderr
    assert "'Clinic A'" in result.stderr  # the names there are, for the mistyped one
    assert "Traceback" not in result.stderr
    assert not out.exists()

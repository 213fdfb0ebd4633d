"""The `afterline` console script, run as an operator would, on the test's own database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.auth.models import User
from api.auth.service import authenticate
from api.checkins.models import Checkin
from api.core.clock import SystemClock
from api.core.db import Database
from api.patients.models import Clinic, Patient
from api.treatments.models import TreatmentSession

AFTERLINE = str(Path(sys.executable).parent / "afterline")


def run(
    database_url: str, tmp_path: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AFTERLINE_DATA_DIR": str(tmp_path / "data"),
        "AFTERLINE_ENV": "development",
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
    prod = load_settings(
        {
            "AFTERLINE_ENV": "production",
            "AFTERLINE_SECRET_KEY": "p" * 40,
            "DATABASE_URL": database_url,
        }
    )
    assert prod.is_production

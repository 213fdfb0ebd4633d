"""The migrations are the schema: they round-trip with data and match the models exactly."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection

from api.alerts.evaluate import alerts_for_checkin
from api.alerts.models import Alert, AlertReport
from api.checkins.models import SYMPTOMS, Checkin
from api.checkins.schemas import CheckinIn
from api.checkins.service import put_checkin
from api.core.db import Database
from api.core.migrate import downgrade, upgrade
from api.demo.seed import HISTORY_NAMES, PATIENTS, seed_demo
from api.identity.models import Patient
from api.models import Base
from api.notifications.models import Notification
from api.photos.vault import PhotoVault
from tests.conftest import START


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "compare_server_default": True},
    )
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_models_and_migrations_agree(db: Database) -> None:
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_upgrade_downgrade_upgrade_with_data(db: Database, database_url: str) -> None:
    await seed_demo(db, START, PhotoVault(bytes(32)))
    async with db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(Checkin)) > 100
    await db.dispose()

    await asyncio.to_thread(downgrade, database_url, "base")
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_tables) == set()

    await asyncio.to_thread(upgrade, database_url, "head")
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_tables) == set(Base.metadata.tables)
        assert await conn.run_sync(_diff) == []
    # The rebuilt schema accepts the same data again.
    await seed_demo(db, START, PhotoVault(bytes(32)))
    async with db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(Patient)) == len(PATIENTS) + len(
            HISTORY_NAMES
        )


async def test_0004_backfills_what_the_clinic_was_already_told(
    db: Database, database_url: str
) -> None:
    """Upgrading a database with alerts: every alert keeps a report of what it said, every
    check-in's warning signs are on record, and an edit of such a day tells nobody again."""
    await seed_demo(db, START, PhotoVault(bytes(32)))
    await db.dispose()
    await asyncio.to_thread(downgrade, database_url, "0003")
    await asyncio.to_thread(upgrade, database_url, "head")
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
    async with db.read() as conn:
        alerts = (await conn.execute(select(Alert))).all()
        reports = (await conn.execute(select(AlertReport))).all()
        readings = {row.id: row for row in (await conn.execute(select(Checkin))).all()}
    signed = [row for row in readings.values() if row.warning_signs]
    assert alerts and signed
    for alert in alerts:
        assert (alert.raised_at, alert.last_reported_on) == (alert.created_at, alert.local_date)
        assert any(r.alert_id == alert.id and r.local_date == alert.local_date for r in reports)
        if alert.rule in ("pain_high", "pain_rising"):
            assert alert.peak_pain == readings[alert.checkin_id].pain
    for checkin in signed:
        on_record = {
            item
            for r in reports
            if (r.rule, r.patient_id, r.local_date)
            == ("warning_sign", checkin.patient_id, checkin.local_date)
            for item in r.items
        }
        assert set(checkin.warning_signs) <= on_record

    # The patient edits the note of a day with a warning sign: no news, nobody told again.
    checkin = signed[0]
    async with db.read() as conn:
        timezone = await conn.scalar(
            select(Patient.timezone).where(Patient.id == checkin.patient_id)
        )
        told_before = await conn.scalar(select(func.count()).select_from(Notification))
    body = CheckinIn(
        **{name: getattr(checkin, name) for name in SYMPTOMS},
        warning_signs=list(checkin.warning_signs),
        note="edited after the upgrade",
        recorded_at=START + timedelta(minutes=1),
    )
    judge = partial(alerts_for_checkin, email_on=False)
    answer = await put_checkin(
        db,
        checkin.patient_id,
        timezone,
        checkin.local_date,
        body,
        START + timedelta(minutes=1),
        judge,
    )
    assert answer.outcome == "updated"
    async with db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(Notification)) == told_before

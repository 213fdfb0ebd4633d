"""The migrations are the schema: they round-trip with data and match the models exactly."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection

from api.checkins.models import Checkin
from api.core.db import Database
from api.core.migrate import downgrade, upgrade
from api.demo.seed import HISTORY_NAMES, PATIENTS, seed_demo
from api.models import Base
from api.patients.models import Patient
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
    await seed_demo(db, START)
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
    await seed_demo(db, START)
    async with db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(Patient)) == len(PATIENTS) + len(
            HISTORY_NAMES
        )

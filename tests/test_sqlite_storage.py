"""What SQLite keeps on disk: a deleted photo's sealed bytes are overwritten, not left in the
file's free pages (`PRAGMA secure_delete`). SQLite only (the PostgreSQL pass skips this file:
its heap files are not ours to read), so it lives apart from tests/api/test_photos.py."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import select

from api.core.db import Database
from api.photos.models import PhotoImage
from tests.conftest import World
from tests.pictures import phone_jpeg


def on_disk(database_url: str) -> bytes:
    path = Path(database_url.split(":///", 1)[1])
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_a_deleted_photos_bytes_are_gone_from_the_file(
    world: World, db: Database, database_url: str
) -> None:
    assert database_url.startswith("sqlite")
    _, patient = await world.patient(await world.practitioner())
    added = await patient.post(
        "/api/me/photos",
        files={"file": ("calf.jpg", phone_jpeg(size=(1200, 900)), "image/jpeg")},
        data={"area": "leg_left_calf"},
    )
    assert added.status_code == 201, added.text
    async with db.read() as conn:
        sealed = list(await conn.scalars(select(PhotoImage.sealed)))
    # A stretch from the middle of each sealed image: present before, gone after.
    marks = [blob[len(blob) // 2 : len(blob) // 2 + 64] for blob in sealed]
    assert all(mark in on_disk(database_url) for mark in marks)
    deleted = await patient.delete(f"/api/me/photos/{added.json()['id']}")
    assert deleted.status_code == 204
    # Whatever the WAL still holds is copied into the file and the WAL emptied.
    with closing(sqlite3.connect(database_url.split(":///", 1)[1])) as conn:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0
    disk = on_disk(database_url)
    assert not any(mark in disk for mark in marks)

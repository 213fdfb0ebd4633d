"""The audit trail is a hash chain per clinic (`api.audit.chain`): an edit, a deletion or a
reordering made directly in the database is found by `verify` and `afterline audit verify`."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import delete, func, select, update

from api.audit.chain import SYSTEM, verify, verify_all
from api.audit.models import AuditChainHead, AuditEvent
from api.audit.service import record_read
from api.core.db import Database
from api.identity.models import Clinic
from tests.conftest import START, ApiClient, World
from tests.test_cli import run


async def _clinic(db: Database, name: str = "Clinic A") -> uuid.UUID:
    async with db.read() as conn:
        found = await conn.scalar(select(Clinic.id).where(Clinic.name == name))
    assert found is not None
    return uuid.UUID(str(found))


async def _a_clinics_trail(world: World) -> tuple[ApiClient, uuid.UUID]:
    """A practitioner who registered two patients and read them: at least six events."""
    doctor = await world.practitioner()
    for n in range(2):
        patient_id, _ = await world.patient(doctor, email=f"p{n}@example.test")
        assert (await doctor.get(f"/api/patients/{patient_id}")).status_code == 200
        assert (await doctor.get(f"/api/patients/{patient_id}/timeline")).status_code == 200
    assert (await doctor.get("/api/patients")).status_code == 200
    clinic_id = await _clinic(world.db)
    async with world.db.read() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.clinic_id == clinic_id)
        )
    assert count >= 6
    return doctor, clinic_id


async def _event(db: Database, clinic_id: uuid.UUID, seq: int) -> uuid.UUID:
    async with db.read() as conn:
        found = await conn.scalar(
            select(AuditEvent.id).where(AuditEvent.clinic_id == clinic_id, AuditEvent.seq == seq)
        )
    return uuid.UUID(str(found))


async def _tamper(db: Database, *statements: object) -> None:
    async with db.write() as tx:
        for statement in statements:
            await tx.execute(statement)  # type: ignore[arg-type]


async def _first_break(db: Database, clinic_id: uuid.UUID) -> tuple[int, str] | None:
    async with db.read() as conn:
        broken = await verify(conn, clinic_id)
    return (broken.seq, broken.problem) if broken else None


async def test_an_untouched_trail_verifies_and_each_clinic_has_its_own(world: World) -> None:
    await _a_clinics_trail(world)
    other = await world.practitioner("dr@clinic-b.test", "Clinic B")
    assert (await other.get("/api/patients")).status_code == 200
    async with world.db.read() as conn:
        results = await verify_all(conn)
    clinics = {clinic_id for clinic_id, _, _ in results}
    assert {await _clinic(world.db), await _clinic(world.db, "Clinic B")} <= clinics
    assert [broken for _, _, broken in results] == [None] * len(results)
    # Each chain counts from 1 without a gap, and its head is its last event.
    async with world.db.read() as conn:
        for clinic_id, count, _ in results:
            seqs = (
                await conn.scalars(
                    select(AuditEvent.seq)
                    .where(AuditEvent.clinic_id == clinic_id)
                    .order_by(AuditEvent.seq)
                )
            ).all()
            head = await conn.scalar(
                select(AuditChainHead.seq).where(AuditChainHead.clinic_id == clinic_id)
            )
            assert list(seqs) == list(range(1, count + 1)) and head == count


async def test_an_edited_event_is_found(world: World) -> None:
    _, clinic_id = await _a_clinics_trail(world)
    target = await _event(world.db, clinic_id, 3)
    await _tamper(
        world.db, update(AuditEvent).where(AuditEvent.id == target).values(action="nothing")
    )
    assert await _first_break(world.db, clinic_id) == (3, "was changed after it was recorded")


async def test_an_edit_that_also_rewrites_its_hash_breaks_the_next_link(world: World) -> None:
    _, clinic_id = await _a_clinics_trail(world)
    target = await _event(world.db, clinic_id, 2)
    await _tamper(world.db, update(AuditEvent).where(AuditEvent.id == target).values(hash="f" * 64))
    assert await _first_break(world.db, clinic_id) == (2, "was changed after it was recorded")


async def test_a_deleted_event_is_found(world: World) -> None:
    _, clinic_id = await _a_clinics_trail(world)
    target = await _event(world.db, clinic_id, 4)
    await _tamper(world.db, delete(AuditEvent).where(AuditEvent.id == target))
    assert await _first_break(world.db, clinic_id) == (4, "event 4 is missing")


async def test_a_deleted_last_event_is_found(world: World) -> None:
    _, clinic_id = await _a_clinics_trail(world)
    async with world.db.read() as conn:
        last = await conn.scalar(
            select(func.max(AuditEvent.seq)).where(AuditEvent.clinic_id == clinic_id)
        )
    target = await _event(world.db, clinic_id, int(last))
    await _tamper(world.db, delete(AuditEvent).where(AuditEvent.id == target))
    assert await _first_break(world.db, clinic_id) == (
        int(last),
        "the chain ends before its last event",
    )


async def test_reordered_events_are_found(world: World) -> None:
    _, clinic_id = await _a_clinics_trail(world)
    second, third = await _event(world.db, clinic_id, 2), await _event(world.db, clinic_id, 3)
    await _tamper(
        world.db,
        update(AuditEvent).where(AuditEvent.id == second).values(seq=-2),
        update(AuditEvent).where(AuditEvent.id == third).values(seq=2),
        update(AuditEvent).where(AuditEvent.id == second).values(seq=3),
    )
    assert await _first_break(world.db, clinic_id) == (2, "does not follow the event before it")


async def test_reads_audited_at_once_chain_one_after_another(world: World) -> None:
    doctor, clinic_id = await _a_clinics_trail(world)
    me = (await doctor.get("/api/auth/me")).json()
    await asyncio.gather(
        *(
            record_read(
                world.db,
                actor_id=uuid.UUID(me["id"]),
                clinic_id=clinic_id,
                action="test.read",
                at=START,
            )
            for _ in range(30)
        )
    )
    system = [
        record_read(world.db, actor_id=None, clinic_id=None, action="test.system", at=START)
        for _ in range(3)
    ]
    await asyncio.gather(*system)
    assert await _first_break(world.db, clinic_id) is None
    assert await _first_break(world.db, SYSTEM) is None


async def test_afterline_audit_verify_reports_the_first_broken_link(
    world: World, database_url: str, tmp_path: Path
) -> None:
    _, clinic_id = await _a_clinics_trail(world)
    intact = await asyncio.to_thread(run, database_url, tmp_path, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "Clinic A: intact," in intact.stdout
    target = await _event(world.db, clinic_id, 2)
    await _tamper(world.db, delete(AuditEvent).where(AuditEvent.id == target))
    broken = await asyncio.to_thread(run, database_url, tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert "Clinic A: BROKEN at event 2" in broken.stdout
    assert "event 2 is missing" in broken.stdout


@pytest.mark.parametrize("column", ["actor_user_id", "patient_id"])
async def test_the_trail_names_ids_without_foreign_keys(world: World, column: str) -> None:
    """A removed user or patient must not rewrite the log (a foreign key's SET NULL would)."""
    _, clinic_id = await _a_clinics_trail(world)
    assert column not in {
        fk.parent.name
        for fk in AuditEvent.__table__.foreign_keys  # type: ignore[attr-defined]
    }
    assert await _first_break(world.db, clinic_id) is None


async def test_afterline_audit_export_writes_fhir_audit_events_with_the_chain_head(
    world: World, database_url: str, tmp_path: Path
) -> None:
    _, clinic_id = await _a_clinics_trail(world)
    out = tmp_path / "audit.json"
    since = START.date().isoformat()
    args = ("audit", "export", "--clinic", "Clinic A", "--since", since, "--out", str(out))
    done = await asyncio.to_thread(run, database_url, tmp_path, *args)
    assert done.returncode == 0, done.stderr
    bundle = Bundle.model_validate_json(out.read_bytes())  # a valid FHIR R4B Bundle
    async with world.db.read() as conn:
        head = (
            await conn.execute(
                select(AuditChainHead.seq, AuditChainHead.hash).where(
                    AuditChainHead.clinic_id == clinic_id
                )
            )
        ).one()
        actions = (
            await conn.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.clinic_id == clinic_id)
                .order_by(AuditEvent.seq)
            )
        ).all()
    assert bundle.identifier.value == f"{head.seq}:{head.hash}"
    events = [entry.resource for entry in bundle.entry]
    assert [event.subtype[0].code for event in events] == list(actions)
    links = [{d.type: d.valueString for d in event.entity[0].detail} for event in events]
    assert [int(link["seq"]) for link in links] == list(range(1, len(actions) + 1))
    assert all(b["prev-hash"] == a["hash"] for a, b in itertools.pairwise(links))
    assert links[-1]["hash"] == head.hash
    read = next(event for event in events if event.subtype[0].code == "patient.read")
    assert read.action == "R" and read.entity[1].what.reference.startswith("Patient/")
    # Nothing before the day asked for; an unknown clinic names the ones there are.
    later = await asyncio.to_thread(
        run, database_url, tmp_path, "audit", "export", "--clinic", "Clinic A", "--since",
        "2099-01-01",
    )  # fmt: skip
    assert Bundle.model_validate_json(later.stdout).entry is None
    unknown = await asyncio.to_thread(
        run, database_url, tmp_path, "audit", "export", "--clinic", "Nope", "--since", since
    )
    assert unknown.returncode != 0 and "'Clinic A'" in unknown.stderr

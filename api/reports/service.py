"""Exports of a patient's record, shared by the practitioner's routes and `afterline export`.

Every export is an audited read: the audit event is written in the same transaction that
reads the record, by the practitioner (`export.fhir`, `export.csv`) or, from the shell, with
no actor (`export.cli`). Rendering happens after that transaction has ended, and the
FHIR rendering in another process (`render_fhir`).
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy import select

from api.audit.service import record as record_audit
from api.audit.service import record_read
from api.core.db import Database, DbConnection
from api.core.errors import FieldError
from api.core.principal import Principal, SignedInPatient
from api.identity.models import Clinic, Patient
from api.identity.patients import read_as_practitioner
from api.reports.audit_fhir import audit_bundle
from api.reports.csv_export import checkins_csv
from api.reports.fhir import bundle_json
from api.reports.outcomes import OutcomesReport, outcomes_report
from api.reports.own_copy import OwnCopy, load_own_copy, own_csv
from api.reports.own_fhir import own_bundle_json
from api.reports.record import PatientRecord, load_record

FHIR_SUFFIX = ".fhir.json"
CSV_SUFFIX = ".csv"


@dataclass(frozen=True)
class Export:
    """One rendered file: its name (from the patient id, never the name) and its bytes."""

    filename: str
    content: bytes


def fhir_export(record: PatientRecord, now: datetime, base_url: str = "") -> Export:
    return Export(f"{record.patient.id}{FHIR_SUFFIX}", bundle_json(record, now, base_url))


def csv_export(record: PatientRecord) -> Export:
    return Export(f"{record.patient.id}{CSV_SUFFIX}", checkins_csv(record))


_renderer: ProcessPoolExecutor | None = None


async def render_fhir(record: PatientRecord, now: datetime, base_url: str = "") -> Export:
    """The FHIR bundle, rendered in a helper process.

    Rendering validates every resource with pydantic (~0.1 s for a few months of
    check-ins, more for a long record), in calls that hold the GIL from start to end: on a
    thread of this process they would stall the event loop just the same (measured with
    `python -m bench --heavy`). One spawned helper, started on first use, renders them
    in turn; the record and the bundle cross as pickles.
    """
    return await asyncio.get_running_loop().run_in_executor(
        _fhir_renderer(), fhir_export, record, now, base_url
    )


def _fhir_renderer() -> ProcessPoolExecutor:
    global _renderer
    if _renderer is None:
        _renderer = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    return _renderer


async def practitioner_fhir(
    db: Database, actor: Principal, patient_id: uuid.UUID, now: datetime, base_url: str
) -> Export:
    """`base_url`: the server's public address, for the photos' image URLs."""
    record = await read_as_practitioner(db, actor, patient_id, "export.fhir", now, load_record)
    return await render_fhir(record, now, base_url)


async def practitioner_csv(
    db: Database, actor: Principal, patient_id: uuid.UUID, now: datetime
) -> Export:
    record = await read_as_practitioner(db, actor, patient_id, "export.csv", now, load_record)
    return csv_export(record)


async def own_copy(
    db: Database, me: SignedInPatient, clinic_id: uuid.UUID, action: str, now: datetime
) -> OwnCopy:
    """Everything about the signed-in patient, audited as their own read (`action`)."""
    async with db.read() as conn:
        copy = await load_own_copy(conn, me.patient_id)
    await record_read(
        db,
        actor_id=me.user_id,
        clinic_id=clinic_id,
        action=action,
        at=now,
        patient_id=me.patient_id,
    )
    return copy


def _render_own_fhir(copy: OwnCopy, now: datetime, base_url: str) -> Export:
    return Export(f"{copy.record.patient.id}{FHIR_SUFFIX}", own_bundle_json(copy, now, base_url))


async def own_fhir(
    db: Database, me: SignedInPatient, clinic_id: uuid.UUID, now: datetime, base_url: str
) -> Export:
    copy = await own_copy(db, me, clinic_id, "export.own_fhir", now)
    return await asyncio.get_running_loop().run_in_executor(
        _fhir_renderer(), _render_own_fhir, copy, now, base_url
    )


async def own_csv_export(
    db: Database, me: SignedInPatient, clinic_id: uuid.UUID, now: datetime
) -> Export:
    copy = await own_copy(db, me, clinic_id, "export.own_csv", now)
    return Export(f"{copy.record.patient.id}{CSV_SUFFIX}", own_csv(copy))


async def clinic_named(conn: DbConnection, clinic_name: str) -> uuid.UUID:
    """The clinic's id. An unknown name is a `FieldError` naming the clinics there are, so
    an operator who mistyped one sees the right spelling."""
    clinic_id = await conn.scalar(select(Clinic.id).where(Clinic.name == clinic_name))
    if clinic_id is None:
        names = (await conn.scalars(select(Clinic.name).order_by(Clinic.name))).all()
        known = ", ".join(repr(name) for name in names) or "none yet"
        raise FieldError("clinic", f"no clinic is named {clinic_name!r} (clinics: {known})")
    return uuid.UUID(str(clinic_id))


async def clinic_patient_ids(db: Database, clinic_name: str) -> list[uuid.UUID]:
    """Every patient of the clinic (active or not), oldest registration first."""
    async with db.read() as conn:
        clinic_id = await clinic_named(conn, clinic_name)
        ids = await conn.scalars(
            select(Patient.id)
            .where(Patient.clinic_id == clinic_id)
            .order_by(Patient.created_at, Patient.id)
        )
        return list(ids)


async def clinic_audit_export(db: Database, clinic_name: str, since: datetime) -> bytes:
    """The clinic's audit events since `since` as a FHIR `Bundle` of `AuditEvent`s (JSON)."""
    async with db.read() as conn:
        bundle = await audit_bundle(conn, await clinic_named(conn, clinic_name), since)
    return bundle.model_dump_json().encode()


async def export_patient_files(
    db: Database, patient_id: uuid.UUID, out_dir: Path, now: datetime, base_url: str = ""
) -> list[Path]:
    """Write `<id>.fhir.json` and `<id>.csv` into `out_dir` (which must exist), audited.

    The operator has no user account, so the audit event has no actor; its action and
    detail say it came from the command line.
    """
    async with db.write() as tx:
        record_audit(
            tx,
            actor_id=None,
            clinic_id=await tx.scalar(select(Patient.clinic_id).where(Patient.id == patient_id)),
            action="export.cli",
            at=now,
            patient_id=patient_id,
            detail={"formats": ["fhir", "csv"]},
        )
        record = await load_record(await tx.connection(), patient_id)
    written = []
    for export in (await render_fhir(record, now, base_url), csv_export(record)):
        path = out_dir / export.filename
        await asyncio.to_thread(path.write_bytes, export.content)
        written.append(path)
    return written


async def clinic_outcomes(
    db: Database, actor: Principal, now: datetime, action: str
) -> OutcomesReport:
    """The clinic's outcomes report, audited as a clinic-wide read (no patient named)."""
    async with db.write() as tx:
        record_audit(tx, actor_id=actor.user_id, clinic_id=actor.clinic_id, action=action, at=now)
        return await outcomes_report(await tx.connection(), actor.clinic_id)

"""Operator commands about records: exporting them, the audit trail, and retention."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path

import click

from api.cli.common import settings_now
from api.core.settings import load_settings


@click.command("export")
@click.option("--clinic", "clinic_name", required=True, help="The clinic's name, exactly")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    help="Directory for the files; created if missing",
)
def export_command(clinic_name: str, out_dir: Path) -> None:
    """Write <patient-id>.fhir.json and <patient-id>.csv for every patient of a clinic."""
    from rich.console import Console
    from rich.progress import Progress

    from api.core.db import Database
    from api.core.errors import AppError
    from api.reports.service import clinic_patient_ids, export_patient_files

    async def run() -> int:
        settings = load_settings()
        db = Database.from_url(settings.database_url)
        try:
            patient_ids = await clinic_patient_ids(db, clinic_name)
            await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
            # The bar goes to stderr, so stdout carries only the summary line.
            with Progress(console=Console(stderr=True), transient=True) as progress:
                task = progress.add_task("Exporting", total=len(patient_ids))
                for patient_id in patient_ids:
                    await export_patient_files(
                        db, patient_id, out_dir, settings_now(), settings.base_url
                    )
                    progress.advance(task)
            return len(patient_ids)
        finally:
            await db.dispose()

    try:
        count = asyncio.run(run())
    except AppError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"exported {count} patient(s) of {clinic_name!r} to {out_dir}")


@click.group()
def audit() -> None:
    """The audit trail: check that nothing in it was changed, export it."""


@audit.command("verify")
def audit_verify() -> None:
    """Walk every clinic's hash chain and report the first broken link of each (exit 1)."""
    from sqlalchemy import select

    from api.audit.chain import SYSTEM, verify_all
    from api.core.db import Database
    from api.identity.models import Clinic

    async def run() -> tuple[list[str], bool]:
        db = Database.from_url(load_settings().database_url)
        try:
            async with db.read() as conn:
                rows = await conn.execute(select(Clinic.id, Clinic.name))
                names = {row.id: row.name for row in rows}
                results = await verify_all(conn)
        finally:
            await db.dispose()
        lines = []
        for clinic_id, count, broken in results:
            name = "no clinic" if clinic_id == SYSTEM else names.get(clinic_id, str(clinic_id))
            if broken is None:
                lines.append(f"{name}: intact, {count} event(s)")
            else:
                at = f" (id {broken.event_id})" if broken.event_id else ""
                lines.append(f"{name}: BROKEN at event {broken.seq}{at}: {broken.problem}")
        return lines, all(broken is None for _, _, broken in results)

    lines, intact = asyncio.run(run())
    for line in lines:
        click.echo(line)
    if not intact:
        sys.exit(1)


@audit.command("export")
@click.option("--clinic", "clinic_name", required=True, help="The clinic's name, exactly")
@click.option(
    "--since",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The first day (UTC) to include, e.g. 2026-01-01",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write here instead of standard output",
)
def audit_export(clinic_name: str, since: datetime, out_file: Path | None) -> None:
    """The clinic's audit events since a day as FHIR AuditEvents (a Bundle, with the chain
    head), for shipping to another system."""
    from datetime import UTC

    from api.core.db import Database
    from api.core.errors import AppError
    from api.reports.service import clinic_audit_export

    async def run() -> bytes:
        db = Database.from_url(load_settings().database_url)
        try:
            return await clinic_audit_export(db, clinic_name, since.replace(tzinfo=UTC))
        finally:
            await db.dispose()

    try:
        exported = asyncio.run(run())
    except AppError as exc:
        raise click.ClickException(exc.detail) from exc
    if out_file is None:
        click.echo(exported.decode())
    else:
        out_file.write_bytes(exported)


@click.command()
@click.option("--dry-run", "mode", flag_value="dry-run", help="List who would be erased")
@click.option("--apply", "mode", flag_value="apply", help="Erase them")
def retention(mode: str | None) -> None:
    """Erase patients past their clinic's retention period (whole years after their last
    treatment session): every row and photo, leaving a tombstone in the audit trail."""
    from rich.console import Console
    from rich.progress import Progress

    from api.core.db import Database
    from api.leaving.retention import PastRetention, erase_patient, patients_past_retention

    if mode is None:
        raise click.UsageError("say --dry-run to list who is due, or --apply to erase them")

    async def run() -> list[PastRetention]:
        db = Database.from_url(load_settings().database_url)
        try:
            due = await patients_past_retention(db, settings_now())
            if mode == "apply":
                with Progress(console=Console(stderr=True), transient=True) as progress:
                    task = progress.add_task("Erasing", total=len(due))
                    for patient in due:
                        await erase_patient(db, patient, settings_now())
                        progress.advance(task)
            return due
        finally:
            await db.dispose()

    due = asyncio.run(run())
    for patient in due:
        last = patient.last_treated.isoformat() if patient.last_treated else "never treated"
        click.echo(
            f"{patient.clinic_name}: patient {patient.patient_id}, last treated {last}, "
            f"kept {patient.retention_years} years from {patient.kept_from.isoformat()}"
        )
    verb = "erased" if mode == "apply" else "would be erased (nothing changed: --apply erases)"
    click.echo(f"{len(due)} patient(s) {verb}")

"""The clinic's own settings: its timezone (the digest's morning) and its phone number.

The phone number is what a patient who ticks a warning sign is told to call, so it is checked
to look like one: digits with the usual separators and an optional leading +.
"""

from __future__ import annotations

import re
from datetime import datetime

import msgspec
from sqlalchemy import select

from api.audit.service import record
from api.core.db import Database
from api.core.errors import FieldError, NotFoundError
from api.core.principal import Principal
from api.core.rows import to_struct
from api.core.validation import check_timezone
from api.identity.models import Clinic
from api.identity.schemas import ClinicOut, ClinicUpdate

PHONE = re.compile(r"\+?[0-9(][0-9 ()./-]{4,38}")
MIN_DIGITS = 5


def check_phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    phone = " ".join(value.split())
    if not PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < MIN_DIGITS:
        raise FieldError(
            "phone", "must be a phone number: digits, spaces, ( ) - . / and a leading +"
        )
    return phone


MIN_RETENTION_YEARS = 1
MAX_RETENTION_YEARS = 100


def _out(clinic: Clinic) -> ClinicOut:
    return to_struct(ClinicOut, clinic)


async def get_clinic(db: Database, actor: Principal) -> ClinicOut:
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(
                    Clinic.id, Clinic.name, Clinic.timezone, Clinic.phone, Clinic.retention_years
                ).where(Clinic.id == actor.clinic_id)
            )
        ).first()
    if row is None:
        raise NotFoundError()
    return ClinicOut(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        phone=row.phone,
        retention_years=row.retention_years,
    )


async def update_clinic(
    db: Database, actor: Principal, data: ClinicUpdate, now: datetime
) -> ClinicOut:
    timezone = None if data.timezone is msgspec.UNSET else check_timezone(data.timezone)
    phone = msgspec.UNSET if data.phone is msgspec.UNSET else check_phone(data.phone)
    years = data.retention_years
    if years is not msgspec.UNSET and not MIN_RETENTION_YEARS <= years <= MAX_RETENTION_YEARS:
        raise FieldError(
            "retention_years",
            f"must be a whole number of years from {MIN_RETENTION_YEARS} to {MAX_RETENTION_YEARS}",
        )
    async with db.write() as tx:
        clinic = await tx.scalar(select(Clinic).where(Clinic.id == actor.clinic_id))
        if clinic is None:
            raise NotFoundError()
        if timezone is not None:
            clinic.timezone = timezone
        if phone is not msgspec.UNSET:
            clinic.phone = phone
        if years is not msgspec.UNSET:
            clinic.retention_years = years
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="clinic.update",
            at=now,
            detail={
                "fields": sorted(
                    f
                    for f in ("timezone", "phone", "retention_years")
                    if getattr(data, f) is not msgspec.UNSET
                )
            },
        )
        return _out(clinic)

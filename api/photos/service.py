"""Adding, listing, showing and deleting photos of treated areas.

An upload is re-encoded (api.photos.imaging) on a worker thread before any transaction
starts, then the photo row and both sealed images are written in one transaction: a photo is
stored whole or not at all. Who may see an image: the patient it shows, and the practitioners
of that patient's clinic (each of their views is audited); anyone else gets the same 404 as
for an id that does not exist.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select

from api.audit.service import record, record_read
from api.core.clock import local_today
from api.core.db import Database, DbConnection, Transaction
from api.core.errors import AppError, FieldError, NotFoundError
from api.core.principal import Principal
from api.core.vocabulary import AREAS
from api.identity.models import Patient
from api.photos.imaging import MAX_UPLOAD_BYTES, PreparedImages, prepare
from api.photos.models import Photo, PhotoImage
from api.photos.schemas import ImageSize, PhotoOut, PhotoUpload
from api.photos.vault import PhotoVault
from api.treatments.models import TreatmentSession
from api.treatments.plan import session_in_force

# A phone's clock a few minutes fast is normal; further ahead is a wrong date.
FUTURE_ALLOWANCE = timedelta(minutes=10)
OLDEST_PHOTO = timedelta(days=3653)


class UploadTooLarge(AppError):
    status_code = 413


def check_area(area: str) -> str:
    if area not in AREAS:
        raise FieldError("area", "is not one of the treated-area codes")
    return area


def parse_taken_at(value: str | None, now: datetime) -> datetime:
    """When the photo was taken: an ISO 8601 instant with its offset, not in the future."""
    if value is None or not value.strip():
        return now
    try:
        taken_at = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise FieldError("taken_at", "is not an ISO 8601 date and time") from exc
    if taken_at.tzinfo is None:
        raise FieldError("taken_at", "needs a UTC offset (for example 2026-05-01T09:30:00Z)")
    if taken_at > now + FUTURE_ALLOWANCE:
        raise FieldError("taken_at", "is in the future")
    if taken_at < now - OLDEST_PHOTO:
        raise FieldError("taken_at", "is more than ten years ago; check the year")
    return taken_at


async def prepare_upload(raw: bytes) -> PreparedImages:
    """The upload checked and re-encoded, off the event loop (Pillow releases the GIL)."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge("file: is larger than 15 MB", field="file")
    if not raw:
        raise FieldError("file", "is empty")
    return await asyncio.to_thread(prepare, raw)


async def add_photo(
    db: Database,
    vault: PhotoVault,
    form: PhotoUpload,
    *,
    patient_id: uuid.UUID,
    by: uuid.UUID,
    source: str,
    now: datetime,
) -> PhotoOut:
    """An upload checked field by field, re-encoded off the loop, then stored whole."""
    area = check_area(form.area)
    taken_at = parse_taken_at(form.taken_at, now)
    images = await prepare_upload(await form.file.read())
    return await store_photo(
        db,
        vault,
        patient_id=patient_id,
        area=area,
        taken_at=taken_at,
        images=images,
        source=source,
        uploaded_by=by,
        now=now,
    )


_patient_of = select(Patient.timezone, Patient.clinic_id).where(
    Patient.id == bindparam("patient_id")
)
_clinic_of = select(Patient.clinic_id).where(Patient.id == bindparam("patient_id"))
_sessions_of = (
    select(TreatmentSession.id, TreatmentSession.performed_on)
    .where(TreatmentSession.patient_id == bindparam("patient_id"))
    .order_by(TreatmentSession.performed_on, TreatmentSession.created_at)
)


async def _sessions(conn: DbConnection | Transaction, patient_id: uuid.UUID) -> list[Any]:
    return list((await conn.execute(_sessions_of, {"patient_id": patient_id})).all())


def _listed(photo: Any, sessions: Sequence[Any]) -> PhotoOut:
    """A photo with the session in force on its date and the day since it (as check-ins)."""
    follows = session_in_force(sessions, photo.local_date)
    return PhotoOut(
        id=photo.id,
        area=photo.area,
        taken_at=photo.taken_at,
        local_date=photo.local_date,
        session_id=follows.id if follows else None,
        day=(photo.local_date - follows.performed_on).days if follows else None,
        width=photo.width,
        height=photo.height,
        source=photo.source,
    )


async def store_photo(
    db: Database,
    vault: PhotoVault,
    *,
    patient_id: uuid.UUID,
    area: str,
    taken_at: datetime,
    images: PreparedImages,
    source: str,
    uploaded_by: uuid.UUID,
    now: datetime,
) -> PhotoOut:
    """Both images sealed, then the photo and its images written in one transaction."""
    photo_id = uuid.uuid4()
    full = vault.seal(photo_id, "full", images.full)
    thumb = vault.seal(photo_id, "thumb", images.thumb)
    async with db.write() as tx:
        zone, clinic_id = tuple((await tx.execute(_patient_of, {"patient_id": patient_id})).one())
        if zone is None:
            raise NotFoundError()
        photo = Photo(
            id=photo_id,
            patient_id=patient_id,
            area=area,
            taken_at=taken_at,
            local_date=local_today(taken_at, zone),
            source=source,
            uploaded_by=uploaded_by,
            width=images.width,
            height=images.height,
            stored_bytes=len(full) + len(thumb),
            created_at=now,
        )
        tx.add(photo)
        await tx.flush()  # the images' foreign key needs the photo first
        tx.add(PhotoImage(photo_id=photo_id, size="full", sealed=full))
        tx.add(PhotoImage(photo_id=photo_id, size="thumb", sealed=thumb))
        record(
            tx,
            actor_id=uploaded_by,
            clinic_id=clinic_id,
            action="photo.add",
            at=now,
            patient_id=patient_id,
            detail={"photo_id": str(photo_id), "area": area, "source": source},
        )
        return _listed(photo, await _sessions(tx, patient_id))


_photos_of = (
    select(
        Photo.id,
        Photo.area,
        Photo.taken_at,
        Photo.local_date,
        Photo.width,
        Photo.height,
        Photo.source,
    )
    .where(Photo.patient_id == bindparam("patient_id"))
    .order_by(Photo.taken_at, Photo.id)
)


async def list_photos(
    conn: DbConnection, patient_id: uuid.UUID, sessions: Sequence[Any] | None = None
) -> list[PhotoOut]:
    """One patient's photos, oldest first (a reader for `Database.reading` and the audited
    practitioner read). `sessions`: the patient's sessions in timeline order (id and
    `performed_on`), when the caller has them already."""
    if sessions is None:
        sessions = await _sessions(conn, patient_id)
    photos = await conn.execute(_photos_of, {"patient_id": patient_id})
    return [_listed(photo, sessions) for photo in photos]


async def delete_own_photo(
    db: Database, patient_id: uuid.UUID, user_id: uuid.UUID, photo_id: uuid.UUID, now: datetime
) -> None:
    """The patient's own photo and both its images, gone in one transaction (audited)."""
    async with db.write() as tx:
        photo = (
            await tx.execute(
                select(Photo.id, Photo.area).where(
                    Photo.id == photo_id, Photo.patient_id == patient_id
                )
            )
        ).first()
        if photo is None:
            raise NotFoundError()
        # Explicitly, not only by the cascade: SQLite enforces it only with foreign keys on.
        await tx.execute(delete(PhotoImage).where(PhotoImage.photo_id == photo_id))
        await tx.execute(delete(Photo).where(Photo.id == photo_id))
        record(
            tx,
            actor_id=user_id,
            clinic_id=await tx.scalar(_clinic_of, {"patient_id": patient_id}),
            action="photo.delete",
            at=now,
            patient_id=patient_id,
            detail={"photo_id": str(photo_id), "area": photo.area},
        )


async def read_image(
    db: Database,
    vault: PhotoVault,
    actor: Principal,
    photo_id: uuid.UUID,
    size: ImageSize,
    now: datetime,
) -> bytes:
    """The image's JPEG bytes, for the patient it shows or their clinic's practitioners."""
    query = (
        select(PhotoImage.sealed, Photo.patient_id)
        .join(Photo, Photo.id == PhotoImage.photo_id)
        .join(Patient, Patient.id == Photo.patient_id)
        .where(PhotoImage.photo_id == photo_id, PhotoImage.size == size)
    )
    if actor.is_practitioner:
        query = query.where(Patient.clinic_id == actor.clinic_id)
    else:
        query = query.where(Photo.patient_id == actor.patient_id)
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    if row is None:
        raise NotFoundError()
    if actor.is_practitioner:  # a screen of thumbnails: each is audited, committed together
        await record_read(
            db,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="photo.view",
            at=now,
            patient_id=row.patient_id,
            detail={"photo_id": str(photo_id), "size": size},
        )
    return vault.open(photo_id, size, row.sealed)

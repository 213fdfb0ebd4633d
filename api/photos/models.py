"""A photo of a treated area, and its two sealed images (the full picture and a thumbnail).

The images live in a table of their own so that listing photos never reads image bytes, and
deleting a photo deletes its images with it (ON DELETE CASCADE).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey

PHOTO_SOURCES = ("patient", "clinic")
IMAGE_SIZES = ("full", "thumb")


class Photo(UUIDPrimaryKey, Base):
    __tablename__ = "photo"
    __table_args__ = (
        Index("ix_photo_patient_id_taken_at", "patient_id", "taken_at"),
        CheckConstraint("source IN ('patient', 'clinic')", name="source"),
        CheckConstraint("width > 0 AND height > 0", name="dimensions"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    area: Mapped[str] = mapped_column(String(40))
    taken_at: Mapped[datetime]
    # The patient's calendar date when it was taken: the day since session is counted from it.
    local_date: Mapped[date] = mapped_column(Date())
    source: Mapped[str] = mapped_column(String(16))
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    width: Mapped[int] = mapped_column(Integer())
    height: Mapped[int] = mapped_column(Integer())
    # Both sealed images together, for the storage figures (`afterline` reports, README).
    stored_bytes: Mapped[int] = mapped_column(Integer())
    created_at: Mapped[datetime]


class PhotoImage(Base):
    """One sealed JPEG (AES-256-GCM, see api.photos.vault); never a byte in the clear."""

    __tablename__ = "photo_image"
    __table_args__ = (CheckConstraint("size IN ('full', 'thumb')", name="size"),)

    photo_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True
    )
    size: Mapped[str] = mapped_column(String(8), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary())

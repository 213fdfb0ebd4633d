"""Photo bodies: the upload form and the photo as listed (its images are fetched by id)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import msgspec
from litestar.datastructures import UploadFile

from api.core.vocabulary import Area

ImageSize = Literal["thumb", "full"]


@dataclass
class PhotoUpload:
    """`multipart/form-data`: the picture, the treated area it shows, and when it was taken
    (ISO 8601 with a UTC offset; the upload's own time when absent)."""

    file: UploadFile
    area: Area
    taken_at: str | None = None


class PhotoOut(msgspec.Struct):
    id: uuid.UUID
    area: str
    taken_at: datetime
    local_date: date
    # The session in force on `local_date` and the day since it, as for check-ins; None for
    # a photo before the first session (a baseline).
    session_id: uuid.UUID | None
    day: int | None
    width: int
    height: int
    # "patient" (taken in the app) or "clinic" (a practitioner's photo, e.g. the baseline).
    source: str

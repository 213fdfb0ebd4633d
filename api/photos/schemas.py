"""Photo bodies: the upload form and the photo as listed (its images are fetched by id)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import msgspec
from litestar.datastructures import UploadFile

ImageSize = Literal["thumb", "full"]


@dataclass
class PhotoUpload:
    """`multipart/form-data`: the picture, the treated area it shows (one of the area codes
    of `GET /api/vocabulary`), and when it was taken (ISO 8601 with a UTC offset; the upload's
    own time when absent).

    `area` is a plain string here and checked by the route after the patient is found, so
    another clinic's patient id is the same 404 whatever the form holds."""

    file: UploadFile
    area: str
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

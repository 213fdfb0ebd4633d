"""Reading the recovery timeline: the symptom timeline plus photos, outcomes and ratings."""

from __future__ import annotations

import uuid
from datetime import datetime

from api.checkins.reads import symptom_timeline
from api.core.db import DbConnection
from api.outcomes.service import results_of
from api.photos.service import list_photos
from api.recovery.schemas import Timeline


async def timeline(conn: DbConnection, patient_id: uuid.UUID, now: datetime) -> Timeline:
    symptoms = await symptom_timeline(conn, patient_id, now)
    outcomes, ratings = await results_of(conn, patient_id)
    return Timeline(
        sessions=symptoms.sessions,
        points=symptoms.points,
        band=symptoms.band,
        photos=await list_photos(conn, patient_id, symptoms.sessions),
        outcomes=outcomes,
        ratings=ratings,
    )

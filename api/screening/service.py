"""Storing and reading a patient's eligibility screening (one current set of answers each).

The PUT is a single `INSERT … ON CONFLICT (patient_id) DO UPDATE`: both SQLite and
PostgreSQL resolve concurrent PUTs on the unique patient_id inside the database, so two
racing saves leave one row holding the last one, with no read-then-write window and no
IntegrityError to retry. Whether the row was created or updated is told by the id that comes
back: a fresh insert returns the id this request generated.

The flags are derived on every read rather than stored, so a change to the thresholds in
`flags.py` applies to every patient at once without a migration.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from api.core.changes import patient_changed
from api.core.db import Database, DbConnection
from api.core.validation import check_text
from api.screening.flags import screening_flags
from api.screening.models import Screening
from api.screening.schemas import NOTES_MAX, ScreeningAnswersOut, ScreeningIn, ScreeningOut

ANSWER_FIELDS = (
    "pregnant_or_breastfeeding",
    "sclerosant_allergy",
    "clotting_disorder",
    "acute_illness",
    "largest_vein_mm",
    "vein_count_estimate",
    "notes",
)
# Keeps each IN list well under the bind-parameter limits of SQLite and asyncpg.

_screening = cast(Table, Screening.__table__)
_columns = [_screening.c.patient_id, *(_screening.c[name] for name in ANSWER_FIELDS)]


def _upsert(dialect: Any) -> Any:
    statement = dialect.insert(_screening)
    changed = {name: statement.excluded[name] for name in (*ANSWER_FIELDS, "updated_at")}
    return statement.on_conflict_do_update(
        index_elements=[_screening.c.patient_id], set_=changed
    ).returning(_screening.c.id)


_upserts = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}
_one = select(*_columns, _screening.c.updated_at).where(
    _screening.c.patient_id == bindparam("patient_id")
)


def answers_out(row: Any) -> ScreeningAnswersOut:
    """From a Core row or a body: both carry the answers as attributes."""
    return ScreeningAnswersOut(
        pregnant_or_breastfeeding=row.pregnant_or_breastfeeding,
        sclerosant_allergy=row.sclerosant_allergy,
        clotting_disorder=row.clotting_disorder,
        acute_illness=row.acute_illness,
        largest_vein_mm=float(row.largest_vein_mm) + 0.0,  # -0.0 (valid JSON) reads as 0.0
        vein_count_estimate=int(row.vein_count_estimate),
        notes=row.notes,
    )


def screening_out(answers: ScreeningAnswersOut | None, updated_at: datetime | None) -> ScreeningOut:
    flags = screening_flags(answers) if answers is not None else []
    return ScreeningOut(answers=answers, flags=flags, updated_at=updated_at)


async def put_screening(
    db: Database, patient_id: uuid.UUID, data: ScreeningIn, now: datetime
) -> tuple[ScreeningOut, bool]:
    """Store the patient's answers; returns them with their flags, and whether it was new."""
    notes = check_text(data.notes or "", "notes", max_length=NOTES_MAX, required=False) or None
    answers = answers_out(data)
    answers.notes = notes
    new_id = uuid.uuid4()
    async with db.write() as tx:
        dialect = tx.get_bind().dialect.name
        conn = await tx.connection()
        stored_id = await conn.scalar(
            _upserts[dialect],
            {
                "id": new_id,
                "patient_id": patient_id,
                "created_at": now,
                "updated_at": now,
                **{name: getattr(answers, name) for name in ANSWER_FIELDS},
            },
        )
        patient_changed(tx, patient_id, now)
    return screening_out(answers, now), stored_id == new_id


async def read_screening(conn: DbConnection, patient_id: uuid.UUID) -> ScreeningOut:
    """The patient's answers, or `answers: null` and no flags while they have not answered."""
    row = (await conn.execute(_one, {"patient_id": patient_id})).first()
    if row is None:
        return screening_out(None, None)
    return screening_out(answers_out(row), row.updated_at)

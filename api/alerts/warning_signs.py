"""Warning signs sent on their own: never refused, always told to the clinic.

A check-in can be refused (a date before the first session, no session recorded yet, a
timezone change across the date line), but a patient with calf swelling and pain must reach
the clinic whatever state their record is in. `POST /api/me/warning-signs` stores the report
and raises (or reports again) the urgent warning-sign alert for any signed-up patient, with
or without a session, in one transaction; the PWA sends the signs here whenever a check-in
carrying them cannot be stored.

Each report is an explicit act of the patient, so it always tells the clinic, even about a
sign already reported that day. Replays of one report (the same client `recorded_at`, from
an offline queue) store and tell nothing twice: the unique (patient, recorded_at) key
decides, and the replay is answered with what was stored and the same advice. A body at the
same instant that carries more signs adds them (`updated`) and tells the clinic about those.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from api.alerts.models import WarningReport
from api.alerts.raising import raise_alerts
from api.alerts.rules import Finding, warning_sign_reason
from api.alerts.schemas import WarningReportOutcome, WarningSignsIn, WarningSignsResult
from api.checkins.advice import warning_advice
from api.checkins.schemas import NOTE_MAX
from api.core.changes import patient_changed
from api.core.db import Database
from api.core.sql import insert_or_ignore
from api.core.validation import check_recorded_at, check_text
from api.identity.patients import clinic_phone_of, lock_patient_writes


async def report_warning_signs(
    db: Database,
    patient_id: uuid.UUID,
    timezone: str,
    data: WarningSignsIn,
    now: datetime,
    *,
    email_on: bool,
) -> WarningSignsResult:
    """Store the report and tell the clinic; a replay answers what was stored."""
    check_recorded_at(data.recorded_at, now)
    signs = sorted(set(data.warning_signs))
    note = (
        check_text(data.note, "note", max_length=NOTE_MAX, required=False) if data.note else ""
    ) or None
    recorded_at = data.recorded_at.astimezone(UTC)
    # The patient's date when they reported it (never later than their today).
    local_date = min(recorded_at, now).astimezone(ZoneInfo(timezone)).date()
    async with db.write() as tx:
        await lock_patient_writes(tx, patient_id)
        patient_changed(tx, patient_id, now)
        report_id = await tx.scalar(
            insert_or_ignore(tx, WarningReport)
            .values(
                id=uuid.uuid4(),
                patient_id=patient_id,
                local_date=local_date,
                warning_signs=signs,
                note=note,
                recorded_at=recorded_at,
                received_at=now,
            )
            .returning(WarningReport.id)
        )
        stored = (
            await tx.execute(
                select(WarningReport).where(
                    WarningReport.patient_id == patient_id,
                    WarningReport.recorded_at == recorded_at,
                )
            )
        ).scalar_one()
        outcome: WarningReportOutcome = "created"
        news = signs
        if report_id is None:
            # The same instant again: a replay, unless it carries more (two reports made in
            # the same millisecond, or an edited replay): those signs are news, never lost.
            news = sorted(set(signs) - set(stored.warning_signs))
            # Notes are appended, so a replayed one is somewhere in the stored text.
            new_note = note is not None and note not in (stored.note or "")
            outcome = "updated" if news or new_note else "unchanged"
            stored.warning_signs = sorted({*stored.warning_signs, *signs})
            if new_note:
                stored.note = f"{stored.note}\n{note}" if stored.note else note
        if news:
            reason = warning_sign_reason(news) + (f' Their note: "{note}"' if note else "")
            finding = Finding("warning_sign", "urgent", reason, tuple(news))
            await raise_alerts(
                tx,
                patient_id,
                stored.local_date,
                None,
                [finding],
                now,
                email_on=email_on,
                always_news=True,
            )
        phone = await clinic_phone_of(tx, patient_id)
        advice = warning_advice(list(stored.warning_signs), phone)
        assert advice is not None  # at least one sign, by the body's schema
        return WarningSignsResult(
            id=stored.id,
            local_date=stored.local_date,
            warning_signs=list(stored.warning_signs),
            note=stored.note,
            recorded_at=stored.recorded_at,
            outcome=outcome,
            advice=advice,
        )

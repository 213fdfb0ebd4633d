"""The practitioners' daily digest: who missed check-ins, whose scores are getting worse.

The job runs every minute; each clinic's digest is made once its local time passes 07:00
(so clinics in different zones get theirs at their own morning, and a worker that was down
at 07:00 catches up later the same day). It is one inbox notification per practitioner,
keyed `digest:<user>:<clinic date>` so it is made once, delivered by email (and push, if the
practitioner subscribed) through the outbox. A morning with nobody to list sends nothing.

- Missed: check-in prompts of the last 7 days (before today) left unanswered.
- Worsening: over the patient's last 3 check-ins of the last 7 days (up to yesterday, so
  the digest is the same whenever that day it runs), pain rose each time, or the sum of the
  five 0-3 symptoms did.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select

from api.checkins.models import GRADED_SYMPTOMS, Checkin
from api.checkins.reads import checked_in_sql
from api.core.db import Database, Transaction
from api.core.sql import insert_or_ignore
from api.identity.models import Clinic, Patient, User
from api.notifications.models import Notification, Prompt
from api.notifications.outbox import queue_deliveries

DIGEST_AT = time(7, 0)
LOOKBACK = timedelta(days=7)
RISING_RUN = 3
PATIENTS_URL = "/#/patients"


def _rising(values: list[int]) -> bool:
    return len(values) >= RISING_RUN and all(a < b for a, b in pairwise(values))


# A patient as the digest lists them: by id (two patients may share a name), shown by name.
Who = tuple[str, uuid.UUID]


async def _missed(tx: Transaction, clinic_id: uuid.UUID, day: date) -> dict[Who, int]:
    rows = await tx.execute(
        select(Patient.id, User.name, func.count(Prompt.id).label("missed"))
        .select_from(Prompt)
        .join(Patient, Patient.id == Prompt.patient_id)
        .join(User, User.id == Patient.user_id)
        .where(
            Patient.clinic_id == clinic_id,
            Patient.active,
            Prompt.kind == "checkin",
            Prompt.local_date >= day - LOOKBACK,
            Prompt.local_date < day,
            ~checked_in_sql(Prompt.patient_id, Prompt.local_date),
        )
        .group_by(Patient.id, User.name)
    )
    return {(str(row.name), row.id): int(row.missed) for row in rows}


async def _worsening(tx: Transaction, clinic_id: uuid.UUID, day: date) -> dict[Who, str]:
    graded = sum((getattr(Checkin, name) for name in GRADED_SYMPTOMS), start=0)
    rows = await tx.execute(
        select(Patient.id, User.name, Checkin.pain, graded.label("graded"))
        .select_from(Checkin)
        .join(Patient, and_(Patient.id == Checkin.patient_id, Patient.active))
        .join(User, User.id == Patient.user_id)
        .where(
            Patient.clinic_id == clinic_id,
            Checkin.local_date >= day - LOOKBACK,
            # Up to yesterday: the digest says the same thing whenever it runs that day.
            Checkin.local_date < day,
        )
        .order_by(Patient.id, Checkin.local_date)
    )
    series: dict[Who, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        series[(str(row.name), row.id)].append((row.pain, row.graded))
    found: dict[Who, str] = {}
    for who, points in series.items():
        last = points[-RISING_RUN:]
        pains = [pain for pain, _ in last]
        if _rising(pains):
            found[who] = (
                "pain rising over the last 3 check-ins (" + ", ".join(map(str, pains)) + ")"
            )
        elif _rising([total for _, total in last]):
            found[who] = "symptoms getting worse over the last 3 check-ins"
    return found


def _body(day: date, missed: dict[Who, int], worsening: dict[Who, str]) -> str:
    lines = [f"Patients who need attention on {day.isoformat()}:"]
    for who in sorted(set(missed) | set(worsening), key=lambda w: (w[0].lower(), w[1])):
        name = who[0]
        reasons = []
        if who in missed:
            count = missed[who]
            reasons.append(f"missed {count} check-in{'s' if count != 1 else ''} in the last week")
        if who in worsening:
            reasons.append(worsening[who])
        lines.append(f"- {name}: " + "; ".join(reasons))
    return "\n".join(lines)


async def _waiting_practitioners(
    tx: Transaction, clinic_id: uuid.UUID, day: date
) -> dict[uuid.UUID, str]:
    """The clinic's practitioners without today's digest yet, with their digest's key."""
    keys = {
        user_id: f"digest:{user_id}:{day.isoformat()}"
        for user_id in await tx.scalars(
            select(User.id).where(User.clinic_id == clinic_id, User.role == "practitioner")
        )
    }
    already = set(
        await tx.scalars(
            select(Notification.dedupe_key).where(Notification.dedupe_key.in_(list(keys.values())))
        )
    )
    return {user_id: key for user_id, key in keys.items() if key not in already}


async def _clinic_digest(
    db: Database, clinic_id: uuid.UUID, day: date, now: datetime, email_on: bool
) -> int:
    """Today's digest for one clinic's practitioners, in its own transaction."""
    async with db.write() as tx:
        waiting = await _waiting_practitioners(tx, clinic_id, day)
        if not waiting:
            return 0
        missed = await _missed(tx, clinic_id, day)
        worsening = await _worsening(tx, clinic_id, day)
        count = len(set(missed) | set(worsening))
        if not count:
            return 0
        title = (
            "Daily digest: 1 patient needs attention"
            if count == 1
            else f"Daily digest: {count} patients need attention"
        )
        body = _body(day, missed, worsening)
        rows = [
            {
                "id": uuid.uuid4(),
                "user_id": user_id,
                "dedupe_key": key,
                "kind": "digest",
                "local_date": day,
                "title": title,
                "body": body,
                "url": PATIENTS_URL,
                "created_at": now,
            }
            for user_id, key in waiting.items()
        ]
        await tx.execute(insert_or_ignore(tx, Notification).values(rows))
        await queue_deliveries(tx, now, email_on=email_on)
        return len(rows)


async def practitioner_digest(db: Database, now: datetime, *, email_on: bool = False) -> int:
    """Make today's digests for clinics whose morning has come; returns how many were made."""
    async with db.read() as conn:
        clinics = [tuple(row) for row in await conn.execute(select(Clinic.id, Clinic.timezone))]
    made = 0
    for clinic_id, zone in clinics:
        local = now.astimezone(ZoneInfo(zone))
        if local.time() >= DIGEST_AT:
            made += await _clinic_digest(db, clinic_id, local.date(), now, email_on)
    return made

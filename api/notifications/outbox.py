"""Queueing deliveries for new inbox notifications, set-based.

Whatever made the notifications (check-in prompts, reminders, digests, later alerts) calls
`queue_deliveries` in the same transaction, with the instant it stamped them with. One
`INSERT … SELECT` per channel creates a pending delivery for each push subscription the user
has and for their email, subject to the patient's channel preferences; the unique
(notification, channel, target) key makes a repeated call harmless.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, cast, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.expression import ColumnElement

from api.auth.models import User
from api.core.db import WriteSession
from api.core.sql import insert_or_ignore, new_uuid
from api.notifications.models import EMAIL_TARGET, Delivery, Notification, PushSubscription
from api.patients.models import Patient

_COLUMNS = (
    "id",
    "notification_id",
    "channel",
    "target",
    "subscription_id",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
    "updated_at",
)


def _dialect(session: WriteSession) -> str:
    return session.get_bind().dialect.name


def _wants(flag: InstrumentedAttribute[bool]) -> ColumnElement[bool]:
    """Practitioners (no patient row) always get their messages; patients as they chose."""
    return or_(Patient.id.is_(None), and_(Patient.active, flag))


async def queue_deliveries(session: WriteSession, created_at: datetime, *, email_on: bool) -> None:
    dialect = _dialect(session)
    stamp = literal(created_at, Notification.created_at.type)
    push = (
        select(
            new_uuid(),
            Notification.id,
            literal("push"),
            cast(PushSubscription.id, String(64)),
            PushSubscription.id,
            literal("pending"),
            literal(0),
            stamp,
            stamp,
            stamp,
        )
        .select_from(Notification)
        .join(PushSubscription, PushSubscription.user_id == Notification.user_id)
        .outerjoin(Patient, Patient.user_id == Notification.user_id)
        .where(Notification.created_at == created_at, _wants(Patient.push_enabled))
    )
    await session.execute(insert_or_ignore(Delivery, dialect).from_select(_COLUMNS, push))
    if not email_on:
        return
    email = (
        select(
            new_uuid(),
            Notification.id,
            literal("email"),
            literal(EMAIL_TARGET),
            literal(None, PushSubscription.id.type),
            literal("pending"),
            literal(0),
            stamp,
            stamp,
            stamp,
        )
        .select_from(Notification)
        .join(User, User.id == Notification.user_id)
        .outerjoin(Patient, Patient.user_id == User.id)
        .where(Notification.created_at == created_at, _wants(Patient.email_enabled))
    )
    await session.execute(insert_or_ignore(Delivery, dialect).from_select(_COLUMNS, email))

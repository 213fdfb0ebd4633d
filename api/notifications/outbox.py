"""Queueing deliveries for new inbox notifications, set-based.

Whatever made the notifications (check-in prompts, reminders, digests, later alerts) calls
`queue_deliveries` in the same transaction, with the instant it stamped them with. One
`INSERT … SELECT` per channel creates a pending delivery for each push subscription the user
has and for their email, subject to the patient's channel preferences; the unique
(notification, channel, target) key makes a repeated call harmless.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, and_, cast, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.expression import ColumnElement

from api.core.db import Transaction
from api.core.sql import insert_or_ignore, new_uuid
from api.identity.models import Patient
from api.notifications.models import EMAIL_TARGET, Delivery, Notification, PushSubscription

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


def _wants(flag: InstrumentedAttribute[bool]) -> ColumnElement[bool]:
    """Practitioners (no patient row) always get their messages; patients as they chose."""
    return or_(Patient.id.is_(None), and_(Patient.active, flag))


def _pending(
    created_at: datetime,
    channel: str,
    target: ColumnElement[Any],
    subscription_id: ColumnElement[Any] | InstrumentedAttribute[Any],
    wanted: InstrumentedAttribute[bool],
) -> Select[Any]:
    """New pending deliveries on one channel for the notifications stamped `created_at`."""
    stamp = literal(created_at, Notification.created_at.type)
    return (
        select(
            new_uuid(),
            Notification.id,
            literal(channel),
            target,
            subscription_id,
            literal("pending"),
            literal(0),
            stamp,
            stamp,
            stamp,
        )
        .select_from(Notification)
        .outerjoin(Patient, Patient.user_id == Notification.user_id)
        .where(Notification.created_at == created_at, _wants(wanted))
    )


async def queue_deliveries(tx: Transaction, created_at: datetime, *, email_on: bool) -> None:
    insert = insert_or_ignore(tx, Delivery)
    push = _pending(
        created_at,
        "push",
        cast(PushSubscription.id, String(64)),
        PushSubscription.id,
        Patient.push_enabled,
    ).join(PushSubscription, PushSubscription.user_id == Notification.user_id)
    await tx.execute(insert.from_select(_COLUMNS, push))
    if email_on:
        no_subscription = literal(None, PushSubscription.id.type)
        email = _pending(
            created_at, "email", literal(EMAIL_TARGET), no_subscription, Patient.email_enabled
        )
        await tx.execute(insert.from_select(_COLUMNS, email))

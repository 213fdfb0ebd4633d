"""The signed-in user's inbox, push subscriptions and (patients) prompt preferences."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select

from api.core.changes import patient_changed
from api.core.db import Database, Transaction
from api.core.errors import FieldError, NotFoundError
from api.core.rows import to_struct
from api.core.validation import check_timezone, format_hhmm, parse_hhmm
from api.identity.models import Patient
from api.notifications.endpoints import endpoint_problem
from api.notifications.models import Notification, PushSubscription
from api.notifications.schemas import (
    ChannelsOut,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    PushSubscriptionIn,
    PushSubscriptionOut,
)

INBOX_LIMIT = 200


def _notification_out(row: Any) -> NotificationOut:
    """From an ORM object or a Core row: both carry the columns as attributes."""
    return to_struct(NotificationOut, row)


async def list_notifications(db: Database, user_id: uuid.UUID, limit: int) -> list[NotificationOut]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
        return [_notification_out(row) for row in rows]


async def mark_read(
    db: Database, user_id: uuid.UUID, notification_id: uuid.UUID, now: datetime
) -> NotificationOut:
    """Idempotent: the first read's time is kept. Another user's id is a plain 404."""
    async with db.write() as tx:
        row = await tx.scalar(
            select(Notification).where(
                Notification.id == notification_id, Notification.user_id == user_id
            )
        )
        if row is None:
            raise NotFoundError()
        if row.read_at is None:
            row.read_at = now
        return _notification_out(row)


def _decode_key(value: str, field: str, size: int) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise FieldError(field, "is not base64url") from exc
    if len(raw) != size:
        raise FieldError(field, f"must be {size} bytes, not {len(raw)}")
    return raw


def _check_keys(data: PushSubscriptionIn) -> None:
    p256dh = _decode_key(data.keys.p256dh, "keys.p256dh", 65)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError as exc:
        raise FieldError("keys.p256dh", "is not a P-256 public key") from exc
    _decode_key(data.keys.auth, "keys.auth", 16)


async def save_push_subscription(
    db: Database,
    user_id: uuid.UUID,
    data: PushSubscriptionIn,
    allowed_origins: tuple[str, ...],
    now: datetime,
) -> tuple[PushSubscriptionOut, bool]:
    """Store the browser's subscription; returns it and whether it is new.

    An endpoint belongs to one browser profile: when another user signs in on it and
    subscribes, the subscription moves to them (the previous user's prompts must not appear
    on a device they no longer use).
    """
    problem = endpoint_problem(data.endpoint, allowed_origins)
    if problem is not None:
        raise FieldError("endpoint", problem)
    _check_keys(data)
    async with db.write() as tx:
        row = await tx.scalar(
            select(PushSubscription).where(PushSubscription.endpoint == data.endpoint)
        )
        created = row is None
        if row is None:
            row = PushSubscription(endpoint=data.endpoint, created_at=now)
            tx.add(row)
        row.user_id = user_id
        row.p256dh = data.keys.p256dh
        row.auth = data.keys.auth
        row.updated_at = now
        await tx.flush()
        out = PushSubscriptionOut(
            id=row.id, endpoint=row.endpoint, created_at=row.created_at, updated_at=row.updated_at
        )
    return out, created


async def delete_push_subscription(db: Database, user_id: uuid.UUID, endpoint: str | None) -> None:
    """Forget one endpoint of this user's, or all of them; unknown endpoints are a no-op."""
    statement = delete(PushSubscription).where(PushSubscription.user_id == user_id)
    if endpoint is not None:
        statement = statement.where(PushSubscription.endpoint == endpoint)
    async with db.write() as tx:
        await tx.execute(statement)


def _preferences_out(patient: Any, email_available: bool) -> PreferencesOut:
    """From an ORM object or a Core row: both carry the columns as attributes."""
    return PreferencesOut(
        timezone=patient.timezone,
        checkin_time=format_hhmm(patient.checkin_time),
        channels=ChannelsOut(push=patient.push_enabled, email=patient.email_enabled),
        email_available=email_available,
    )


async def _patient(tx: Transaction, patient_id: uuid.UUID) -> Patient:
    patient: Patient | None = await tx.scalar(select(Patient).where(Patient.id == patient_id))
    if patient is None:
        raise NotFoundError()
    return patient


async def get_preferences(
    db: Database, patient_id: uuid.UUID, email_available: bool
) -> PreferencesOut:
    async with db.read() as conn:
        row = (await conn.execute(select(Patient).where(Patient.id == patient_id))).first()
    if row is None:
        raise NotFoundError()
    return _preferences_out(row, email_available)


async def update_preferences(
    db: Database, patient_id: uuid.UUID, data: PreferencesIn, email_available: bool, now: datetime
) -> PreferencesOut:
    """Validate every field first, then write them together (nothing half-written)."""
    values: dict[str, object] = {}
    if data.timezone is not msgspec.UNSET:
        values["timezone"] = check_timezone(data.timezone)
    if data.checkin_time is not msgspec.UNSET:
        values["checkin_time"] = parse_hhmm(data.checkin_time)
    if data.channels is not msgspec.UNSET:
        if data.channels.push is not msgspec.UNSET:
            values["push_enabled"] = data.channels.push
        if data.channels.email is not msgspec.UNSET:
            values["email_enabled"] = data.channels.email
    async with db.write() as tx:
        patient = await _patient(tx, patient_id)
        for name, value in values.items():
            setattr(patient, name, value)
        patient_changed(tx, patient_id, now)  # their "today" may have moved
        return _preferences_out(patient, email_available)

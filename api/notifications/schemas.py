"""Bodies of the inbox, push-subscription and preference routes."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from api.core.body import Strict


class NotificationOut(msgspec.Struct):
    id: uuid.UUID
    kind: str
    local_date: date | None
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None


class PushKeys(Strict):
    p256dh: str
    auth: str


class PushSubscriptionIn(Strict):
    """What the browser's `PushSubscription.toJSON()` gives, sent as it is."""

    endpoint: str
    keys: PushKeys
    expirationTime: int | float | None = None


class PushSubscriptionOut(msgspec.Struct):
    id: uuid.UUID
    endpoint: str
    created_at: datetime
    updated_at: datetime


class VapidKeyOut(msgspec.Struct):
    public_key: str


class ChannelsIn(Strict):
    push: bool | msgspec.UnsetType = msgspec.UNSET
    email: bool | msgspec.UnsetType = msgspec.UNSET


class PreferencesIn(Strict):
    timezone: str | msgspec.UnsetType = msgspec.UNSET
    checkin_time: str | msgspec.UnsetType = msgspec.UNSET
    channels: ChannelsIn | msgspec.UnsetType = msgspec.UNSET


class ChannelsOut(msgspec.Struct):
    push: bool
    email: bool


class PreferencesOut(msgspec.Struct):
    timezone: str
    checkin_time: str
    channels: ChannelsOut
    # False when the clinic's server has no SMTP settings: the email choice has no effect.
    email_available: bool

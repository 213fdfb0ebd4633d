"""The notification outbox: prompts, the inbox, deliveries per channel, push subscriptions.

- `prompt`: the fact that a patient was asked (or reminded) to check in on a local date.
  Unique (patient_id, local_date, kind), so however many ticks or workers run, a patient is
  asked at most once per day and kind.
- `notification`: the in-app inbox row every message gets (patients' prompts, practitioners'
  digests). A prompt's notification is unique per prompt; other messages carry a
  `dedupe_key` that is unique.
- `delivery`: one row per notification and outbound channel target (each push subscription,
  or the user's email), with its state, attempts, next attempt and last error. Unique per
  (notification, channel, target), so a delivery is queued once.
- `push_subscription`: a browser's Web Push endpoint and keys, owned by one user.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey

PROMPT_KINDS = ("checkin", "reminder", "photo", "rating")
CHANNELS = ("push", "email")
DELIVERY_STATES = ("pending", "failed", "sent", "gave_up")
EMAIL_TARGET = "email"


class Prompt(UUIDPrimaryKey, Base):
    __tablename__ = "prompt"
    __table_args__ = (
        UniqueConstraint("patient_id", "local_date", "kind"),
        CheckConstraint("kind IN ('checkin', 'reminder', 'photo', 'rating')", name="kind"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date())
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(index=True)


class Notification(UUIDPrimaryKey, Base):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_id_created_at", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    prompt_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("prompt.id", ondelete="CASCADE"), unique=True
    )
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    local_date: Mapped[date | None] = mapped_column(Date())
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text())
    url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(index=True)
    # After this instant the message is stale (a prompt for a day that has ended): its
    # pending deliveries are dropped rather than sent late.
    expires_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]


class PushSubscription(UUIDPrimaryKey, Base):
    __tablename__ = "push_subscription"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Delivery(UUIDPrimaryKey, Base):
    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("notification_id", "channel", "target"),
        CheckConstraint("channel IN ('push', 'email')", name="channel"),
        CheckConstraint("status IN ('pending', 'failed', 'sent', 'gave_up')", name="status"),
        Index("ix_delivery_status_next_attempt_at", "status", "next_attempt_at"),
    )

    notification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(8))
    # The subscription id for push, EMAIL_TARGET for email: what makes a delivery unique.
    target: Mapped[str] = mapped_column(String(64))
    subscription_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer(), default=0)
    next_attempt_at: Mapped[datetime]
    # Set while a dispatcher is sending it; another dispatcher skips it until then.
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text())
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

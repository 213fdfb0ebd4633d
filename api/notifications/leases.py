"""Claiming deliveries under a lease, and writing their outcomes under the same lease.

A delivery is claimed in a short write transaction: its attempt is counted and it is leased
to one dispatcher for `LEASE` (on PostgreSQL the candidate rows are locked with
`FOR UPDATE SKIP LOCKED`, so a second worker claims different rows instead of waiting). An
outcome is written only while that lease is still on the row (`claimed_until` is the
claim's token), so a dispatcher that lost its lease to another cannot overwrite what the
other recorded. Failures come back after exponential backoff (30 s, 1, 2, 4, 8 minutes, or
the push service's Retry-After when longer); the 6th ends as `gave_up` with the last error,
and so does a delivery whose sixth lease ran out without any outcome (a sender that kept
dying on it): no row is retried forever.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, func, or_, select, update

from api.checkins.reads import checked_in_sql
from api.core.db import Database, Transaction
from api.core.sql import rowcount
from api.identity.models import Patient, User
from api.notifications.channels import SendResult
from api.notifications.models import Delivery, Notification, Prompt, PushSubscription

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
LEASE = timedelta(minutes=5)


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0
    subscriptions_removed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: uuid.UUID
    claimed_until: datetime
    channel: str
    attempts: int
    notification_id: uuid.UUID
    kind: str
    local_date: date | None
    title: str
    body: str
    url: str
    expires_at: datetime | None
    email: str
    name: str
    subscription_id: uuid.UUID | None
    endpoint: str | None
    p256dh: str | None
    auth: str | None
    patient_active: bool | None
    push_enabled: bool | None
    email_enabled: bool | None
    checked_in: bool


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure."""
    wait: timedelta = BACKOFF_BASE * (2 ** (attempts - 1))
    return min(wait, BACKOFF_MAX)


def _retryable(now: datetime) -> Any:
    return and_(
        Delivery.status.in_(("pending", "failed")),
        or_(Delivery.claimed_until.is_(None), Delivery.claimed_until <= now),
    )


async def _give_up_lost(tx: Transaction, now: datetime) -> int:
    """Rows whose last allowed attempt was claimed but never recorded (the sender died)."""
    result = await tx.execute(
        update(Delivery)
        .where(_retryable(now), Delivery.attempts >= MAX_ATTEMPTS)
        .values(
            status="gave_up",
            claimed_until=None,
            updated_at=now,
            last_error="gave up: no outcome recorded for the last attempt (the sender stopped)",
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


async def claim(
    db: Database, now: datetime, limit: int, email_on: bool, report: DispatchReport | None = None
) -> list[Claimed]:
    """Lease up to `limit` due deliveries to this dispatcher and load what sending needs."""
    lease = now + LEASE
    async with db.write() as tx:
        lost = await _give_up_lost(tx, now)
        if report is not None:
            report.gave_up += lost
        candidates = (
            select(Delivery.id)
            .where(_retryable(now), Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if not email_on:
            candidates = candidates.where(Delivery.channel != "email")
        ids = list(await tx.scalars(candidates))
        if not ids:
            return []
        await tx.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(claimed_until=lease, attempts=Delivery.attempts + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        rows = await tx.execute(_claimed_details(ids))
        return [Claimed(**row._asdict()) for row in rows]


def _claimed_details(ids: list[uuid.UUID]) -> Any:
    return (
        select(
            Delivery.id,
            Delivery.claimed_until,
            Delivery.channel,
            Delivery.attempts,
            Notification.id.label("notification_id"),
            Notification.kind,
            Notification.local_date,
            Notification.title,
            Notification.body,
            Notification.url,
            Notification.expires_at,
            User.email,
            User.name,
            Delivery.subscription_id,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
            Patient.active.label("patient_active"),
            Patient.push_enabled,
            Patient.email_enabled,
            (Prompt.id.is_not(None) & checked_in_sql(Prompt.patient_id, Prompt.local_date)).label(
                "checked_in"
            ),
        )
        .select_from(Delivery)
        .join(Notification, Notification.id == Delivery.notification_id)
        .join(User, User.id == Notification.user_id)
        .outerjoin(Patient, Patient.user_id == User.id)
        .outerjoin(Prompt, Prompt.id == Notification.prompt_id)
        # Only while the subscription still belongs to the recipient: a browser that another
        # user has since subscribed on must not get the previous user's messages.
        .outerjoin(
            PushSubscription,
            and_(
                PushSubscription.id == Delivery.subscription_id,
                PushSubscription.user_id == Notification.user_id,
            ),
        )
        .where(Delivery.id.in_(ids))
    )


def _outcome_values(item: Claimed, result: SendResult, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {
        "b_id": item.id,
        "b_lease": item.claimed_until,
        "b_status": "gave_up",
        "b_next_attempt_at": None,
        "b_sent_at": None,
        "b_last_error": result.error,
        "b_updated_at": now,
    }
    if result.outcome == "sent":
        return {**values, "b_status": "sent", "b_sent_at": now, "b_last_error": None}
    if result.outcome == "retry" and item.attempts < MAX_ATTEMPTS:
        wait = backoff(item.attempts)
        if result.retry_after_s is not None:
            wait = max(wait, timedelta(seconds=min(result.retry_after_s, 86400)))
        return {**values, "b_status": "failed", "b_next_attempt_at": now + wait}
    return values


_table = Delivery.__table__
assert isinstance(_table, Table)
# Written only while this dispatcher's lease (the row's `claimed_until`) is still on the row.
_RECORD_OUTCOME = (
    update(_table)
    .where(_table.c.id == bindparam("b_id"), _table.c.claimed_until == bindparam("b_lease"))
    .values(
        status=bindparam("b_status"),
        next_attempt_at=func.coalesce(bindparam("b_next_attempt_at"), _table.c.next_attempt_at),
        sent_at=bindparam("b_sent_at"),
        last_error=bindparam("b_last_error"),
        claimed_until=None,
        updated_at=bindparam("b_updated_at"),
    )
)


async def record(
    db: Database, outcomes: list[tuple[Claimed, SendResult]], now: datetime, report: DispatchReport
) -> None:
    rows: list[dict[str, Any]] = []
    gone: set[uuid.UUID] = set()
    for item, result in outcomes:
        values = _outcome_values(item, result, now)
        rows.append(values)
        status = values["b_status"]
        if status == "sent":
            report.sent += 1
        elif status == "failed":
            report.retrying += 1
        else:
            report.gave_up += 1
        if result.outcome == "gone" and item.subscription_id is not None:
            gone.add(item.subscription_id)
        if result.outcome != "sent" and result.error and len(report.errors) < 20:
            report.errors.append(result.error)
    async with db.write() as tx:
        await (await tx.connection()).execute(_RECORD_OUTCOME, rows)
        if gone:
            await tx.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
    report.subscriptions_removed += len(gone)

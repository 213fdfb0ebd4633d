"""Sending pending deliveries, with retry, backoff and safe sharing between workers.

A delivery is claimed in a short write transaction: its attempt is counted and it is leased
to this dispatcher for `LEASE` (on PostgreSQL the candidate rows are locked with
`FOR UPDATE SKIP LOCKED`, so a second worker claims different rows instead of waiting).
Sending happens outside any transaction, so slow push services never hold database locks,
and the outcomes are written in small transactions as the answers arrive. A dispatcher
killed mid-send leaves its unrecorded rows leased; once the lease runs out another tick
claims them again, so every delivery is sent at least once and, unless a process dies
between a channel's answer and the write that records it, exactly once. Push messages
carry a `Topic` header (the notification id), so even that rare repeat replaces the
undelivered copy on the service.

Before sending, each delivery is checked against the present: the day it was for has ended,
the patient has checked in, been deactivated or turned the channel off, or the subscription
was removed. Such deliveries end as `gave_up` with the reason, and are not sent.

Failures are retried with exponential backoff (30 s, 1, 2, 4, 8 minutes, or the push
service's Retry-After when longer); the 6th failure ends as `gave_up`, keeping the last
error. Any exception from a channel counts as a failure, and a delivery whose sixth lease
ran out without an outcome (a dispatcher that kept dying on it) is given up too, so no row
is retried forever. A 404/410 from a push service means the browser unsubscribed: the
subscription is deleted.

An outcome is written only by the dispatcher that still holds the lease (the row's
`claimed_until` is the claim's token). A dispatcher without SMTP settings leaves email
deliveries to one that has them.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, func, or_, select, update

from api.auth.models import User
from api.checkins.reads import checked_in_sql
from api.core.db import Database, WriteSession
from api.core.sql import rowcount
from api.notifications.channels import Channels, PushTarget, SendResult, render_email
from api.notifications.models import Delivery, Notification, Prompt, PushSubscription
from api.patients.models import Patient

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
LEASE = timedelta(minutes=5)
BATCH = 500
PUSH_CONCURRENCY = 64
DEFAULT_PUSH_TTL_S = 24 * 3600
RECORD_EVERY = 50  # push outcomes written per transaction, as they arrive
PUSH_BODY_MAX = 200  # push services cap payloads at ~4 KB; the inbox has the full text


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


async def _give_up_lost(session: WriteSession, now: datetime) -> int:
    """Rows whose last allowed attempt was claimed but never recorded (the sender died)."""
    result = await session.execute(
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


async def _claim(
    db: Database, now: datetime, limit: int, email_on: bool, report: DispatchReport | None = None
) -> list[Claimed]:
    """Lease up to `limit` due deliveries to this dispatcher and load what sending needs."""
    lease = now + LEASE
    async with db.write() as session:
        lost = await _give_up_lost(session, now)
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
        ids = list(await session.scalars(candidates))
        if not ids:
            return []
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(claimed_until=lease, attempts=Delivery.attempts + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        rows = await session.execute(_claimed_details(ids))
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


def _stale_reason(item: Claimed, channels: Channels, now: datetime) -> str | None:
    """Why this delivery must not be sent any more, if it must not."""
    if item.expires_at is not None and item.expires_at <= now:
        return "not sent: the day it was for has ended"
    if item.checked_in:
        return "not sent: the patient has already checked in"
    if item.patient_active is False:
        return "not sent: the patient is deactivated"
    if item.channel == "push":
        if item.endpoint is None:
            return "not sent: the push subscription was removed or moved to another user"
        if item.push_enabled is False:
            return "not sent: the patient turned push off"
    if item.channel == "email" and item.email_enabled is False:
        return "not sent: the patient turned email off"
    return None


def _push_payload(item: Claimed) -> bytes:
    body = item.body.split("\n", 1)[0]
    if len(body) > PUSH_BODY_MAX:
        body = body[: PUSH_BODY_MAX - 1].rstrip() + "…"
    return json.dumps(
        {
            "title": item.title,
            "body": body,
            "url": item.url,
            "kind": item.kind,
            "local_date": item.local_date.isoformat() if item.local_date else None,
        }
    ).encode()


def _ttl_s(item: Claimed, now: datetime) -> int:
    if item.expires_at is None:
        return DEFAULT_PUSH_TTL_S
    return int((item.expires_at - now).total_seconds())


def _failure(exc: BaseException) -> SendResult:
    """An exception a channel did not expect: a failed attempt, retried like any other."""
    return SendResult("retry", f"unexpected error: {type(exc).__name__}: {exc}")


async def _send_pushes(
    db: Database, items: list[Claimed], channels: Channels, now: datetime, report: DispatchReport
) -> None:
    limit = asyncio.Semaphore(PUSH_CONCURRENCY)

    async def push(item: Claimed) -> tuple[Claimed, SendResult]:
        assert item.endpoint and item.p256dh and item.auth
        async with limit:
            try:
                result = await channels.push.send(
                    PushTarget(item.endpoint, item.p256dh, item.auth),
                    _push_payload(item),
                    topic=item.notification_id.hex,
                    ttl_s=_ttl_s(item, now),
                )
            except Exception as exc:
                result = _failure(exc)
        return item, result

    answered: list[tuple[Claimed, SendResult]] = []
    for next_answer in asyncio.as_completed([push(item) for item in items]):
        answered.append(await next_answer)
        if len(answered) >= RECORD_EVERY:
            await _record(db, answered, now, report)
            answered = []
    if answered:
        await _record(db, answered, now, report)


async def _send_emails(
    db: Database, items: list[Claimed], channels: Channels, now: datetime, report: DispatchReport
) -> None:
    assert channels.email is not None
    specs = [
        render_email(item.email, item.name, item.title, item.body, channels.base_url + item.url)
        for item in items
    ]
    async with aclosing(channels.email.send_each(specs)) as results:
        for item in items:
            try:
                result = await anext(results)
            except Exception as exc:
                result = _failure(exc)
            await _record(db, [(item, result)], now, report)


async def _send_and_record(
    db: Database, items: list[Claimed], channels: Channels, now: datetime, report: DispatchReport
) -> None:
    """Send a claimed batch, writing each outcome soon after the channel answered.

    Outcomes are written in small groups as the answers arrive, not once per batch: a
    process that dies mid-batch then leaves only the last few sends unrecorded, not every
    push the service had already accepted.
    """
    stale: list[tuple[Claimed, SendResult]] = []
    pushes: list[Claimed] = []
    emails: list[Claimed] = []
    for item in items:
        reason = _stale_reason(item, channels, now)
        if reason is not None:
            stale.append((item, SendResult("give_up", reason)))
        elif item.channel == "push":
            pushes.append(item)
        else:
            emails.append(item)
    if stale:
        await _record(db, stale, now, report)
    # Pushes first (fast, concurrent), then emails (one SMTP connection, in order): every
    # push outcome is on disk before the slower channel starts.
    await _send_pushes(db, pushes, channels, now, report)
    if emails:
        await _send_emails(db, emails, channels, now, report)


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


async def _record(
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
    async with db.write() as session:
        await (await session.connection()).execute(_RECORD_OUTCOME, rows)
        if gone:
            await session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
    report.subscriptions_removed += len(gone)


async def dispatch_deliveries(
    db: Database, channels: Channels, now: datetime, *, batch: int = BATCH
) -> DispatchReport:
    """Send every delivery that is due at `now`, batch by batch.

    Each batch after the first is claimed at `now` plus the time spent so far, so its lease
    and backoff start from when it was really claimed, not from the start of a long tick.
    """
    report = DispatchReport()
    started = time.monotonic()
    batch_now = now
    while True:
        claimed = await _claim(db, batch_now, batch, channels.email is not None, report)
        if not claimed:
            return report
        await _send_and_record(db, claimed, channels, batch_now, report)
        if len(claimed) < batch:
            return report
        batch_now = now + timedelta(seconds=time.monotonic() - started)

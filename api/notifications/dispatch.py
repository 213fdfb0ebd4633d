"""Sending pending deliveries: claim a batch, send it, record each outcome as it arrives.

Claims and outcomes live in `api.notifications.leases`. Sending happens outside any
transaction, so slow push services never hold database locks, and the outcomes are written
in small transactions as the answers arrive. A dispatcher killed mid-send leaves its
unrecorded rows leased; once the lease runs out another tick claims them again, so every
delivery is sent at least once and, unless a process dies between a channel's answer and
the write that records it, exactly once. Push messages carry a `Topic` header (the
notification id), so even that rare repeat replaces the undelivered copy on the service.

Before sending, each delivery is checked against the present: the day it was for has ended,
the patient has checked in, been deactivated or turned the channel off, or the subscription
was removed or moved to another user. Such deliveries end as `gave_up` with the reason, and
are not sent. Any exception from a channel counts as a failed attempt. A 404/410 from a
push service means the browser unsubscribed: the subscription is deleted. A dispatcher
without SMTP settings leaves email deliveries to one that has them.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import aclosing
from datetime import datetime, timedelta

from api.core.db import Database
from api.notifications.channels import Channels, PushTarget, SendResult, render_email
from api.notifications.leases import Claimed, DispatchReport, claim, record

BATCH = 500
PUSH_CONCURRENCY = 64
DEFAULT_PUSH_TTL_S = 24 * 3600
RECORD_EVERY = 50  # push outcomes written per transaction, as they arrive
PUSH_BODY_MAX = 200  # push services cap payloads at ~4 KB; the inbox has the full text


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
            await record(db, answered, now, report)
            answered = []
    if answered:
        await record(db, answered, now, report)


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
            await record(db, [(item, result)], now, report)


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
        await record(db, stale, now, report)
    # Pushes first (fast, concurrent), then emails (one SMTP connection, in order): every
    # push outcome is on disk before the slower channel starts.
    await _send_pushes(db, pushes, channels, now, report)
    if emails:
        await _send_emails(db, emails, channels, now, report)


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
        claimed = await claim(db, batch_now, batch, channels.email is not None, report)
        if not claimed:
            return report
        await _send_and_record(db, claimed, channels, batch_now, report)
        if len(claimed) < batch:
            return report
        batch_now = now + timedelta(seconds=time.monotonic() - started)

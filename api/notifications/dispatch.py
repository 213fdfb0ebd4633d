"""Sending pending deliveries: claim a batch, send it, record each outcome as it is known.

Claims and outcomes live in `api.notifications.leases`. Sending happens outside any
transaction, so slow push services never hold database locks. Each push outcome is committed
as soon as the push service has answered, and the push keeps its place among the
`PUSH_CONCURRENCY` sends in flight until it is (see `_OutcomeWriter`): a dispatcher killed
mid-send can therefore leave at most `PUSH_CONCURRENCY` pushes that a service accepted but
the database does not know about. Its unrecorded rows stay leased; once the lease runs out
another tick claims them again, so every delivery is sent at least once, and only those
in flight when the process died can be sent twice. Push messages carry a `Topic` header (the
notification id), so even such a repeat replaces the undelivered copy on the service.
Emails go one at a time over one SMTP connection, each recorded before the next is sent.

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


class _OutcomeWriter:
    """Commits push outcomes as soon as they are known, together when they arrive together.

    The first outcome is written at once, on its own; outcomes that arrive while a write is
    under way are written in one transaction right after it (a group commit), so a burst of
    answers costs a few short transactions, not one each, and no outcome waits for a group
    to fill up. `record` returns only once the outcome is committed.
    """

    def __init__(self, db: Database, now: datetime, report: DispatchReport) -> None:
        self._db = db
        self._now = now
        self._report = report
        self._queued: list[tuple[Claimed, SendResult, asyncio.Future[None]]] = []
        self._writing: asyncio.Task[None] | None = None
        self.failed: Exception | None = None  # the first write that failed: send no more

    async def record(self, item: Claimed, result: SendResult) -> None:
        committed = asyncio.get_running_loop().create_future()
        self._queued.append((item, result, committed))
        if self._writing is None:
            self._writing = asyncio.create_task(self._write_queued())
        await committed

    async def _write_queued(self) -> None:
        group: list[tuple[Claimed, SendResult, asyncio.Future[None]]] = []
        try:
            while self._queued:
                group, self._queued = self._queued, []
                error: Exception | None = None
                try:
                    outcomes = [(item, result) for item, result, _ in group]
                    await record(self._db, outcomes, self._now, self._report)
                except Exception as exc:
                    error = self.failed = exc
                for *_, committed in group:
                    if committed.done():
                        continue  # its sender was cancelled meanwhile
                    if error is None:
                        committed.set_result(None)
                    else:
                        committed.set_exception(error)
                group = []
        finally:
            # Anything left here means this task itself was cancelled mid-write.
            for *_, committed in group + self._queued:
                committed.cancel()
            self._queued = []
            self._writing = None

    async def finish(self) -> None:
        """Wait for a write still under way (its senders may have been cancelled)."""
        if self._writing is not None:
            await asyncio.wait({self._writing})


async def _send_pushes(
    db: Database, items: list[Claimed], channels: Channels, now: datetime, report: DispatchReport
) -> None:
    """Send concurrently; a send holds its slot until its outcome is committed.

    So at any instant at most `PUSH_CONCURRENCY` pushes are between "sent" and "on disk",
    which bounds what a crash can make the next dispatcher send again.
    """
    limit = asyncio.Semaphore(PUSH_CONCURRENCY)
    writer = _OutcomeWriter(db, now, report)

    async def push(item: Claimed) -> None:
        assert item.endpoint and item.p256dh and item.auth
        async with limit:
            if writer.failed is not None:
                raise writer.failed  # outcomes cannot be written: a send now would repeat
            try:
                result = await channels.push.send(
                    PushTarget(item.endpoint, item.p256dh, item.auth),
                    _push_payload(item),
                    topic=item.notification_id.hex,
                    ttl_s=_ttl_s(item, now),
                )
            except Exception as exc:
                result = _failure(exc)
            await writer.record(item, result)

    sends = [asyncio.create_task(push(item)) for item in items]
    try:
        await asyncio.gather(*sends)
    finally:
        # A failed write (or a cancelled tick) stops the other sends; their rows stay leased.
        for send in sends:
            send.cancel()
        await asyncio.gather(*sends, return_exceptions=True)
        await writer.finish()


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
    """Send a claimed batch, committing each outcome as soon as the channel has answered.

    Not once per batch, nor per group of a fixed size: a process that dies mid-batch then
    leaves only the sends in flight unrecorded, not every push the service had already
    accepted.
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

"""The failed-attempt limit behind login and invitation acceptance.

At most `MAX_FAILURES` failures per minute per email and per client IP, then 429. Counted in
the database so every API process shares it. (Litestar's `RateLimitConfig` counts every
request, per client, in a process-local store: neither of those.)

An attempt *reserves* its row before the password is checked and deletes it only if the
password was right, so requests sent in parallel cannot all slip under the limit. The count
and the reservation happen under the write lock (SQLite) or transaction-scoped advisory locks
on the email and the IP (PostgreSQL).

The trade-off is the spec's: once an email or an IP has 10 failures in a minute, even the
right password waits out the minute, because answering it would tell an attacker that
a guess was right. A clinic behind one NAT address shares that IP budget.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select

from api.auth.models import LoginFailure
from api.core.db import Database
from api.core.errors import AppError

FAILURE_WINDOW = timedelta(minutes=1)
MAX_FAILURES = 10
KEEP_FOR = timedelta(hours=1)
INVITE_KEY = "#invite"  # the `email` of invitation attempts: never a real address


class TooManyAttempts(AppError):
    status_code = 429


async def reserve_attempt(db: Database, email: str, ip: str, now: datetime) -> uuid.UUID:
    """Count recent failures and book this attempt as one; 429 when over the limit."""
    email, ip = email[:320], ip[:64]
    async with db.write() as session:
        if session.get_bind().dialect.name == "postgresql":
            # Always email first, then IP: every request takes them in the same order.
            for key in (f"email:{email}", f"ip:{ip}"):
                await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
        since = now - FAILURE_WINDOW
        counts: tuple[Any, ...] = tuple(
            (
                await session.execute(
                    select(
                        func.count().filter(LoginFailure.email == email),
                        func.count().filter(LoginFailure.ip == ip),
                    ).where(
                        LoginFailure.failed_at > since,
                        or_(LoginFailure.email == email, LoginFailure.ip == ip),
                    )
                )
            ).one()
        )
        by_email, by_ip = int(counts[0]), int(counts[1])
        if (email != INVITE_KEY and by_email >= MAX_FAILURES) or by_ip >= MAX_FAILURES:
            raise TooManyAttempts("Too many failed attempts; wait a minute and try again")
        attempt = LoginFailure(email=email, ip=ip, failed_at=now)
        session.add(attempt)
        await session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - KEEP_FOR))
        await session.flush()
        return attempt.id


async def forget_attempt(db: Database, attempt_id: uuid.UUID) -> None:
    """The attempt succeeded: it is not a failure."""
    async with db.write() as session:
        await session.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))

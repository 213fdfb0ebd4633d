"""The failed-attempt limits behind login and invitation acceptance.

Following OWASP's advice on slowing online guessing without handing attackers a way to lock
people out, failures in the last `FAILURE_WINDOW` are counted three ways:

- per account and client: the client is the device (a browser that signed in to this account
  before, see `api.identity.devices`) or else the IP address. `FREE_PER_CLIENT` failures are
  free; after that each further attempt must wait 1, 2, 4, 8 ... seconds (at most the
  window) after the latest failure;
- per account, over all unknown devices: the same growing delay after `FREE_PER_ACCOUNT`;
- per IP address, over all accounts: `MAX_PER_IP`, high enough for a clinic behind one NAT
  address, then wait until the oldest of them leaves the window.

A known device is held only to its own (account, device) count: however hard an account is
attacked from elsewhere, its owner's phone still gets in with the right password. Everyone
else, even with the right password, waits out the delay (answering it would confirm a guess).
Every refusal is a 429 with `Retry-After` in seconds.

Counted in the database so every API process shares the counts. An attempt *reserves* its
row before the password is checked and deletes it only if the password was right, so
requests sent in parallel cannot all slip under a limit. The count and the reservation
happen under the write lock (SQLite) or transaction-scoped advisory locks on the account and
the IP (PostgreSQL).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from litestar.exceptions import TooManyRequestsException
from sqlalchemy import ColumnElement, and_, delete, func, or_, select

from api.core.db import Database
from api.identity.models import LoginFailure

FAILURE_WINDOW = timedelta(minutes=15)
FREE_PER_CLIENT = 5
FREE_PER_ACCOUNT = 10
MAX_PER_IP = 100
MAX_DELAY = FAILURE_WINDOW
KEEP_FOR = timedelta(hours=1)
INVITE_KEY = "#invite"  # the `email` of invitation attempts: never a real address


class TooManyAttempts(TooManyRequestsException):
    """429 with `Retry-After` (a Litestar HTTP exception, so the header reaches the client)."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail=detail, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the account (a normalised email, or `INVITE_KEY`), from where."""

    account: str
    ip: str
    device: str | None = None  # the device id, when a known device of this account

    def __post_init__(self) -> None:
        object.__setattr__(self, "account", self.account[:320])
        object.__setattr__(self, "ip", self.ip[:64])


def growing_delay(failures: int, free: int) -> timedelta | None:
    """How long after the latest failure the next attempt must wait; None while still free."""
    if failures < free:
        return None
    return min(timedelta(seconds=2 ** min(failures - free, 20)), MAX_DELAY)


def wait_words(seconds: int) -> str:
    """The wait as a person would say it: the sign-in form shows the 429's detail as is."""
    if seconds <= 5:
        return "a few seconds"
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _refusal(attempt: Attempt, counts: tuple[Any, ...], now: datetime) -> TooManyAttempts | None:
    """The 429 this attempt gets from the counts, or None when it may go ahead."""
    pair_n, pair_last, account_n, account_last, ip_n, ip_first = counts
    account_message = (
        "Too many attempts with invitation links."
        if attempt.account == INVITE_KEY
        else "Too many attempts to sign in to this account."
    )
    waits: list[tuple[datetime, str]] = []
    if (delay := growing_delay(int(pair_n), FREE_PER_CLIENT)) is not None:
        waits.append((pair_last + delay, account_message))
    # Known devices and invitations have no account-wide count (nobody to lock out for all).
    unknown_account_client = attempt.device is None and attempt.account != INVITE_KEY
    if unknown_account_client and (delay := growing_delay(int(account_n), FREE_PER_ACCOUNT)):
        waits.append((account_last + delay, account_message))
    if attempt.device is None and int(ip_n) >= MAX_PER_IP:
        waits.append((ip_first + FAILURE_WINDOW, "Too many failed sign-ins from this network."))
    if not waits or (longest := max(waits))[0] <= now:
        return None
    seconds = max(1, math.ceil((longest[0] - now).total_seconds()))
    return TooManyAttempts(
        f"{longest[1]} Please wait {wait_words(seconds)} and try again.", seconds
    )


def _pair(attempt: Attempt) -> ColumnElement[bool]:
    if attempt.device is not None:
        return and_(LoginFailure.email == attempt.account, LoginFailure.device == attempt.device)
    return and_(
        LoginFailure.email == attempt.account,
        LoginFailure.ip == attempt.ip,
        LoginFailure.device.is_(None),
    )


async def reserve_attempt(db: Database, attempt: Attempt, now: datetime) -> uuid.UUID:
    """Count recent failures and book this attempt as one; `TooManyAttempts` when refused."""
    pair = _pair(attempt)
    account = and_(LoginFailure.email == attempt.account, LoginFailure.device.is_(None))
    by_ip = LoginFailure.ip == attempt.ip
    async with db.write() as tx:
        if tx.get_bind().dialect.name == "postgresql":
            # Always the account first, then the IP: every request takes them in that order.
            for key in (f"email:{attempt.account}", f"ip:{attempt.ip}"):
                await tx.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
        counts: tuple[Any, ...] = tuple(
            (
                await tx.execute(
                    select(
                        func.count().filter(pair),
                        func.max(LoginFailure.failed_at).filter(pair),
                        func.count().filter(account),
                        func.max(LoginFailure.failed_at).filter(account),
                        func.count().filter(by_ip),
                        func.min(LoginFailure.failed_at).filter(by_ip),
                    ).where(
                        LoginFailure.failed_at > now - FAILURE_WINDOW,
                        or_(LoginFailure.email == attempt.account, by_ip),
                    )
                )
            ).one()
        )
        if (refused := _refusal(attempt, counts, now)) is not None:
            raise refused
        row = LoginFailure(
            email=attempt.account, ip=attempt.ip, device=attempt.device, failed_at=now
        )
        tx.add(row)
        await tx.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - KEEP_FOR))
        await tx.flush()
        return row.id


async def forget_attempt(db: Database, attempt_id: uuid.UUID) -> None:
    """The attempt succeeded (or was never judged): it is not a failure."""
    async with db.write() as tx:
        await tx.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))

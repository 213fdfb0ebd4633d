"""The devices you are signed in on: listed, and ended one by one or all but this one.

A stolen phone or a clinic computer someone forgot to sign out of must be endable from
elsewhere (OWASP ASVS 3.3.4). The browser is shown in words ("Safari on iPhone") from the
User-Agent it signed in with, parsed by `ua-parser`; the raw string stays on the server.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec
from sqlalchemy import delete, select
from ua_parser import parse

from api.audit.service import record
from api.core.db import Database
from api.core.errors import NotFoundError
from api.core.principal import Principal
from api.identity.login_sessions import end_sessions_except
from api.identity.models import LoginSession

UNKNOWN_BROWSER = "An unknown browser"


class LoginSessionOut(msgspec.Struct):
    id: uuid.UUID
    created_at: datetime
    last_seen_at: datetime
    ends_at: datetime
    browser: str
    current: bool


def browser_in_words(user_agent: str | None) -> str:
    """'Chrome on Android', 'Safari on iPhone', 'Firefox on Windows' or UNKNOWN_BROWSER."""
    if not user_agent:
        return UNKNOWN_BROWSER
    parsed = parse(user_agent)
    browser = parsed.user_agent.family if parsed.user_agent else None
    if browser is None or browser == "Other":
        return UNKNOWN_BROWSER
    browser = browser.removeprefix("Mobile ").replace("HeadlessChrome", "Chrome")
    device = parsed.device.family if parsed.device else None
    system = parsed.os.family if parsed.os else None
    where = device if device and device not in ("Other", "Generic Smartphone", "Mac") else system
    return f"{browser} on {where}" if where and where != "Other" else browser


async def list_login_sessions(
    db: Database, actor: Principal, now: datetime
) -> list[LoginSessionOut]:
    """The actor's live sessions, newest first; the one making this request is `current`."""
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(
                    LoginSession.id,
                    LoginSession.created_at,
                    LoginSession.last_seen_at,
                    LoginSession.expires_at,
                    LoginSession.ends_at,
                    LoginSession.user_agent,
                )
                .where(
                    LoginSession.user_id == actor.user_id,
                    LoginSession.expires_at > now,
                    LoginSession.ends_at > now,
                    LoginSession.awaiting.is_(None),
                )
                .order_by(LoginSession.last_seen_at.desc(), LoginSession.id)
            )
        ).all()
    return [
        LoginSessionOut(
            id=row.id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            ends_at=min(row.expires_at, row.ends_at),
            browser=browser_in_words(row.user_agent),
            current=row.id == actor.login_session_id,
        )
        for row in rows
    ]


async def end_login_session_of(
    db: Database, actor: Principal, login_session_id: uuid.UUID, now: datetime
) -> None:
    """End one of the actor's own sessions; anyone else's is 404 (never a hint it exists)."""
    async with db.write() as tx:
        ended = await tx.scalar(
            delete(LoginSession)
            .where(LoginSession.id == login_session_id, LoginSession.user_id == actor.user_id)
            .returning(LoginSession.id)
        )
        if ended is None:
            raise NotFoundError()
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="login_session.end",
            at=now,
        )


async def end_other_login_sessions(db: Database, actor: Principal, now: datetime) -> int:
    """Sign the actor out everywhere but here; how many sessions ended (audited)."""
    async with db.write() as tx:
        ended = await end_sessions_except(tx, actor.user_id, actor.login_session_id)
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="login_session.end_others",
            at=now,
            detail={"ended": ended},
        )
    return ended

"""Server-side login sessions stored in the database.

Why not Litestar's `ServerSideSessionConfig` with advanced-alchemy's session backend: that
backend writes the session row on every request (expiry bump, then a re-save), has one
max-age for everyone, and stores an opaque blob we would still have to join to the user.
Afterline needs role-specific limits, one read to resolve cookie → user → patient, and no
write on the hot path. So sessions are rows keyed by the SHA-256 of a random cookie token.

Each session has two ends (OWASP ASVS 3.3): an idle end that slides with use (the row is
only rewritten when it is more than `RENEW_AFTER` old) and an absolute end fixed at sign-in,
after which the owner signs in again however active they were. A practitioner works at a
shared clinic computer: 4 hours idle, 12 hours in all (a working day). A patient is on their
own phone for a course of treatment: 30 days idle, 90 days in all. The cookie's own lifetime
is the absolute one.

A session signed in with a password that still needs a second factor (`awaiting`) opens
nothing but the routes that finish signing in, and lasts `AWAITING_LIMIT`.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update

from api.core.db import Database, Transaction
from api.core.principal import Principal
from api.core.security import new_token, token_digest
from api.identity.models import LoginSession, Patient, User

SESSION_COOKIE = "afterline_session"
IDLE_LIMIT = {"patient": timedelta(days=30), "practitioner": timedelta(hours=4)}
ABSOLUTE_LIMIT = {"patient": timedelta(days=90), "practitioner": timedelta(hours=12)}
AWAITING_LIMIT = timedelta(minutes=10)
RENEW_AFTER = timedelta(minutes=5)
USER_AGENT_LENGTH = 300

_principal_query = (
    select(
        LoginSession.id,
        LoginSession.last_seen_at,
        LoginSession.expires_at,
        LoginSession.ends_at,
        LoginSession.awaiting,
        User.id,
        User.role,
        User.clinic_id,
        User.email,
        User.name,
        Patient.id,
        Patient.timezone,
        Patient.checkin_time,
    )
    .join(User, User.id == LoginSession.user_id)
    .outerjoin(Patient, Patient.user_id == User.id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


async def start_login_session(
    db: Database,
    user_id: uuid.UUID,
    role: str,
    now: datetime,
    *,
    user_agent: str | None = None,
    awaiting: str | None = None,
) -> str:
    """Create a session for the user and return the raw token for the cookie."""
    token = new_token()
    ends_at = now + (AWAITING_LIMIT if awaiting else ABSOLUTE_LIMIT[role])
    async with db.write() as tx:
        await tx.execute(
            delete(LoginSession).where(
                LoginSession.user_id == user_id,
                (LoginSession.expires_at < now) | (LoginSession.ends_at < now),
            )
        )
        tx.add(
            LoginSession(
                token_hash=token_digest(token),
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=min(now + IDLE_LIMIT[role], ends_at),
                ends_at=ends_at,
                user_agent=(user_agent or None) and user_agent[:USER_AGENT_LENGTH],
                awaiting=awaiting,
            )
        )
        if awaiting is None:
            await tx.execute(update(User).where(User.id == user_id).values(last_login_at=now))
    return token


async def resolve_login_session(db: Database, token: str, now: datetime) -> Principal | None:
    async with db.read() as conn:
        row = (await conn.execute(_principal_query, {"token_hash": token_digest(token)})).first()
    if row is None:
        return None
    (
        login_session_id,
        last_seen,
        expires_at,
        ends_at,
        awaiting,
        user_id,
        role,
        clinic_id,
        email,
        name,
        *patient,
    ) = tuple(row)
    if expires_at <= now or ends_at <= now:
        return None
    if now - last_seen > RENEW_AFTER:
        async with db.write() as tx:
            await tx.execute(
                update(LoginSession)
                .where(LoginSession.id == login_session_id)
                .values(last_seen_at=now, expires_at=min(now + IDLE_LIMIT[role], ends_at))
            )
    patient_id, timezone, checkin_time = patient
    return Principal(
        user_id=user_id,
        role=role,
        clinic_id=clinic_id,
        email=email,
        name=name,
        login_session_id=login_session_id,
        patient_id=patient_id,
        timezone=timezone,
        checkin_time=checkin_time,
        awaiting=awaiting,
    )


async def end_login_session(db: Database, login_session_id: uuid.UUID) -> None:
    async with db.write() as tx:
        await tx.execute(delete(LoginSession).where(LoginSession.id == login_session_id))


async def end_login_session_by_token(db: Database, token: str) -> None:
    async with db.write() as tx:
        await tx.execute(delete(LoginSession).where(LoginSession.token_hash == token_digest(token)))


async def end_sessions_except(tx: Transaction, user_id: uuid.UUID, keep: uuid.UUID | None) -> int:
    """End the user's sessions but `keep` (None: all of them), in `tx`; how many ended."""
    statement = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep is not None:
        statement = statement.where(LoginSession.id != keep)
    ended = (await tx.scalars(statement.returning(LoginSession.id))).all()
    return len(ended)

"""Logging in, the failed-login limit and accepting an invitation.

The limit counts *failed* logins in the database, per email and per client IP, so it holds
across API processes and never locks out a busy clinic's shared IP for successful logins.
Litestar's `RateLimitConfig` counts every request per client in a process-local store, which
is neither of those things.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import anyio
from sqlalchemy import delete, func, select

from api.auth.models import LoginFailure, User
from api.auth.schemas import UserOut
from api.core.db import Database
from api.core.errors import AppError, ConflictError, FieldError, GoneError, NotFoundError
from api.core.security import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    token_digest,
    verify_password,
)
from api.core.validation import check_email, check_text
from api.patients.models import Clinic, Invitation, Patient

FAILURE_WINDOW = timedelta(minutes=1)
MAX_FAILURES = 10
INVALID_LOGIN = "Email or password is incorrect"


class LoginFailed(AppError):
    status_code = 401


class TooManyAttempts(AppError):
    status_code = 429


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise FieldError("password", f"must be at most {MAX_PASSWORD_LENGTH} characters")


async def authenticate(db: Database, email: str, password: str, ip: str, now: datetime) -> UserOut:
    email = normalize_email(email)
    since = now - FAILURE_WINDOW
    async with db.read() as conn:
        by_email = await conn.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.email == email, LoginFailure.failed_at > since)
        )
        by_ip = await conn.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.ip == ip, LoginFailure.failed_at > since)
        )
        row = (
            await conn.execute(
                select(User.id, User.email, User.name, User.role, User.password_hash).where(
                    User.email == email
                )
            )
        ).first()
    if (by_email or 0) >= MAX_FAILURES or (by_ip or 0) >= MAX_FAILURES:
        raise TooManyAttempts("Too many failed logins; wait a minute and try again")
    password_hash = row.password_hash if row is not None else None
    # argon2 is deliberately slow: keep it off the event loop.
    ok = await anyio.to_thread.run_sync(verify_password, password_hash, password)
    if row is None or not ok:
        async with db.write() as session:
            session.add(LoginFailure(email=email[:320], ip=ip[:64], failed_at=now))
            await session.execute(
                delete(LoginFailure).where(LoginFailure.failed_at < now - timedelta(hours=1))
            )
        raise LoginFailed(INVALID_LOGIN)
    return UserOut(id=row.id, email=row.email, name=row.name, role=row.role)


async def accept_invite(db: Database, token: str, password: str, now: datetime) -> UserOut:
    """Set the invited patient's password; the token works once and for 14 days."""
    check_new_password(password)
    new_hash = await anyio.to_thread.run_sync(hash_password, password)
    async with db.write() as session:
        invitation = await session.scalar(
            select(Invitation).where(Invitation.token_hash == token_digest(token))
        )
        if invitation is None:
            raise NotFoundError()
        if invitation.used_at is not None:
            raise GoneError("This invitation has already been used")
        if invitation.expires_at <= now:
            raise GoneError("This invitation has expired; ask the clinic for a new one")
        user = await session.scalar(
            select(User)
            .join(Patient, Patient.user_id == User.id)
            .where(Patient.id == invitation.patient_id)
        )
        if user is None:
            raise NotFoundError()
        invitation.used_at = now
        user.password_hash = new_hash
        await session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    return UserOut(id=user.id, email=user.email, name=user.name, role=user.role)


async def create_practitioner(
    db: Database, email: str, name: str, clinic_name: str, password: str, now: datetime
) -> tuple[UserOut, bool]:
    """Create a practitioner, and their clinic when no clinic has that name yet.

    Returns the user and whether the clinic was created.
    """
    email = check_email(email)
    name = check_text(name, "name", max_length=200)
    clinic_name = check_text(clinic_name, "clinic", max_length=200)
    check_new_password(password)
    password_hash = await anyio.to_thread.run_sync(hash_password, password)
    async with db.write() as session:
        if await session.scalar(select(User.id).where(User.email == email)) is not None:
            raise ConflictError("email: an account with this email already exists", field="email")
        clinic = await session.scalar(select(Clinic).where(Clinic.name == clinic_name))
        created_clinic = clinic is None
        if clinic is None:
            clinic = Clinic(name=clinic_name, created_at=now)
            session.add(clinic)
            await session.flush()
        user = User(
            email=email,
            name=name,
            role="practitioner",
            clinic_id=clinic.id,
            password_hash=password_hash,
            created_at=now,
        )
        session.add(user)
        await session.flush()
    return UserOut(id=user.id, email=user.email, name=user.name, role=user.role), created_clinic

"""The second factor: a time-based one-time code (RFC 6238, `pyotp`) and recovery codes.

Enrolment is two steps so a typo in the authenticator app cannot lock anyone out: `begin`
stores a fresh secret and shows it as a QR code (`segno`); `confirm` turns it on only once a
code from the app matches, and hands out ten one-time recovery codes, shown once and stored
as their SHA-256 (each carries 80 random bits, so a fast hash is enough).

A code is accepted for its 30-second step and one step either side (phones drift), and
never twice: the last accepted step is stored and moved forward with a conditional update,
so two requests racing with the same code cannot both win. Every code check counts towards
the sign-in limits (`api.identity.limits`) like a password.

Turning the second factor on or off ends the user's other sessions.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import datetime

import msgspec
import pyotp
import segno
from sqlalchemy import delete, func, or_, select, update

from api.audit.service import record
from api.core.db import Database, Transaction
from api.core.errors import ConflictError, FieldError
from api.core.principal import Principal, UserOut
from api.core.security import token_digest
from api.identity.limits import Attempt, forget_attempt, reserve_attempt
from api.identity.login_sessions import end_sessions_except
from api.identity.models import RecoveryCode, User

ISSUER = "Afterline"
RECOVERY_CODES = 10
STEP_DRIFT = 1  # steps accepted either side of now
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper

WRONG_CODE = "is not the code your authenticator app shows now"
USED_CODE = "has already been used; wait for the next code"
ALREADY_ON = "Two-step sign-in is already on; turn it off first to set it up again"
NOT_STARTED = "Start setting up two-step sign-in first"
REQUIRED = "Practitioners must keep two-step sign-in on"


class SecondFactorOut(msgspec.Struct):
    totp: bool
    recovery_codes_left: int
    required: bool


class EnrolmentOut(msgspec.Struct):
    """What the authenticator app needs: scan `qr_svg`, or type `secret` by hand."""

    secret: str
    otpauth_uri: str
    qr_svg: str  # a data: URI of an SVG image


class RecoveryCodesOut(msgspec.Struct):
    recovery_codes: list[str]


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _recovery_digest(code: str) -> str:
    return token_digest(_normalised(code))


async def second_factor_status(db: Database, actor: Principal, required: bool) -> SecondFactorOut:
    async with db.read() as conn:
        enabled = await conn.scalar(select(User.totp_enabled_at).where(User.id == actor.user_id))
        left = await conn.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == actor.user_id, RecoveryCode.used_at.is_(None))
        )
    return SecondFactorOut(
        totp=enabled is not None,
        recovery_codes_left=left or 0,
        required=required and actor.is_practitioner,
    )


async def awaiting_after_password(db: Database, user: UserOut, required: bool) -> str | None:
    """What a password sign-in still needs: a code, an enrolment, or nothing (None)."""
    async with db.read() as conn:
        enabled = await conn.scalar(select(User.totp_enabled_at).where(User.id == user.id))
    if enabled is not None:
        return "second_factor"
    if required and user.role == "practitioner":
        return "enrolment"
    return None


async def begin_enrolment(db: Database, actor: Principal) -> EnrolmentOut:
    secret = pyotp.random_base32()
    async with db.write() as tx:
        user = await _user(tx, actor.user_id)
        if user.totp_enabled_at is not None:
            raise ConflictError(ALREADY_ON)
        user.totp_secret = secret
        user.totp_last_step = None
    uri = pyotp.TOTP(secret).provisioning_uri(name=actor.email, issuer_name=ISSUER)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return EnrolmentOut(secret=secret, otpauth_uri=uri, qr_svg=qr)


async def confirm_enrolment(
    db: Database, actor: Principal, code: str, now: datetime
) -> RecoveryCodesOut:
    """Turn TOTP on once `code` matches; new recovery codes; other sessions end."""
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    async with db.write() as tx:
        user = await _user(tx, actor.user_id)
        if user.totp_enabled_at is not None:
            raise ConflictError(ALREADY_ON)
        if user.totp_secret is None:
            raise ConflictError(NOT_STARTED)
        await _accept_totp(tx, user.id, user.totp_secret, code, now)
        user.totp_enabled_at = now
        await tx.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        for recovery_code in codes:
            tx.add(
                RecoveryCode(
                    user_id=user.id, code_hash=_recovery_digest(recovery_code), created_at=now
                )
            )
        await end_sessions_except(tx, actor.user_id, actor.login_session_id)
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="second_factor.enable",
            at=now,
        )
    return RecoveryCodesOut(recovery_codes=codes)


async def turn_off(
    db: Database, actor: Principal, code: str, ip: str, now: datetime, *, required: bool
) -> None:
    """Turn TOTP off with a current code (or a recovery code); other sessions end."""
    if required and actor.is_practitioner:
        raise ConflictError(REQUIRED)
    await check_second_factor(db, actor, code, ip, now)
    async with db.write() as tx:
        await tx.execute(
            update(User)
            .where(User.id == actor.user_id)
            .values(totp_secret=None, totp_enabled_at=None, totp_last_step=None)
        )
        await tx.execute(delete(RecoveryCode).where(RecoveryCode.user_id == actor.user_id))
        await end_sessions_except(tx, actor.user_id, actor.login_session_id)
        record(
            tx,
            actor_id=actor.user_id,
            clinic_id=actor.clinic_id,
            action="second_factor.disable",
            at=now,
        )


async def check_second_factor(
    db: Database, actor: Principal, code: str, ip: str, now: datetime
) -> None:
    """Accept a current TOTP code or an unused recovery code, or refuse naming `code`.

    Counts towards the sign-in limits of the account from this IP address: a wrong code is
    a failed attempt, and too many are refused with 429 like wrong passwords.
    """
    if not code.strip():
        raise FieldError("code", "is required")
    attempt = await reserve_attempt(db, Attempt(actor.email, ip), now)
    async with db.write() as tx:
        user = await _user(tx, actor.user_id)
        if user.totp_enabled_at is None or user.totp_secret is None:
            raise ConflictError("Two-step sign-in is not on for this account")
        digits = _normalised(code)
        if digits.isdigit() and len(digits) == 6:
            await _accept_totp(tx, user.id, user.totp_secret, digits, now)
        else:
            await _accept_recovery_code(tx, user.id, code, now)
    await forget_attempt(db, attempt)


async def _accept_totp(
    tx: Transaction, user_id: uuid.UUID, secret: str, code: str, now: datetime
) -> None:
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    code = _normalised(code)
    for step in range(current - STEP_DRIFT, current + STEP_DRIFT + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            moved = await tx.scalar(
                update(User)
                .where(
                    User.id == user_id,
                    or_(User.totp_last_step.is_(None), User.totp_last_step < step),
                )
                .values(totp_last_step=step)
                .returning(User.id)
            )
            if moved is None:
                raise FieldError("code", USED_CODE)
            return
    raise FieldError("code", WRONG_CODE)


async def _accept_recovery_code(
    tx: Transaction, user_id: uuid.UUID, code: str, now: datetime
) -> None:
    used = await tx.scalar(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _recovery_digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .returning(RecoveryCode.id)
    )
    if used is None:
        raise FieldError("code", "is not one of your unused recovery codes")


async def _user(tx: Transaction, user_id: uuid.UUID) -> User:
    user: User = await tx.scalar(select(User).where(User.id == user_id))
    return user

"""Logging in, accepting an invitation, and creating practitioner accounts.

Both login and invitation acceptance go through the failed-attempt limits in
`api.identity.limits`; a browser that signed in to the account before (its device cookie,
`api.identity.devices`) is held only to its own limit and its argon2 run goes first
(`api.core.argon2_queue`); other sign-ins are refused with 503 and `Retry-After` when the
line for argon2 is full, before anything is counted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from litestar.exceptions import ServiceUnavailableException
from sqlalchemy import select, update

from api.core.db import Database
from api.core.errors import AppError, ConflictError, FieldError, GoneError, NotFoundError
from api.core.principal import UserOut
from api.core.security import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    Busy,
    argon2_queue,
    hash_password_async,
    token_digest,
    verify_password_async,
)
from api.core.validation import check_email, check_text
from api.identity.devices import DeviceCookie
from api.identity.limits import (
    INVITE_KEY,
    Attempt,
    TooManyAttempts,
    forget_attempt,
    reserve_attempt,
)
from api.identity.login_sessions import end_sessions_except
from api.identity.models import Clinic, Invitation, Patient, User

INVALID_LOGIN = "Email or password is incorrect"
INVITE_USED = "This invitation has already been used"
INVITE_EXPIRED = "This invitation has expired; ask the clinic for a new one"
BUSY = "Signing in is busy just now. Please try again in a few seconds."

__all__ = [
    "Client",
    "SignedIn",
    "TooManyAttempts",
    "accept_invite",
    "authenticate",
    "create_practitioner",
    "redeem_invite",
    "sign_in",
]


class LoginFailed(AppError):
    status_code = 401


class SignInBusy(ServiceUnavailableException):
    """503 with `Retry-After`: too many unknown sign-ins are already waiting for argon2."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(detail=BUSY, headers={"Retry-After": str(retry_after)})


@dataclass(frozen=True)
class Client:
    """Where a sign-in comes from: its IP address and the device cookie it carried."""

    ip: str
    device: DeviceCookie | None = None

    @property
    def may_be_known(self) -> bool:
        return self.device is not None and self.device.names_any_account

    def known_device(self, user_id: uuid.UUID | None, password_hash: str | None) -> str | None:
        if self.device is None or user_id is None:
            return None
        return self.device.known_device(user_id, password_hash)

    def remember(self, user_id: uuid.UUID, password_hash: str) -> str | None:
        return self.device.remember(user_id, password_hash) if self.device else None


@dataclass(frozen=True)
class SignedIn:
    user: UserOut
    device_cookie: str | None  # the device cookie's new value (None: no cookie handling)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise FieldError("password", f"must be at most {MAX_PASSWORD_LENGTH} characters")


async def authenticate(db: Database, email: str, password: str, ip: str, now: datetime) -> UserOut:
    """`sign_in` without a device cookie (the CLI and tests)."""
    return (await sign_in(db, email, password, Client(ip), now)).user


async def sign_in(
    db: Database, email: str, password: str, client: Client, now: datetime
) -> SignedIn:
    """The user, or 401 (the same for an unknown email and a wrong password), 429 or 503."""
    email = normalize_email(email)
    if not client.may_be_known:
        _refuse_when_busy()  # at once, without even a database read
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(User.id, User.email, User.name, User.role, User.password_hash).where(
                    User.email == email
                )
            )
        ).first()
    password_hash = row.password_hash if row else None
    device = client.known_device(row.id if row else None, password_hash)
    if device is None:
        _refuse_when_busy()  # before anything is counted or written
    attempt = await reserve_attempt(db, Attempt(email, client.ip, device), now)
    try:
        # Verified even for an unknown email, against a dummy hash: both cost the same.
        ok = await verify_password_async(password_hash, password, known_device=device is not None)
    except Busy as busy:
        await forget_attempt(db, attempt)  # never judged: not a failure
        raise SignInBusy(busy.retry_after) from None
    if row is None or password_hash is None or not ok:
        raise LoginFailed(INVALID_LOGIN)  # the reserved attempt stays, as a failure
    await forget_attempt(db, attempt)
    user = UserOut(id=row.id, email=row.email, name=row.name, role=row.role)
    return SignedIn(user, client.remember(row.id, password_hash))


def _refuse_when_busy() -> None:
    """503 now when an unknown device's argon2 run would find the line full."""
    if (retry_after := argon2_queue().refusal(urgent=False)) is not None:
        raise SignInBusy(retry_after)


async def accept_invite(db: Database, token: str, password: str, ip: str, now: datetime) -> UserOut:
    """`redeem_invite` without a device cookie (the demo seed)."""
    return (await redeem_invite(db, token, password, Client(ip), now)).user


async def redeem_invite(
    db: Database, token: str, password: str, client: Client, now: datetime
) -> SignedIn:
    """Set the invited patient's password; the token works once and for 14 days.

    The token is checked before any hashing, and failed tokens count against the client's
    IP like failed logins, so bogus tokens cannot be used to burn the server's CPU.
    """
    check_new_password(password)
    attempt = await reserve_attempt(db, Attempt(INVITE_KEY, client.ip), now)
    async with db.read() as conn:
        invitation = (
            await conn.execute(
                select(Invitation.id, Invitation.used_at, Invitation.expires_at).where(
                    Invitation.token_hash == token_digest(token)
                )
            )
        ).first()
    if invitation is None:
        raise NotFoundError()
    if invitation.used_at is not None:
        raise GoneError(INVITE_USED)
    if invitation.expires_at <= now:
        raise GoneError(INVITE_EXPIRED)
    new_hash = await hash_password_async(password)
    async with db.write() as tx:
        # Claimed with a conditional update, so two concurrent accepts cannot both win.
        claimed = await tx.scalar(
            update(Invitation)
            .where(
                Invitation.id == invitation.id,
                Invitation.used_at.is_(None),
                Invitation.expires_at > now,
            )
            .values(used_at=now)
            .returning(Invitation.patient_id)
        )
        if claimed is None:
            raise GoneError(INVITE_USED)
        user = await tx.scalar(
            select(User).join(Patient, Patient.user_id == User.id).where(Patient.id == claimed)
        )
        if user is None:
            raise NotFoundError()
        user.password_hash = new_hash
        patient = await tx.scalar(select(Patient).where(Patient.id == claimed))
        if patient is not None and patient.prompts_from is None:
            patient.prompts_from = first_prompt_day(now, patient.timezone, patient.checkin_time)
        # A new password (first one, or a clinic-assisted reset) signs out every old session.
        await end_sessions_except(tx, user.id, keep=None)
    await forget_attempt(db, attempt)
    out = UserOut(id=user.id, email=user.email, name=user.name, role=user.role)
    return SignedIn(out, client.remember(user.id, new_hash))


def first_prompt_day(now: datetime, timezone: str, checkin_time: time) -> date:
    """The first local day the patient is asked to check in at their time, from `now` on.

    Days before it are never counted as missed: today when their check-in time is still to
    come, tomorrow when it has passed (a patient signing up late in the evening has not
    missed that day).
    """
    local = now.astimezone(ZoneInfo(timezone))
    return local.date() + timedelta(days=1 if local.time() >= checkin_time else 0)


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
    password_hash = await hash_password_async(password)
    async with db.write() as tx:
        if await tx.scalar(select(User.id).where(User.email == email)) is not None:
            raise ConflictError("email: an account with this email already exists", field="email")
        clinic = await tx.scalar(select(Clinic).where(Clinic.name == clinic_name))
        created_clinic = clinic is None
        if clinic is None:
            clinic = Clinic(name=clinic_name, created_at=now)
            tx.add(clinic)
            await tx.flush()
        user = User(
            email=email,
            name=name,
            role="practitioner",
            clinic_id=clinic.id,
            password_hash=password_hash,
            created_at=now,
        )
        tx.add(user)
        await tx.flush()
    return UserOut(id=user.id, email=user.email, name=user.name, role=user.role), created_clinic

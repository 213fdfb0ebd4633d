"""Who uses Afterline: clinics, their users (practitioners and patients), the patients' own
settings, the invitations that let a patient set their password, login sessions and the
failed-login log behind the sign-in limits."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    LargeBinary,
    String,
    Time,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey


class Clinic(UUIDPrimaryKey, Base):
    __tablename__ = "clinic"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # Shown to patients who tick a warning sign that needs the clinic today.
    phone: Mapped[str | None] = mapped_column(String(40))
    # How long the clinic must keep a patient's record: whole years after their last
    # treatment session (or, with none, after they were registered). `afterline retention`
    # erases patients past it. 8 years: the UK's minimum for adults' health records.
    retention_years: Mapped[int] = mapped_column(default=8, server_default="8")
    created_at: Mapped[datetime]


class Patient(UUIDPrimaryKey, Base):
    __tablename__ = "patient"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), unique=True
    )
    clinic_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clinic.id", ondelete="CASCADE"), index=True
    )
    # Indexed: the prompt tick walks patients zone by zone (api.notifications.prompts).
    timezone: Mapped[str] = mapped_column(String(64), index=True)
    checkin_time: Mapped[time] = mapped_column(Time())
    active: Mapped[bool] = mapped_column(Boolean(), default=True)
    # Channels for check-in prompts besides the in-app inbox, which always gets them.
    push_enabled: Mapped[bool] = mapped_column(Boolean(), default=True, server_default=true())
    email_enabled: Mapped[bool] = mapped_column(Boolean(), default=True, server_default=true())
    # The first local date the patient could be prompted to check in: set when they first
    # accept their invitation. Days before it are never counted as missed. Null for patients
    # who signed up another way (the demo), who count from their session.
    prompts_from: Mapped[date | None] = mapped_column(Date())
    created_at: Mapped[datetime]


class Invitation(UUIDPrimaryKey, Base):
    """A single-use invite; only the SHA-256 of the token is stored."""

    __tablename__ = "invitation"

    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


ROLES = ("practitioner", "patient")


class User(UUIDPrimaryKey, Base):
    __tablename__ = "user"
    __table_args__ = (CheckConstraint("role IN ('practitioner', 'patient')", name="role"),)

    # Stored lower-cased, which is what makes the unique constraint case-insensitive.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    clinic_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clinic.id", ondelete="CASCADE"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    # The second factor (RFC 6238): the base32 secret, set at enrolment and in force once
    # confirmed with a first code (`totp_enabled_at`); the last time step accepted, so a
    # code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger())


class LoginSession(UUIDPrimaryKey, Base):
    """A login. The cookie carries a random token; only its SHA-256 is stored here."""

    __tablename__ = "auth_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # The idle end (slides with use) and the absolute end (fixed at sign-in); the session
    # ends at whichever comes first.
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    user_agent: Mapped[str | None] = mapped_column(String(300))
    # What the session still waits for before it opens anything: None (nothing: signed in),
    # "second_factor" (a code or recovery code) or "enrolment" (a practitioner in production
    # who has no second factor yet).
    awaiting: Mapped[str | None] = mapped_column(String(20))


class RecoveryCode(UUIDPrimaryKey, Base):
    """A one-time code that stands in for the second factor; only its SHA-256 is stored."""

    __tablename__ = "recovery_code"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginFailure(UUIDPrimaryKey, Base):
    """A failed (or still running) sign-in or invitation attempt, for `api.identity.limits`."""

    __tablename__ = "login_failure"

    email: Mapped[str] = mapped_column(String(320), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    # The device id when the attempt came from a known device of that account (device cookie).
    device: Mapped[str | None] = mapped_column(String(32))
    failed_at: Mapped[datetime] = mapped_column(index=True)


class Passkey(UUIDPrimaryKey, Base):
    """A WebAuthn credential: signs in with no password, and counts as both factors."""

    __tablename__ = "passkey"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary())
    sign_count: Mapped[int] = mapped_column(BigInteger())
    # What the owner calls it ("Safari on iPhone" by default: where it was made).
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]


class PasskeyChallenge(UUIDPrimaryKey, Base):
    """A challenge handed to a browser for one registration or sign-in; used once."""

    __tablename__ = "passkey_challenge"

    challenge: Mapped[bytes] = mapped_column(LargeBinary(), unique=True)
    # The user registering a passkey; None for a sign-in (the passkey names its user).
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(index=True)

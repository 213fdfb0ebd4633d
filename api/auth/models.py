"""Users, their server-side sessions and the failed-login log behind the rate limit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey

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


class AuthSession(UUIDPrimaryKey, Base):
    """A login. The cookie carries a random token; only its SHA-256 is stored here."""

    __tablename__ = "auth_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginFailure(UUIDPrimaryKey, Base):
    """A failed (or still running) sign-in or invitation attempt, for `api.auth.limits`."""

    __tablename__ = "login_failure"

    email: Mapped[str] = mapped_column(String(320), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    # The device id when the attempt came from a known device of that account (device cookie).
    device: Mapped[str | None] = mapped_column(String(32))
    failed_at: Mapped[datetime] = mapped_column(index=True)

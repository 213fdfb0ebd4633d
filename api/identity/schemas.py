"""Request and response bodies of identity: signing in, patients and the clinic."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from api.core.body import Strict


class PatientCreate(Strict):
    name: str
    email: str
    timezone: str
    checkin_time: str = "19:00"


class PatientUpdate(Strict):
    name: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType = msgspec.UNSET
    timezone: str | msgspec.UnsetType = msgspec.UNSET
    checkin_time: str | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class LoginIn(Strict):
    email: str
    password: str


class AcceptInviteIn(Strict):
    token: str
    password: str


class PatientOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    email: str
    timezone: str
    checkin_time: str
    active: bool
    created_at: datetime
    has_password: bool


class InviteOut(msgspec.Struct):
    invite_token: str
    invite_url: str
    invite_expires_at: datetime


class PatientCreated(PatientOut):
    """The new patient plus the one-time invite (the token is never shown again)."""

    invite_token: str
    invite_url: str
    invite_expires_at: datetime


class ClinicOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    timezone: str
    phone: str | None


class ClinicUpdate(Strict):
    timezone: str | msgspec.UnsetType = msgspec.UNSET
    # null clears it; patients who tick a warning sign are then told to call the clinic
    # without a number.
    phone: str | msgspec.UnsetType | None = msgspec.UNSET


class CodeIn(Strict):
    """A six-digit code from an authenticator app, or a recovery code."""

    code: str


class PasswordChangeIn(Strict):
    current_password: str
    new_password: str


class EndedOut(msgspec.Struct):
    """How many other sessions were signed out."""

    ended: int

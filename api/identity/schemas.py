"""Request and response bodies of identity: signing in, patients and the clinic."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

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
    retention_years: int


class ClinicUpdate(Strict):
    timezone: str | msgspec.UnsetType = msgspec.UNSET
    # null clears it; patients who tick a warning sign are then told to call the clinic
    # without a number.
    phone: str | msgspec.UnsetType | None = msgspec.UNSET
    # Whole years a patient's record is kept after their last session (1 to 100).
    retention_years: int | msgspec.UnsetType = msgspec.UNSET


class CodeIn(Strict):
    """A six-digit code from an authenticator app, or a recovery code."""

    code: str


class PasswordChangeIn(Strict):
    current_password: str
    new_password: str


class EndedOut(msgspec.Struct):
    """How many other sessions were signed out."""

    ended: int


class PasskeyResponse(msgspec.Struct, forbid_unknown_fields=False):
    """The authenticator's answer, base64url strings as `PublicKeyCredential.toJSON()` sends
    them: `attestationObject` when registering; `authenticatorData`, `signature` and
    `userHandle` when signing in. Extra members a browser adds are ignored."""

    client_data_json: str = msgspec.field(name="clientDataJSON")
    attestation_object: str | None = msgspec.field(default=None, name="attestationObject")
    authenticator_data: str | None = msgspec.field(default=None, name="authenticatorData")
    signature: str | None = None
    user_handle: str | None = msgspec.field(default=None, name="userHandle")
    transports: list[str] | None = None


class PasskeyCredential(msgspec.Struct, forbid_unknown_fields=False):
    id: str
    raw_id: str = msgspec.field(name="rawId")
    response: PasskeyResponse
    type: str = "public-key"
    authenticator_attachment: str | None = msgspec.field(
        default=None, name="authenticatorAttachment"
    )

    def as_json(self) -> dict[str, Any]:
        """What `webauthn` parses (client extension results are not used, so none)."""
        answer: dict[str, Any] = msgspec.to_builtins(self)
        answer["clientExtensionResults"] = {}
        return answer


class PasskeyIn(Strict):
    """A browser's new passkey (`PublicKeyCredential.toJSON()`), and what to call it."""

    credential: PasskeyCredential
    name: str | None = None


class PasskeySignInIn(Strict):
    credential: PasskeyCredential

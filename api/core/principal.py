"""Who is calling: the signed-in principal every route and service is handed.

At the bottom of the layers because every domain checks it (its clinic, its role, its
patient), while resolving it from the login-session cookie is identity's job
(`api.identity.middleware`).
"""

from __future__ import annotations

import uuid
from datetime import time

import msgspec


class UserOut(msgspec.Struct):
    id: uuid.UUID
    email: str
    name: str
    role: str
    # Set while the sign-in is unfinished: "second_factor" (enter a code) or "enrolment"
    # (a practitioner in production must set up a second factor first).
    awaiting: str | None = None


class SignedInPatient(msgspec.Struct, frozen=True):
    """The signed-in patient, as the `/api/me` routes need them: nothing optional."""

    user_id: uuid.UUID
    patient_id: uuid.UUID
    timezone: str


class Principal(msgspec.Struct, frozen=True):
    """Who is calling: resolved once per request from the session cookie."""

    user_id: uuid.UUID
    role: str
    clinic_id: uuid.UUID
    email: str
    name: str
    login_session_id: uuid.UUID
    patient_id: uuid.UUID | None = None
    timezone: str | None = None
    checkin_time: time | None = None
    awaiting: str | None = None

    @property
    def is_practitioner(self) -> bool:
        return self.role == "practitioner"

    def as_user(self) -> UserOut:
        return UserOut(
            id=self.user_id,
            email=self.email,
            name=self.name,
            role=self.role,
            awaiting=self.awaiting,
        )

    def as_patient(self) -> SignedInPatient | None:
        """The patient behind this principal; None for a practitioner."""
        if self.patient_id is None or self.timezone is None:
            return None
        return SignedInPatient(self.user_id, self.patient_id, self.timezone)

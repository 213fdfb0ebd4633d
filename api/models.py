"""Every model, imported in one place so Alembic sees the whole schema."""

from api.audit.models import AuditEvent
from api.auth.models import AuthSession, LoginFailure, User
from api.checkins.models import Checkin, CheckinRevision
from api.core.models import Base
from api.notifications.models import Delivery, Notification, Prompt, PushSubscription
from api.patients.models import Clinic, Invitation, Patient
from api.treatments.models import TreatmentSession

__all__ = [
    "AuditEvent",
    "AuthSession",
    "Base",
    "Checkin",
    "CheckinRevision",
    "Clinic",
    "Delivery",
    "Invitation",
    "LoginFailure",
    "Notification",
    "Patient",
    "Prompt",
    "PushSubscription",
    "TreatmentSession",
    "User",
]

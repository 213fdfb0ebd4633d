"""Every model, imported in one place so Alembic sees the whole schema."""

from api.alerts.models import Alert
from api.audit.models import AuditEvent
from api.checkins.models import Checkin, CheckinRevision
from api.core.models import Base
from api.identity.models import Clinic, Invitation, LoginFailure, LoginSession, Patient, User
from api.notifications.models import Delivery, Notification, Prompt, PushSubscription
from api.outcomes.models import ResultRevision, SessionOutcome, SessionRating
from api.photos.models import Photo, PhotoImage
from api.screening.models import Screening
from api.treatments.models import TreatmentSession
from api.triage.models import PatientTriage

__all__ = [
    "Alert",
    "AuditEvent",
    "Base",
    "Checkin",
    "CheckinRevision",
    "Clinic",
    "Delivery",
    "Invitation",
    "LoginFailure",
    "LoginSession",
    "Notification",
    "Patient",
    "PatientTriage",
    "Photo",
    "PhotoImage",
    "Prompt",
    "PushSubscription",
    "ResultRevision",
    "Screening",
    "SessionOutcome",
    "SessionRating",
    "TreatmentSession",
    "User",
]

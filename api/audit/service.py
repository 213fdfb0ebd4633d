"""Writing the audit log; called inside the same transaction as the access it records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from api.audit.models import AuditEvent
from api.core.db import Transaction


def record(
    tx: Transaction,
    *,
    actor_id: uuid.UUID | None,
    action: str,
    at: datetime,
    patient_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    tx.add(
        AuditEvent(
            actor_user_id=actor_id, patient_id=patient_id, action=action, detail=detail, at=at
        )
    )

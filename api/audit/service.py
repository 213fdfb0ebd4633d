"""Writing the audit log.

A change is audited inside the transaction that makes it (`record`), so the two commit
together. A read is audited with `record_read`: its row is committed, in a transaction
shared with the other reads of the moment (`Database.write_together`), before the answer
goes out.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from api.audit.chain import SYSTEM, pending
from api.audit.models import AuditEvent
from api.core.db import Database, Transaction


def record(
    tx: Transaction,
    *,
    actor_id: uuid.UUID | None,
    clinic_id: uuid.UUID | None,
    action: str,
    at: datetime,
    patient_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record an event in `tx`, in `clinic_id`'s chain (None: `chain.SYSTEM`'s)."""
    event = AuditEvent(
        id=uuid.uuid4(),
        actor_user_id=actor_id,
        patient_id=patient_id,
        action=action,
        detail=detail,
        at=at,
        clinic_id=clinic_id or SYSTEM,
    )
    tx.add(event)
    pending(tx, event)  # chained to its clinic's trail as it is stored (`api.audit.chain`)


async def record_read(
    db: Database,
    *,
    actor_id: uuid.UUID | None,
    clinic_id: uuid.UUID | None,
    action: str,
    at: datetime,
    patient_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Audit a read; returns once the row is committed."""
    await db.write_together(
        lambda tx: record(
            tx,
            actor_id=actor_id,
            clinic_id=clinic_id,
            action=action,
            at=at,
            patient_id=patient_id,
            detail=detail,
        )
    )

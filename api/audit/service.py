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

from api.audit.models import AuditEvent
from api.core.db import Database, Transaction


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


async def record_read(
    db: Database,
    *,
    actor_id: uuid.UUID | None,
    action: str,
    at: datetime,
    patient_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Audit a read; returns once the row is committed."""
    await db.write_together(
        lambda tx: record(
            tx, actor_id=actor_id, action=action, at=at, patient_id=patient_id, detail=detail
        )
    )

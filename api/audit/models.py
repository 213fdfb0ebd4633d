"""Who read or changed which patient's data, and when: an append-only, hash-chained log.

Each event carries its place in its clinic's chain (`seq`), the previous event's hash and
its own (`api.audit.chain`). The ids it names are plain values, not foreign keys: the log
must outlive the records it describes, and a foreign key's `SET NULL` would rewrite it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, UUIDPrimaryKey

HASH_LENGTH = 64  # SHA-256, hex


class AuditEvent(UUIDPrimaryKey, Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_patient_id_at", "patient_id", "at"),
        UniqueConstraint("clinic_id", "seq"),
    )

    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    patient_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    at: Mapped[datetime]
    # The chain: the clinic whose chain holds the event (`chain.SYSTEM` for events of no
    # clinic), its place in it from 1, the hash before it and its own.
    clinic_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))


class AuditChainHead(Base):
    """The last link of each clinic's chain: where the next event attaches, and what
    `afterline audit verify` checks the chain's end against (a deleted last event)."""

    __tablename__ = "audit_chain_head"

    clinic_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))

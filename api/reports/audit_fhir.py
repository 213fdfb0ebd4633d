"""A clinic's audit trail as FHIR R4 (R4B models) `AuditEvent`s, for shipping elsewhere.

`afterline audit export --clinic … --since …` writes a `Bundle` (type `collection`) of the
clinic's events recorded since a date, in chain order. Each `AuditEvent` says what happened
(`subtype`: our action code, `action`: FHIR's C/R/U/D/E), when (`recorded`), who (`agent`:
the practitioner or patient user, or the command line) and about whom (`entity`: the
patient), and carries its chain details (`seq`, `prev-hash`, `hash`) as entity details, so
a receiving system can check the chain itself (`api.audit.chain`). The bundle's identifier
is the chain's head when exported (`<seq>:<hash>`): the receiver knows where the chain stood
and that nothing after the last exported event was left out by accident.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fhir.resources.R4B.auditevent import (
    AuditEvent,
    AuditEventAgent,
    AuditEventEntity,
    AuditEventEntityDetail,
    AuditEventSource,
)
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.reference import Reference
from sqlalchemy import Table, select

from api.audit.models import AuditChainHead
from api.audit.models import AuditEvent as AuditRow
from api.core.db import DbConnection
from api.reports.codes import (
    AUDIT_ACTION_SYSTEM,
    AUDIT_CHAIN_SYSTEM,
    AUDIT_EVENT_TYPE_SYSTEM,
    CODE_SYSTEM_BASE,
)

_EVENTS: Table = AuditRow.__table__  # type: ignore[assignment]
# FHIR's action codes by the last part of our action names; anything else is E (execute).
_ACTIONS = {
    "create": "C", "add": "C", "issue": "C",
    "read": "R", "list": "R", "view": "R", "summary": "R",
    "update": "U", "acknowledge": "U", "unacknowledge": "U",
    "delete": "D",
}  # fmt: skip
HEAD_SYSTEM = f"{CODE_SYSTEM_BASE}/audit-chain-head"


def _agent(row: Any) -> AuditEventAgent:
    if row.actor_user_id is None:
        return AuditEventAgent(requestor=True, who=Reference(display="Afterline command line"))
    return AuditEventAgent(
        requestor=True,
        who=Reference(
            identifier=Identifier(system="urn:ietf:rfc:3986", value=f"urn:uuid:{row.actor_user_id}")
        ),
    )


def _detail(kind: str, value: str) -> AuditEventEntityDetail:
    return AuditEventEntityDetail(type=kind, valueString=value)


def audit_event(row: Any) -> AuditEvent:
    """One stored event as a FHIR `AuditEvent`."""
    chain = [_detail("seq", str(row.seq)), _detail("prev-hash", row.prev_hash)]
    chain.append(_detail("hash", row.hash))
    entities = [
        AuditEventEntity(
            what=Reference(display="Afterline audit chain"),
            type=Coding(system=AUDIT_CHAIN_SYSTEM, code="link"),
            detail=chain,
        )
    ]
    if row.patient_id is not None:
        entities.append(AuditEventEntity(what=Reference(reference=f"Patient/{row.patient_id}")))
    return AuditEvent(
        id=str(row.id),
        type=Coding(system=AUDIT_EVENT_TYPE_SYSTEM, code="rest", display="RESTful Operation"),
        subtype=[Coding(system=AUDIT_ACTION_SYSTEM, code=row.action)],
        action=_ACTIONS.get(row.action.rsplit(".", 1)[-1], "E"),
        recorded=row.at,
        agent=[_agent(row)],
        source=AuditEventSource(observer=Reference(display="Afterline")),
        entity=entities,
    )


async def audit_bundle(conn: DbConnection, clinic_id: uuid.UUID, since: datetime) -> Bundle:
    """The clinic's events recorded at or after `since`, in chain order, as a `Bundle`."""
    rows = await conn.execute(
        select(*_EVENTS.c)
        .where(_EVENTS.c.clinic_id == clinic_id, _EVENTS.c.at >= since)
        .order_by(_EVENTS.c.seq)
    )
    head = (
        await conn.execute(
            select(AuditChainHead.seq, AuditChainHead.hash).where(
                AuditChainHead.clinic_id == clinic_id
            )
        )
    ).one_or_none()
    entries = [BundleEntry(fullUrl=f"urn:uuid:{row.id}", resource=audit_event(row)) for row in rows]
    head_value = f"{head.seq}:{head.hash}" if head else "0:" + "0" * 64
    return Bundle(
        type="collection",
        identifier=Identifier(system=HEAD_SYSTEM, value=head_value),
        entry=entries or None,
    )

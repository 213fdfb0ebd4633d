"""Which patients a write transaction changed, so the read models above follow in it.

The domains change a patient's inputs (a check-in, a treatment session, an alert, the
screening answers, the preferences); a read model built from them (the practitioner's triage
list) sits above the domains, and imports only go down. So a domain tells its transaction
*which patient changed* (`patient_changed`), and just before the transaction commits
(`Database.write`) every registered settler recomputes what it keeps for those patients in
the same transaction: the derived rows are never committed apart from their inputs.

A settler is registered once per process by the package that owns the read model
(`api.triage.readmodel.install`), called by every entry point: the app, the worker and the
CLI. A transaction that marked patients when nothing is registered fails loudly rather than
leaving a read model behind without a trace.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any, Protocol


class _HasInfo(Protocol):
    @property
    def info(self) -> dict[Any, Any]: ...


class _Flushable(_HasInfo, Protocol):
    async def flush(self) -> None: ...


# (transaction, the patients it changed, the latest `now` they were changed at)
Settler = Callable[[Any, frozenset[uuid.UUID], datetime], Awaitable[None]]

_KEY = "afterline.changed_patients"
_settlers: list[Settler] = []


def on_patients_changed(settler: Settler) -> None:
    """Register `settler` (idempotent: the same function twice is kept once)."""
    if settler not in _settlers:
        _settlers.append(settler)


def patient_changed(tx: _HasInfo, patient_id: uuid.UUID, now: datetime) -> None:
    """Mark one patient's inputs as changed in `tx` at `now` (the request's clock)."""
    patients_changed(tx, (patient_id,), now)


def patients_changed(tx: _HasInfo, patient_ids: Iterable[uuid.UUID], now: datetime) -> None:
    """Mark several patients (a job's batch) as changed in `tx` at `now`."""
    marked: tuple[set[uuid.UUID], datetime] | None = tx.info.get(_KEY)
    if marked is None:
        tx.info[_KEY] = (set(patient_ids), now)
        return
    ids, latest = marked
    ids.update(patient_ids)
    tx.info[_KEY] = (ids, max(latest, now))


async def settle(tx: _Flushable) -> None:
    """Run the settlers for the patients `tx` marked; called once, just before commit.

    The ORM changes are flushed first (sessions do not autoflush), so settlers read them."""
    marked: tuple[set[uuid.UUID], datetime] | None = tx.info.pop(_KEY, None)
    if not marked or not marked[0]:
        return
    if not _settlers:
        raise RuntimeError("patients changed but no read model is installed (see api.core.changes)")
    ids, now = frozenset(marked[0]), marked[1]
    await tx.flush()
    for settler in _settlers:
        await settler(tx, ids, now)

"""The practitioner's red-flag alerts: the clinic's list and acknowledging one."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter

from api.alerts import service
from api.alerts.schemas import AcknowledgeIn, AlertOut, AlertStatus
from api.auth.middleware import practitioner_only
from api.core.body import decode_as
from api.core.deps import DB, Actor, Now, parse_id


class AlertsController(Controller):
    path = "/api/alerts"
    tags = ["alerts"]
    guards = [practitioner_only]

    @get("/")
    async def list(
        self,
        db: DB,
        actor: Actor,
        now: Now,
        status: Annotated[AlertStatus, QueryParameter()] = "open",
    ) -> list[AlertOut]:
        return await service.list_alerts(db, actor, status, now)

    @post("/{alert_id:str}/acknowledge", status_code=200)
    async def acknowledge(
        self,
        alert_id: FromPath[str],
        request: Request[Any, Any, Any],
        db: DB,
        actor: Actor,
        now: Now,
    ) -> AlertOut:
        # The note is optional, and so is the body that would carry it.
        raw = await request.body()
        body = decode_as(raw, AcknowledgeIn) if raw.strip() else AcknowledgeIn()
        return await service.acknowledge_alert(db, actor, parse_id(alert_id), body, now)

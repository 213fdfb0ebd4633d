"""Red-flag alerts: the clinic's list and acknowledging one; a patient's own warning signs."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.alerts import service
from api.alerts.schemas import (
    AcknowledgeIn,
    AlertOut,
    AlertStatus,
    WarningSignsIn,
    WarningSignsResult,
)
from api.alerts.warning_signs import report_warning_signs
from api.core.deps import DB, Actor, AppSettings, Me, Now, parse_id
from api.identity.middleware import patient_only, practitioner_only

# The same report again (a replay from the offline queue): 200 instead of 201.
REPLAYED = ResponseSpec(WarningSignsResult, description="Already reported: nothing new")


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
        db: DB,
        actor: Actor,
        now: Now,
        # The note is optional, and so is the body that would carry it.
        data: JSONBody[AcknowledgeIn | None] = None,
    ) -> AlertOut:
        body = data or AcknowledgeIn()
        return await service.acknowledge_alert(db, actor, parse_id(alert_id), body, now)

    @delete("/{alert_id:str}/acknowledgement", status_code=200)
    async def undo_acknowledgement(
        self, alert_id: FromPath[str], db: DB, actor: Actor, now: Now
    ) -> AlertOut:
        """Undo an acknowledgement made by mistake: by its practitioner, within 30 s (else 409)."""
        return await service.undo_acknowledgement(db, actor, parse_id(alert_id), now)


class MyWarningSignsController(Controller):
    path = "/api/me/warning-signs"
    tags = ["me"]
    guards = [patient_only]

    @post("/", responses={200: REPLAYED})
    async def report(
        self,
        data: JSONBody[WarningSignsIn],
        db: DB,
        me: Me,
        now: Now,
        settings: AppSettings,
    ) -> Response[WarningSignsResult]:
        """Warning signs on their own: accepted whatever the date or session (201; replay 200)."""
        result = await report_warning_signs(
            db, me.patient_id, me.timezone, data, now, email_on=settings.smtp is not None
        )
        status = HTTP_201_CREATED if result.outcome == "created" else HTTP_200_OK
        return Response(result, status_code=status)

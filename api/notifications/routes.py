"""Inbox, push-subscription and preference routes."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.core.deps import DB, Actor, AppSettings, Me, Now, parse_id
from api.core.validation import QueryText
from api.identity.middleware import patient_only
from api.notifications import service
from api.notifications.schemas import (
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    PushSubscriptionIn,
    PushSubscriptionOut,
    VapidKeyOut,
)

Limit = Annotated[int, QueryParameter(ge=1, le=service.INBOX_LIMIT)]


class InboxController(Controller):
    """Anyone signed in: patients get prompts here, practitioners their digests."""

    path = "/api/me"
    tags = ["notifications"]

    @get("/notifications")
    async def list(self, db: DB, actor: Actor, limit: Limit = 50) -> list[NotificationOut]:
        return await service.list_notifications(db, actor.user_id, limit)

    @post("/notifications/{notification_id:str}/read", status_code=HTTP_200_OK)
    async def read(
        self, notification_id: FromPath[str], db: DB, actor: Actor, now: Now
    ) -> NotificationOut:
        return await service.mark_read(db, actor.user_id, parse_id(notification_id), now)

    @put("/push-subscription")
    async def subscribe(
        self,
        data: JSONBody[PushSubscriptionIn],
        db: DB,
        actor: Actor,
        settings: AppSettings,
        now: Now,
    ) -> Response[PushSubscriptionOut]:
        saved, created = await service.save_push_subscription(
            db, actor.user_id, data, settings.push_endpoint_allow, now
        )
        return Response(saved, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @delete("/push-subscription")
    async def unsubscribe(self, db: DB, actor: Actor, endpoint: QueryText = None) -> None:
        """One browser's subscription (`?endpoint=`), or without it all of this user's
        (push turned off everywhere)."""
        await service.delete_push_subscription(db, actor.user_id, endpoint)


class PreferencesController(Controller):
    path = "/api/me/preferences"
    tags = ["me"]
    guards = [patient_only]

    @get("/")
    async def show(self, db: DB, me: Me, settings: AppSettings) -> PreferencesOut:
        return await service.get_preferences(db, me.patient_id, settings.smtp is not None)

    @patch("/")
    async def change(
        self, data: JSONBody[PreferencesIn], db: DB, me: Me, settings: AppSettings, now: Now
    ) -> PreferencesOut:
        email = settings.smtp is not None
        return await service.update_preferences(db, me.patient_id, data, email, now)


@get("/api/push/vapid-public-key", tags=["notifications"], exclude_from_auth=True)
async def vapid_public_key(state: State) -> VapidKeyOut:
    """The application server key for `PushManager.subscribe` (public by nature)."""
    return VapidKeyOut(public_key=state.vapid_public_key)

"""A patient's own account: what happens when they leave, and closing it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody

from api.core.body import Strict
from api.core.deps import DB, Actor, AppSettings, Me, Now
from api.identity.auth_routes import client_of
from api.identity.login_sessions import SESSION_COOKIE
from api.identity.middleware import patient_only
from api.leaving.closing import LeavingOut, close_account, leaving_terms


class CloseAccountIn(Strict):
    """The patient's current password: closing cannot be undone from the app."""

    password: str


class MyAccountController(Controller):
    path = "/api/me"
    tags = ["me"]
    guards = [patient_only]

    @get("/leaving")
    async def terms(self, db: DB, me: Me) -> LeavingOut:
        """How long the clinic keeps the record after the patient leaves, before they do."""
        return await leaving_terms(db, me)

    @post("/close-account", status_code=200)
    async def close(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CloseAccountIn],
        db: DB,
        actor: Actor,
        me: Me,
        settings: AppSettings,
        now: Now,
    ) -> Response[LeavingOut]:
        """End every session, stop every prompt and message, remove push subscriptions,
        the second factor and the password. The clinical record stays for the clinic's
        retention period."""
        ip = client_of(request, settings).ip
        terms = await close_account(db, actor, me, data.password, ip, now)
        gone = Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True)
        return Response(terms, cookies=[gone])

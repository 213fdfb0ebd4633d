"""Login, logout, who am I, and accepting an invitation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.auth.schemas import AcceptInviteIn, LoginIn, UserOut
from api.auth.service import accept_invite, authenticate
from api.auth.sessions import (
    SESSION_COOKIE,
    end_session,
    end_session_by_token,
    start_session,
)
from api.core.body import read_body
from api.core.db import Database
from api.core.deps import DB, Actor, AppSettings, Now
from api.core.settings import Settings

# Patients keep the cookie for the browser's maximum; the server ends idle sessions itself.
PATIENT_COOKIE_MAX_AGE = 400 * 24 * 3600


def session_cookie(settings: Settings, token: str, role: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=PATIENT_COOKIE_MAX_AGE if role == "patient" else None,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )


def client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


async def _signed_in(
    request: Request[Any, Any, Any], db: Database, settings: Settings, user: UserOut, now: datetime
) -> Response[UserOut]:
    # Whoever was signed in on this browser before is signed out, server-side too
    # (a shared clinic tablet must not keep the previous user's session alive).
    if previous := request.cookies.get(SESSION_COOKIE):
        await end_session_by_token(db, previous)
    token = await start_session(db, user.id, user.role, now)
    return Response(user, cookies=[session_cookie(settings, token, user.role)])


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", exclude_from_auth=True, status_code=200)
    async def login(
        self, request: Request[Any, Any, Any], db: DB, settings: AppSettings, now: Now
    ) -> Response[UserOut]:
        body = await read_body(request, LoginIn)
        user = await authenticate(db, body.email, body.password, client_ip(request), now)
        return await _signed_in(request, db, settings, user, now)

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, db: DB, actor: Actor) -> Response[None]:
        await end_session(db, actor.session_id)
        return Response(
            None,
            status_code=HTTP_204_NO_CONTENT,
            cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True)],
        )

    @get("/me")
    async def me(self, actor: Actor) -> UserOut:
        return actor.as_user()

    @post("/accept-invite", exclude_from_auth=True, status_code=200)
    async def accept_invite(
        self, request: Request[Any, Any, Any], db: DB, settings: AppSettings, now: Now
    ) -> Response[UserOut]:
        body = await read_body(request, AcceptInviteIn)
        user = await accept_invite(db, body.token, body.password, client_ip(request), now)
        return await _signed_in(request, db, settings, user, now)

"""Login, logout, who am I, and accepting an invitation.

A password sign-in for an account with a second factor (or a practitioner who must enrol
one) lands in a session that awaits it (`api.identity.middleware`); finishing it swaps that
session for a full one with a new cookie (`finish_sign_in`), so the token that only proved
the password never opens anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.core.db import Database
from api.core.deps import DB, Actor, AppSettings, Now
from api.core.principal import Principal, UserOut
from api.core.settings import Settings
from api.identity.accounts import Client, SignedIn, redeem_invite, sign_in
from api.identity.devices import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_MAX_AGE,
    DEVICE_COOKIE_PATH,
    DeviceCookie,
)
from api.identity.login_sessions import (
    ABSOLUTE_LIMIT,
    AWAITING_LIMIT,
    SESSION_COOKIE,
    end_login_session,
    end_login_session_by_token,
    start_login_session,
)
from api.identity.middleware import WHILE_AWAITING
from api.identity.schemas import AcceptInviteIn, LoginIn
from api.identity.second_factor import awaiting_after_password


def session_cookie(settings: Settings, token: str, role: str, awaiting: str | None) -> Cookie:
    """The cookie lives exactly as long as the session can (its absolute lifetime)."""
    lifetime = AWAITING_LIMIT if awaiting else ABSOLUTE_LIMIT[role]
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )


def device_cookie(settings: Settings, value: str) -> Cookie:
    """Sent only to the sign-in routes; kept across sign-outs (that is its point)."""
    return Cookie(
        key=DEVICE_COOKIE,
        value=value,
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="strict",
        secure=settings.is_production,
        path=DEVICE_COOKIE_PATH,
    )


def client_of(request: Request[Any, Any, Any], settings: Settings) -> Client:
    """The caller's address (rewritten from X-Forwarded-For by uvicorn only for the proxies
    in AFTERLINE_TRUSTED_PROXIES) and its device cookie."""
    ip = request.client.host if request.client else "unknown"
    return Client(
        ip, DeviceCookie.from_secret(request.cookies.get(DEVICE_COOKIE), settings.secret_key)
    )


async def signed_in(
    request: Request[Any, Any, Any],
    db: Database,
    settings: Settings,
    signed: SignedIn,
    now: datetime,
    *,
    with_password: bool = True,
) -> Response[UserOut]:
    """Start the session (awaiting a second factor after a password where one is needed;
    a passkey is both factors) and set its cookie."""
    # Whoever was signed in on this browser before is signed out, server-side too
    # (a shared clinic tablet must not keep the previous user's session alive).
    if previous := request.cookies.get(SESSION_COOKIE):
        await end_login_session_by_token(db, previous)
    user = signed.user
    awaiting = (
        await awaiting_after_password(db, user, settings.second_factor_required)
        if with_password
        else None
    )
    token = await start_login_session(
        db,
        user.id,
        user.role,
        now,
        user_agent=request.headers.get("user-agent"),
        awaiting=awaiting,
    )
    cookies = [session_cookie(settings, token, user.role, awaiting)]
    if signed.device_cookie:
        cookies.append(device_cookie(settings, signed.device_cookie))
    user.awaiting = awaiting
    return Response(user, cookies=cookies)


async def finish_sign_in(
    request: Request[Any, Any, Any],
    db: Database,
    settings: Settings,
    actor: Principal,
    now: datetime,
) -> list[Cookie]:
    """Swap a session that awaited its second factor for a full one: the new cookie."""
    if actor.awaiting is None:
        return []
    await end_login_session(db, actor.login_session_id)
    token = await start_login_session(
        db, actor.user_id, actor.role, now, user_agent=request.headers.get("user-agent")
    )
    return [session_cookie(settings, token, actor.role, None)]


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", exclude_from_auth=True, status_code=200)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginIn],
        db: DB,
        settings: AppSettings,
        now: Now,
    ) -> Response[UserOut]:
        client = client_of(request, settings)
        signed = await sign_in(db, data.email, data.password, client, now)
        return await signed_in(request, db, settings, signed, now)

    @post(
        "/logout",
        status_code=HTTP_204_NO_CONTENT,
        opt={WHILE_AWAITING: ("second_factor", "enrolment")},
    )
    async def logout(self, db: DB, actor: Actor) -> Response[None]:
        await end_login_session(db, actor.login_session_id)
        return Response(
            None,
            status_code=HTTP_204_NO_CONTENT,
            cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True)],
        )

    @get("/me", opt={WHILE_AWAITING: ("second_factor", "enrolment")})
    async def me(self, actor: Actor) -> UserOut:
        return actor.as_user()

    @post("/accept-invite", exclude_from_auth=True, status_code=200)
    async def accept_invite(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[AcceptInviteIn],
        db: DB,
        settings: AppSettings,
        now: Now,
    ) -> Response[UserOut]:
        client = client_of(request, settings)
        signed = await redeem_invite(db, data.token, data.password, client, now)
        return await signed_in(request, db, settings, signed, now)

"""Your own account's security, for both roles: signed-in devices, password, two-step sign-in."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.core.deps import DB, Actor, AppSettings, Now, parse_id
from api.core.principal import UserOut
from api.identity.auth_routes import client_of, finish_sign_in
from api.identity.middleware import WHILE_AWAITING
from api.identity.password_change import change_password
from api.identity.schemas import CodeIn, EndedOut, PasswordChangeIn
from api.identity.second_factor import (
    EnrolmentOut,
    RecoveryCodesOut,
    SecondFactorOut,
    begin_enrolment,
    check_second_factor,
    confirm_enrolment,
    second_factor_status,
    turn_off,
)
from api.identity.signed_in import (
    LoginSessionOut,
    end_login_session_of,
    end_other_login_sessions,
    list_login_sessions,
)


class SecurityController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @get("/sessions")
    async def sessions(self, db: DB, actor: Actor, now: Now) -> list[LoginSessionOut]:
        return await list_login_sessions(db, actor, now)

    @delete("/sessions/{login_session_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def end_session(
        self, login_session_id: FromPath[str], db: DB, actor: Actor, now: Now
    ) -> None:
        await end_login_session_of(db, actor, parse_id(login_session_id), now)

    @post("/sessions/end-others", status_code=200)
    async def end_others(self, db: DB, actor: Actor, now: Now) -> EndedOut:
        return EndedOut(ended=await end_other_login_sessions(db, actor, now))

    @post("/password", status_code=200)
    async def password(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PasswordChangeIn],
        db: DB,
        actor: Actor,
        settings: AppSettings,
        now: Now,
    ) -> EndedOut:
        ip = client_of(request, settings).ip
        ended = await change_password(db, actor, data.current_password, data.new_password, ip, now)
        return EndedOut(ended=ended)

    @get("/second-factor", opt={WHILE_AWAITING: ("enrolment",)})
    async def second_factor(self, db: DB, actor: Actor, settings: AppSettings) -> SecondFactorOut:
        return await second_factor_status(db, actor, settings.second_factor_required)

    @post("/second-factor/setup", status_code=200, opt={WHILE_AWAITING: ("enrolment",)})
    async def setup(self, db: DB, actor: Actor) -> EnrolmentOut:
        return await begin_enrolment(db, actor)

    @post("/second-factor/confirm", status_code=200, opt={WHILE_AWAITING: ("enrolment",)})
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CodeIn],
        db: DB,
        actor: Actor,
        settings: AppSettings,
        now: Now,
    ) -> Response[RecoveryCodesOut]:
        """Turn two-step sign-in on; a sign-in that was waiting for this is finished."""
        codes = await confirm_enrolment(db, actor, data.code, now)
        cookies = await finish_sign_in(request, db, settings, actor, now)
        return Response(codes, cookies=cookies)

    @post("/second-factor/verify", status_code=200, opt={WHILE_AWAITING: ("second_factor",)})
    async def verify(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CodeIn],
        db: DB,
        actor: Actor,
        settings: AppSettings,
        now: Now,
    ) -> Response[UserOut]:
        """Finish a password sign-in with a code from the app or a recovery code."""
        await check_second_factor(db, actor, data.code, client_of(request, settings).ip, now)
        cookies = await finish_sign_in(request, db, settings, actor, now)
        user = actor.as_user()
        user.awaiting = None
        return Response(user, cookies=cookies)

    @post("/second-factor/off", status_code=HTTP_204_NO_CONTENT)
    async def off(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CodeIn],
        db: DB,
        actor: Actor,
        settings: AppSettings,
        now: Now,
    ) -> None:
        ip = client_of(request, settings).ip
        await turn_off(db, actor, data.code, ip, now, required=settings.second_factor_required)

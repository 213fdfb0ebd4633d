"""Passkeys: registering one (signed in), listing and removing them, and signing in with one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from api.core.deps import DB, Actor, AppSettings, Now, parse_id
from api.core.principal import UserOut
from api.identity.accounts import SignedIn
from api.identity.auth_routes import client_of, finish_sign_in, signed_in
from api.identity.middleware import WHILE_AWAITING
from api.identity.passkeys import (
    PasskeyOut,
    RelyingParty,
    list_passkeys,
    register_passkey,
    registration_options,
    remove_passkey,
    sign_in_options,
    sign_in_with_passkey,
)
from api.identity.schemas import PasskeyIn, PasskeySignInIn
from api.identity.signed_in import browser_in_words


class PasskeyController(Controller):
    path = "/api/auth/passkeys"
    tags = ["auth"]

    @get("/")
    async def passkeys(self, db: DB, actor: Actor) -> list[PasskeyOut]:
        return await list_passkeys(db, actor)

    @post("/registration-options", status_code=200, opt={WHILE_AWAITING: ("enrolment",)})
    async def options(
        self, db: DB, actor: Actor, settings: AppSettings, now: Now
    ) -> dict[str, Any]:
        """`PublicKeyCredentialCreationOptions` for `navigator.credentials.create()`."""
        return await registration_options(db, actor, RelyingParty.of(settings.base_url), now)

    @post("/", status_code=201, opt={WHILE_AWAITING: ("enrolment",)})
    async def register(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PasskeyIn],
        db: DB,
        actor: Actor,
        settings: AppSettings,
        now: Now,
    ) -> Response[PasskeyOut]:
        """Keep the new passkey; a sign-in waiting for a second factor to be set up ends."""
        rp = RelyingParty.of(settings.base_url)
        name = (data.name or "").strip() or browser_in_words(request.headers.get("user-agent"))
        passkey = await register_passkey(db, actor, rp, data.credential.as_json(), name, now)
        cookies = await finish_sign_in(request, db, settings, actor, now)
        return Response(passkey, status_code=201, cookies=cookies)

    @delete("/{passkey_id:str}", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, passkey_id: FromPath[str], db: DB, actor: Actor, now: Now) -> None:
        await remove_passkey(db, actor, parse_id(passkey_id), now)

    @post("/sign-in-options", exclude_from_auth=True, status_code=200)
    async def sign_in_options(self, db: DB, settings: AppSettings, now: Now) -> dict[str, Any]:
        """`PublicKeyCredentialRequestOptions` for `navigator.credentials.get()`."""
        return await sign_in_options(db, RelyingParty.of(settings.base_url), now)

    @post("/sign-in", exclude_from_auth=True, status_code=200)
    async def sign_in(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PasskeySignInIn],
        db: DB,
        settings: AppSettings,
        now: Now,
    ) -> Response[UserOut]:
        """Sign in with a passkey alone: no password, and no code after it."""
        rp = RelyingParty.of(settings.base_url)
        ip = client_of(request, settings).ip
        user = await sign_in_with_passkey(db, rp, data.credential.as_json(), ip, now)
        return await signed_in(
            request, db, settings, SignedIn(user, None), now, with_password=False
        )

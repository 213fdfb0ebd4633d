"""Resolving the session cookie to a `Principal`, and the role guards.

Built on Litestar's `AbstractAuthenticationMiddleware`: routes that need no login opt out
with `exclude_from_auth=True`; every other route sees `request.user` as a `Principal`.

A session still awaiting a second factor or its enrolment opens only the routes that say
so in their `opt` (`WHILE_AWAITING`: the stages they serve); everything else is 401.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware

from api.core.principal import Principal
from api.identity.login_sessions import SESSION_COOKIE, resolve_login_session

NOT_SIGNED_IN = "Not signed in"
WHILE_AWAITING = "while_awaiting"
AWAITING_WORDS = {
    "second_factor": "Enter the code from your authenticator app to finish signing in",
    "enrolment": "Set up two-step sign-in to finish signing in",
}


class SessionAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        if not token:
            raise NotAuthorizedException(NOT_SIGNED_IN)
        state = connection.app.state
        principal = await resolve_login_session(state.db, token, state.clock.now())
        if principal is None:
            raise NotAuthorizedException("Your session has ended; sign in again")
        if principal.awaiting is not None:
            stages = connection.route_handler.opt.get(WHILE_AWAITING, ())
            if principal.awaiting not in stages:
                raise NotAuthorizedException(AWAITING_WORDS[principal.awaiting])
        return AuthenticationResult(user=principal, auth=token)


def auth_middleware() -> DefineMiddleware:
    return DefineMiddleware(
        SessionAuthMiddleware,
        exclude=["^/api/health$", "^/schema"],
        exclude_from_auth_key="exclude_from_auth",
        # Litestar skips OPTIONS by default; the role guards would then find no user and
        # answer 500. No CORS here, so OPTIONS is authenticated like every other method.
        exclude_http_methods=[],
    )


def practitioner_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    user = connection.user
    if not isinstance(user, Principal) or user.role != "practitioner":
        raise PermissionDeniedException("Only practitioners can use this")


def patient_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    user = connection.user
    if not isinstance(user, Principal) or user.patient_id is None:
        raise PermissionDeniedException("Only patients can use this")

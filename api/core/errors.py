"""Error types the services raise and the handlers that turn them into `{"detail": …}` bodies.

Validation failures are 422 and always name the field (`field`, plus `detail` in words).
Anything outside the caller's reach is the same 404 as a missing id, so ids never leak.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_410_GONE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

log = logging.getLogger(__name__)

NOT_FOUND_DETAIL = "Not found"


class AppError(Exception):
    status_code: int = HTTP_500_INTERNAL_SERVER_ERROR

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class NotFoundError(AppError):
    status_code = HTTP_404_NOT_FOUND

    def __init__(self) -> None:
        super().__init__(NOT_FOUND_DETAIL)


class FieldError(AppError):
    """A request that is well-formed JSON but breaks a rule about one field."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)


class ConflictError(AppError):
    status_code = HTTP_409_CONFLICT


class GoneError(AppError):
    status_code = HTTP_410_GONE


def _body(detail: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail}
    if field is not None:
        body["field"] = field
    body.update(extra)
    return body


def app_error_handler(_: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    return Response(
        _body(exc.detail, exc.field), status_code=exc.status_code, media_type=MediaType.JSON
    )


_PATH = re.compile(r"at `\$\.([A-Za-z0-9_.\[\]]+)`")


def field_from_msgspec(message: str) -> str | None:
    """`Expected int <= 10 - at $.pain` → `pain`; `Object contains unknown field `x`` → `x`."""
    if match := _PATH.search(message):
        return match.group(1)
    if match := re.search(r"unknown field `([^`]+)`", message):
        return match.group(1)
    if match := re.search(r"missing required field `([^`]+)`", message):
        return match.group(1)
    return None


def validation_error(exc: msgspec.ValidationError | msgspec.DecodeError) -> FieldError:
    message = str(exc)
    field = field_from_msgspec(message) or "body"
    text = _PATH.sub("", message).strip().rstrip("-").strip()
    return FieldError(field, text or "invalid value")


def _public_name(request: Request[Any, Any, Any], key: str) -> str:
    """Litestar names a parameter by its Python name (`date_from`); clients know its alias."""
    handler = request.scope.get("route_handler")
    parameter = handler.parsed_fn_signature.parameters.get(key) if handler else None
    alias = getattr(getattr(parameter, "kwarg_definition", None), "name", None)
    return alias if isinstance(alias, str) and alias else key


_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")


def _readable(message: str) -> str:
    """msgspec's words, but the control-character pattern said as a rule, not as a regex."""
    # Imported here: api.core.validation imports this module.
    from api.core.validation import CONTROL_CHARACTERS_RULE, NO_CONTROL_CHARACTERS

    return CONTROL_CHARACTERS_RULE if repr(NO_CONTROL_CHARACTERS) in message else message


def validation_exception_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    """Litestar's own parameter validation (path and query values), reshaped to our body."""
    errors = exc.extra if isinstance(exc.extra, list) else []
    field = "body"
    detail = str(exc.detail)
    for error in errors:
        if isinstance(error, dict) and error.get("key") == "data":
            # A JSON body fails here only when there is none (a body that is there is
            # decoded, and refused, by `api.core.body`); a form (a photo upload) when one
            # of its fields is missing.
            missing = _MISSING_FIELD.search(str(error.get("message", "")))
            if missing:
                field = missing.group(1)
                detail = f"{field}: is required"
            else:
                detail = "body: a JSON body is required"
            break
        if isinstance(error, dict) and error.get("key"):
            field = _public_name(request, str(error["key"]))
            detail = f"{field}: {_readable(str(error.get('message', 'invalid value')))}"
            break
    return Response(
        _body(detail, field), status_code=HTTP_422_UNPROCESSABLE_ENTITY, media_type=MediaType.JSON
    )


def http_exception_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == HTTP_400_BAD_REQUEST:
        # Litestar's own "bad request" is a body it could not parse (a broken multipart
        # form): the same 422 naming `body` as a malformed JSON body.
        return Response(
            _body(f"body: {exc.detail}", "body"),
            status_code=HTTP_422_UNPROCESSABLE_ENTITY,
            media_type=MediaType.JSON,
        )
    return Response(
        _body(str(exc.detail)),
        status_code=exc.status_code,
        headers=exc.headers,
        media_type=MediaType.JSON,
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, HTTPException) and "client disconnected" in str(exc.detail):
        # The client went away mid-body (a closed tab, a load tester stopping): nobody to
        # answer and nothing wrong with the server, so no traceback.
        log.info("client disconnected during %s %s", request.method, request.url.path)
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response(
        _body("Internal server error"),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    AppError: app_error_handler,
    ValidationException: validation_exception_handler,
    HTTPException: http_exception_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error_handler,
}

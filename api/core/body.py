"""Strict request-body decoding.

Litestar converts bodies with msgspec's lax mode, which would accept `"7"` for an integer
score. Afterline decodes bodies itself in strict mode, so a wrong type is a 422 naming the
field, and structs declare `forbid_unknown_fields` so a misspelt field is never dropped.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request

from api.core.errors import FieldError, validation_error

T = TypeVar("T")


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base for request bodies: unknown fields are rejected, never silently ignored."""


def decode_as(raw: bytes, type_: type[T]) -> T:
    if not raw.strip():
        raise FieldError("body", "a JSON body is required")
    try:
        return msgspec.json.decode(raw, type=type_, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise validation_error(exc) from exc


async def read_body(request: Request[Any, Any, Any], type_: type[T]) -> T:
    return decode_as(await request.body(), type_)

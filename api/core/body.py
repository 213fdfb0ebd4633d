"""Strict request-body decoding: every body is checked here before any service sees it.

Litestar converts bodies with msgspec's lax mode, which would accept `"7"` for an integer
score. Afterline decodes bodies itself in strict mode, so a wrong type is a 422 naming the
field, and structs declare `forbid_unknown_fields` so a misspelt field is never dropped.

Two more things are refused here, once for every route rather than field by field:
- bytes that are not UTF-8 (msgspec raises `UnicodeDecodeError`, not one of its own errors,
  for a bad byte inside a string): the same 422 naming `body` as any other malformed JSON;
- control characters in any string, however deeply nested (see `refuse_control_characters`).
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request

from api.core.errors import FieldError, validation_error
from api.core.validation import check_no_control_characters

T = TypeVar("T")


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base for request bodies: unknown fields are rejected, never silently ignored."""


def decode_as(raw: bytes, type_: type[T]) -> T:
    if not raw.strip():
        raise FieldError("body", "a JSON body is required")
    try:
        decoded = msgspec.json.decode(raw, type=type_, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise validation_error(exc) from exc
    except UnicodeDecodeError as exc:
        raise FieldError("body", "is not valid UTF-8 text") from exc
    refuse_control_characters(decoded)
    return decoded


def refuse_control_characters(value: Any, path: str = "") -> None:
    """A 422 naming the first string in `value` (a decoded body) that holds a control character.

    Walks structs, lists and dicts, naming the place as msgspec does (`note`, `areas[1]`,
    `keys.auth`). Done after decoding, so it sees every string whatever its field's type,
    including fields added later; only tab, line feed and carriage return are allowed
    (see `api.core.validation.CONTROL_CHARACTER`).
    """
    if isinstance(value, str):
        check_no_control_characters(value, path or "body")
    elif isinstance(value, msgspec.Struct):
        names = zip(value.__struct_fields__, value.__struct_encode_fields__, strict=True)
        for attribute, name in names:
            refuse_control_characters(getattr(value, attribute), _join(path, name))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            refuse_control_characters(item, f"{path or 'body'}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_control_characters(key, path or "body")
            refuse_control_characters(item, _join(path, str(key)))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


async def read_body(request: Request[Any, Any, Any], type_: type[T]) -> T:
    return decode_as(await request.body(), type_)

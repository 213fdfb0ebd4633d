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

from collections.abc import Generator
from typing import Any, TypeVar, get_args

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.dto import AbstractDTO
from litestar.dto.data_structures import DTOFieldDefinition
from litestar.openapi.spec import Reference, Schema
from litestar.plugins import SerializationPlugin
from litestar.typing import FieldDefinition

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
    except RecursionError as exc:  # msgspec skips an ignored member by parsing it all
        raise FieldError("body", "is nested too deeply") from exc
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


class StrictBody(AbstractDTO[T]):
    """A handler's `data: SomeStrict` decoded by `decode_as`, and described in `/schema`.

    Litestar's own decoding of a struct is lax (see the module docstring). A data DTO is its
    hook for taking the bytes over, and the one that keeps the request body in the OpenAPI
    description: so handlers declare `data: CheckinIn` like any Litestar handler, and get
    the strict decoding and the `{"detail", "field"}` 422 of every other body.
    """

    @classmethod
    def create_for_field_definition(
        cls, field_definition: FieldDefinition, handler_id: str, backend_cls: Any = None
    ) -> None:
        """Nothing to prepare: no transfer model, the struct is decoded as it is."""

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: Any
    ) -> Reference | Schema:
        schema: Reference | Schema = schema_creator.for_field_definition(
            FieldDefinition.from_annotation(cls.model_type)
        )
        return schema

    def decode_bytes(self, value: bytes) -> Any:
        # An empty body never gets here: Litestar answers it with the parameter's default
        # (`data: JSONBody[X | None] = None` for an optional body), or a 422 naming `body`.
        # A blank one (whitespace) is read the same way.
        if not value.strip() and type(None) in get_args(self.model_type):
            return None
        return decode_as(value, self.model_type)

    def decode_builtins(self, value: dict[str, Any]) -> Any:
        raise FieldError("body", "must be a JSON body")

    def data_to_encodable_type(self, data: Any) -> Any:
        return data

    @classmethod
    def generate_field_definitions(
        cls, model_type: type[Any]
    ) -> Generator[DTOFieldDefinition, None, None]:
        yield from ()

    @classmethod
    def detect_nested_field(cls, field_definition: FieldDefinition) -> bool:
        return False


class StrictBodies(SerializationPlugin):
    """Every handler parameter typed as a `Strict` struct is decoded by `StrictBody`."""

    def supports_type(self, field_definition: FieldDefinition) -> bool:
        return not field_definition.is_union and field_definition.is_subclass_of(Strict)

    def create_dto_for_type(self, field_definition: FieldDefinition) -> type[AbstractDTO[Any]]:
        dto: type[AbstractDTO[Any]] = StrictBody.__class_getitem__(field_definition.annotation)
        return dto


class StrictSchemas(StructSchemaPlugin):
    """`/schema` says what `forbid_unknown_fields` does: no property beyond those listed."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return not field_definition.is_union and field_definition.is_subclass_of(Strict)

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        return schema

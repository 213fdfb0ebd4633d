"""Rows into response structs, by field name: no hand-written mapper per struct.

An ORM object and a Core row both carry their columns as attributes, so msgspec reads each
field of the struct from the attribute of the same name (`from_attributes`), checking its
type as it goes: a column renamed or retyped fails loudly here, not as a wrong answer.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def to_struct(type_: type[S], row: Any) -> S:
    """The `type_` struct of `row`'s columns (extra columns are ignored)."""
    return msgspec.convert(row, type_, from_attributes=True)

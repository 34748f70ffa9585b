"""Domain objects as plain data (stored documents, other services' answers) and back.

The store keeps a domain dataclass as a document of the same field names, nested
objects as nested documents: ids as strings, enums as their values, tuples as lists,
times as they are (the store keeps datetimes). Reading one back is the same by field
name, each value converted to its field's type:

    document = to_plain(draft)          # {"id": "…", "status": "open", "lines": [...]}
    draft = from_plain(Draft, document)  # keys the dataclass has no field for are ignored

A field added to a domain class is stored and read with it, with nothing to forget.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")


def to_plain(value: Any) -> Any:
    """`value` with every dataclass a dict, id a string, enum its value, tuple a list."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: to_plain(item) for key, item in value.items()}
    return value


def from_plain(cls: type[T], data: Mapping[str, Any]) -> T:
    """A `cls` (a dataclass) from `data` as `to_plain` writes it (or as a pydantic model
    dumps it): each value converted to its field's type."""
    adapter: TypeAdapter[T] | None = _adapters.get(cls)
    if adapter is None:
        adapter = _adapters[cls] = TypeAdapter(cls)
    return adapter.validate_python(data)


_adapters: dict[type[Any], TypeAdapter[Any]] = {}

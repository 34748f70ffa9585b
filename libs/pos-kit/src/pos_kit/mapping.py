"""Copying into a dataclass by field name: a row into a domain object, a fact from an item.

A repository reads a row and returns a domain dataclass; field by field, that is the
same dozen lines in every repository, and a field added to one side and forgotten on
the other. Here it is done by name, framework-free (a domain may use it too):

    order = build(Order, row, items=items)          # row -> domain, `items` given

The way back, a domain object's values for a row's columns, is
`pos_kit.repository.column_values`.

Enums are converted on the way (a stored "placed" becomes `OrderStatus.PLACED`, and
back); anything else that differs is passed as an override. Response schemas do the
same with pydantic's `from_attributes` (`pos_kit.schemas.ResponseModel`).
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from typing import Any, TypeVar, get_args, get_origin

T = TypeVar("T")


def build(cls: type[T], source: object, /, **overrides: Any) -> T:
    """A `cls` (a dataclass) from `source`'s attributes of the same names, `overrides` first.

    A field `source` lacks keeps its default; one without a default must be overridden.
    A field typed as an enum (or an optional one) gets its stored value converted.
    """
    values: dict[str, Any] = {}
    for field, enum_type in _fields(cls):
        if field.name in overrides:
            continue
        if not hasattr(source, field.name):
            if (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            ):
                raise TypeError(f"{type(source).__name__} has no {field.name} for {cls.__name__}")
            continue
        value = getattr(source, field.name)
        if enum_type is not None and value is not None and not isinstance(value, enum_type):
            value = enum_type(value)
        values[field.name] = value
    return cls(**values, **overrides)


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


_FieldsOf = tuple[tuple[dataclasses.Field[Any], type[enum.Enum] | None], ...]
_fields_of: dict[type[Any], _FieldsOf] = {}


def _fields(cls: type[Any]) -> _FieldsOf:
    """The init fields of a dataclass, each with its enum type if it has one (read once)."""
    found = _fields_of.get(cls)
    if found is None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} is not a dataclass")
        hints = typing.get_type_hints(cls)
        found = _fields_of[cls] = tuple(
            (field, _enum_in(hints.get(field.name)))
            for field in dataclasses.fields(cls)
            if field.init
        )
    return found


def _enum_in(hint: Any) -> type[enum.Enum] | None:
    """The enum type of an annotation `E` or `E | None`, else None."""
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if get_origin(hint) in (typing.Union, types.UnionType):
        found = [a for a in get_args(hint) if isinstance(a, type) and issubclass(a, enum.Enum)]
        return found[0] if len(found) == 1 else None
    return None

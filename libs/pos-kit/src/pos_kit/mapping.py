"""Copying between a service's layers by field name: a row into a domain object, and back.

A repository reads a row and returns a domain dataclass, and writes a dataclass's state
into a row; field by field, that is the same dozen lines in every repository, and a
field added to one side and forgotten on the other. Here it is done by name:

    order = build(Order, row, items=items)          # row -> domain, `items` given
    values = column_values(order, OrderRow)         # domain -> the columns it fills

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

from sqlalchemy import Table, inspect

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


def column_values(
    source: object, model: type[Any] | Table, /, *, exclude: tuple[str, ...] = (), **overrides: Any
) -> dict[str, Any]:
    """The values for `model`'s columns that `source` has attributes for (enums as values)."""
    names = _column_names(model)
    values = {
        name: _stored(getattr(source, name))
        for name in names
        if name not in exclude and name not in overrides and hasattr(source, name)
    }
    unknown = set(overrides) - set(names)
    if unknown:
        raise TypeError(f"{sorted(unknown)} are not columns of {_model_name(model)}")
    return {**values, **overrides}


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _stored(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


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


def _column_names(model: type[Any] | Table) -> tuple[str, ...]:
    if isinstance(model, Table):
        return tuple(column.key for column in model.columns)
    return tuple(attribute.key for attribute in inspect(model).column_attrs)


def _model_name(model: type[Any] | Table) -> str:
    return model.name if isinstance(model, Table) else model.__name__

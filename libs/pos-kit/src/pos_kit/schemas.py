"""Bases for a service's schemas: what a client may send, and how answers are built.

Services derive their request bodies from `RequestModel`: each of its fields, however
nested (lists, dicts and their keys, inner models), is checked after validation, and
text the database would refuse (see `pos_kit.text`) answers 422 naming the field,
instead of a 500 from the driver. Free-text query parameters use `StorableStr`.

Answers derive from `ResponseModel`, built from a domain object by field name:
`OrderOut.model_validate(order)`, nested objects included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from pos_kit.text import storable_text_problem

NOT_STORABLE = "text_not_storable"


def _refuse_unstorable(value: Any) -> Any:
    problem = _first_problem(value)
    if problem is not None:
        raise PydanticCustomError(NOT_STORABLE, "Text {problem}", {"problem": problem})
    return value


def _first_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return storable_text_problem(value)
    if isinstance(value, BaseModel):
        return _first_problem(list(value.__dict__.values()))
    if isinstance(value, Mapping):
        return _first_problem([*value.keys(), *value.values()])
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            problem = _first_problem(item)
            if problem is not None:
                return problem
    return None


StorableStr = Annotated[str, AfterValidator(_refuse_unstorable)]


class RequestModel(BaseModel):
    """A request body whose every string, at any depth, can be stored."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _refuse_unstorable(value)


class ResponseModel(BaseModel):
    """An answer, read from a domain object's attributes of the same names."""

    model_config = ConfigDict(from_attributes=True)

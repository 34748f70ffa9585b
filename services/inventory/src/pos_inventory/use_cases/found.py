"""The one answer to a lookup that found nothing: 404."""

from __future__ import annotations

from typing import TypeVar

from pos_kit.errors import NotFound

T = TypeVar("T")


def found(item: T | None, what: str) -> T:
    """`item`, or NotFound ("No such `what`.") when the repository found none."""
    if item is None:
        raise NotFound(f"No such {what}.")
    return item

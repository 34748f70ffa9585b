"""Opaque list cursors for each list: the position of the last item of a page."""

from __future__ import annotations

import uuid
from datetime import datetime

from pos_kit.pagination import decode_cursor, encode_cursor
from pos_kit.problems import BadRequest

_FOREIGN = "The cursor is not one this list handed out."


def _position(cursor: str | None) -> tuple[object, uuid.UUID] | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    try:
        return position["k"], uuid.UUID(position["i"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadRequest(_FOREIGN) from exc


def encode(key: int | str | datetime, item_id: uuid.UUID) -> str:
    value = key.isoformat() if isinstance(key, datetime) else key
    return encode_cursor({"k": value, "i": str(item_id)})


def int_position(cursor: str | None) -> tuple[int, uuid.UUID] | None:
    found = _position(cursor)
    if found is None:
        return None
    key, item_id = found
    if not isinstance(key, int) or isinstance(key, bool):
        raise BadRequest(_FOREIGN)
    return key, item_id


def str_position(cursor: str | None) -> tuple[str, uuid.UUID] | None:
    found = _position(cursor)
    if found is None:
        return None
    key, item_id = found
    if not isinstance(key, str):
        raise BadRequest(_FOREIGN)
    return key, item_id


def time_position(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    found = _position(cursor)
    if found is None:
        return None
    key, item_id = found
    try:
        moment = datetime.fromisoformat(str(key))
    except ValueError as exc:
        raise BadRequest(_FOREIGN) from exc
    if moment.tzinfo is None:
        raise BadRequest(_FOREIGN)
    return moment, item_id

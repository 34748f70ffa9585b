"""List pages: `limit` (at most 100) and an opaque cursor holding the last row's (time, id)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Query

from pos_kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_cursor, encode_cursor
from pos_kit.problems import BadRequest

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=500)]
DEFAULT_LIMIT = DEFAULT_PAGE_SIZE


def position_after(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    try:
        return datetime.fromisoformat(position["t"]), uuid.UUID(position["i"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRequest("The cursor is not one this service handed out.") from exc


def next_cursor(last: tuple[datetime | None, uuid.UUID] | None, more: bool) -> str | None:
    if not more or last is None or last[0] is None:
        return None
    return encode_cursor({"t": last[0].isoformat(), "i": str(last[1])})

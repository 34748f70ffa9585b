"""Lists, one way everywhere: `limit` (1 to 100, default 50) and an opaque keyset cursor.

A list is ordered by a key that ends in the row's id, so that no two rows tie
(`created_at, id` newest first; `name, id` A to Z). Its `Keyset` names the kinds of
that key's parts; a page's cursor is the key of its last item, and the next page
starts after it. Keyset pages stay fast however deep a client reads, and a row added
or removed meanwhile never makes a page repeat or skip another.

- The router takes `page: PageRequest = Depends(page_request(KEYSET))` and answers
  a `Page[ItemOut]` subclass built with `Page.build(...)`.
- The repository reads `page.limit` rows after `page.after` with
  `Repository.keyset_page(...)` and returns a `Slice`: the rows and the key to go on from.

The cursor is base64url JSON of `{"v": 1, "k": [...]}` and a signature of it (HMAC
with the service's key, `ServiceSettings.cursor_key`, taken from the request's
context). Clients must treat it as opaque; this module refuses with 400 anything it
did not issue: a missing or wrong signature, then (should a key ever leak) bad
base64 or JSON, another version, the wrong number or kinds of parts, a time without
a zone or beyond what the database stores, an integer beyond 64 bits, text the
database cannot store.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Self, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from pos_kit import context
from pos_kit.errors import BadRequest
from pos_kit.text import storable_text_problem

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
MAX_CURSOR_LENGTH = 500
CURSOR_VERSION = 1
_INT64 = (-(2**63), 2**63 - 1)

T = TypeVar("T")
R = TypeVar("R")

KeyPart = type[datetime] | type[int] | type[str] | type[uuid.UUID]
Position = tuple[Any, ...]


class ForeignCursor(BadRequest):
    type_slug = "invalid-cursor"
    title = "Invalid cursor"

    def __init__(self, why: str) -> None:
        super().__init__(
            f"The cursor is not one this list handed out ({why}). "
            "Start again without a cursor, then follow next_cursor."
        )


class Keyset:
    """The kinds of the parts of a list's sort key, e.g. `Keyset(datetime, uuid.UUID)`."""

    def __init__(self, *parts: KeyPart) -> None:
        if not parts:
            raise ValueError("a keyset has at least one part (the id)")
        for part in parts:
            if part not in _DECODERS:
                raise ValueError(f"a keyset part is datetime, int, str or UUID, not {part!r}")
        self.parts = parts

    def encode(self, position: Position) -> str:
        if len(position) != len(self.parts):
            raise ValueError(f"a position of {len(self.parts)} parts, got {position!r}")
        values = [_encode_part(value) for value in position]
        raw = json.dumps({"v": CURSOR_VERSION, "k": values}, separators=(",", ":")).encode()
        body = _b64(raw)
        return f"{body}.{_signature(body)}"

    def decode(self, cursor: str | None) -> Position | None:
        """The position a cursor holds, or None without one; 400 for anything foreign."""
        if not cursor:
            return None
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ForeignCursor("too long")
        encoded, _, signature = cursor.rpartition(".")
        if not hmac.compare_digest(signature.encode(), _signature(encoded).encode()):
            raise ForeignCursor("not signed by this service")
        try:
            padded = encoded + "=" * (-len(encoded) % 4)
            body = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        except (binascii.Error, ValueError, UnicodeError) as exc:
            raise ForeignCursor("not base64url JSON") from exc
        if not isinstance(body, dict) or body.get("v") != CURSOR_VERSION:
            raise ForeignCursor("unknown format")
        values = body.get("k")
        if not isinstance(values, list) or len(values) != len(self.parts):
            raise ForeignCursor("wrong shape")
        return tuple(_DECODERS[part](value) for part, value in zip(self.parts, values, strict=True))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _signature(body: str) -> str:
    ctx = context.current()
    key = ctx.cursor_key if ctx is not None else b""
    return _b64(hmac.new(key, body.encode("ascii", "replace"), hashlib.sha256).digest()[:16])


def _encode_part(value: Any) -> Any:
    if value is None:
        # A list keyed on a column that may be NULL cannot be resumed after that row.
        raise ValueError("a keyset part is never None: key lists on non-null columns")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a keyset time must be aware (UTCDateTime columns give UTC)")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _decode_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ForeignCursor("a time is not text")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ForeignCursor("not a time") from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ForeignCursor("a time without a zone")
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:  # year 1 east of UTC, year 9999 west of it
        raise ForeignCursor("a time out of range") from exc


def _decode_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ForeignCursor("not a whole number")
    if not _INT64[0] <= value <= _INT64[1]:
        raise ForeignCursor("a number out of range")
    return value


def _decode_str(value: Any) -> str:
    if not isinstance(value, str):
        raise ForeignCursor("not text")
    if storable_text_problem(value):
        raise ForeignCursor("text the database cannot hold")
    return value


def _decode_uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str):
        raise ForeignCursor("an id is not text")
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise ForeignCursor("not an id") from exc


_DECODERS: dict[Any, Callable[[Any], Any]] = {
    datetime: _decode_datetime,
    int: _decode_int,
    str: _decode_str,
    uuid.UUID: _decode_uuid,
}


@dataclass(frozen=True)
class PageRequest:
    """One page's worth: at most `limit` items, after the position `after` (None: from the top)."""

    limit: int = DEFAULT_PAGE_SIZE
    after: Position | None = None


@dataclass(frozen=True)
class Slice(Generic[R]):
    """What a repository answers for a page: its rows, and where the next page starts."""

    items: list[R]
    next_after: Position | None = None

    def map(self, convert: Callable[[R], T]) -> Slice[T]:
        return Slice([convert(item) for item in self.items], self.next_after)


Limit = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}."),
]
Cursor = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_LENGTH,
        description="The `next_cursor` of the previous page; omit for the first page.",
    ),
]


def page_request(keyset: Keyset) -> Callable[[int, str | None], Awaitable[PageRequest]]:
    """A dependency reading `limit` and `cursor` for a list ordered by `keyset`."""

    # async: FastAPI would run a plain `def` in a worker thread.
    async def read(limit: Limit = DEFAULT_PAGE_SIZE, cursor: Cursor = None) -> PageRequest:
        return PageRequest(limit=limit, after=keyset.decode(cursor))

    return read


class Page(BaseModel, Generic[T]):
    """A page of a list; `next_cursor` is null on the last page."""

    items: list[T]
    # Required, though it may be null: every answer carries it, and the schema says so.
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )

    @classmethod
    def build(cls, found: Slice[R], keyset: Keyset, item: Callable[[R], T], **extra: Any) -> Self:
        next_cursor = keyset.encode(found.next_after) if found.next_after is not None else None
        return cls(items=[item(i) for i in found.items], next_cursor=next_cursor, **extra)

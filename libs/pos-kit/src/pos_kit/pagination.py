"""Opaque list cursors: `limit` (at most 100) and a cursor the client hands back unread."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pos_kit.problems import BadRequest

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("The cursor is not one this service handed out.") from exc
    if not isinstance(value, dict):
        raise BadRequest("The cursor is not one this service handed out.")
    return value

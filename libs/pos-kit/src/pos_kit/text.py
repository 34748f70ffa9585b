"""Text the databases can store: PostgreSQL refuses NUL characters and lone surrogates.

A client can send both in JSON (`"\\u0000"`, `"\\ud800"`); left unchecked they reach the
database driver and turn a client's mistake into a 500. The request schemas
(`pos_kit.schemas`) and the list cursors (`pos_kit.pagination`) refuse them first.
"""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text_problem(value: str) -> str | None:
    """Why `value` cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000), which cannot be stored"
    return "contains a lone surrogate (\\ud800-\\udfff), which is not valid Unicode text"

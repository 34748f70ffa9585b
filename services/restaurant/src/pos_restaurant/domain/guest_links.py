"""A table's guest link: the address a guest opens to talk to the menu assistant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


def check_guest_link_base_url(value: str) -> str:
    """The guest page's address; the token is put after it as `#token=...`."""
    if not value.startswith(("http://", "https://")) or "#" in value:
        raise ValueError("must be an http(s) address without a '#' fragment")
    return value


@dataclass(frozen=True)
class GuestLink:
    table_id: uuid.UUID
    token: str
    expires_at: datetime
    url: str

    @classmethod
    def for_table(
        cls, table_id: uuid.UUID, *, token: str, expires_at: datetime, base_url: str
    ) -> GuestLink:
        # The token rides in the fragment: a browser never sends a fragment to any
        # server, so the token stays out of every access log and proxy on the way.
        return cls(table_id, token, expires_at, f"{base_url}#token={token}")

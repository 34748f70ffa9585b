"""Guests at a table: who a guest token speaks for, and for how long."""

from __future__ import annotations

import uuid

GUEST_ROLE = "guest"
# The scope a service account needs to issue guest tokens (the restaurant service,
# for its tables' guest links), in a token bound to the restaurant.
GUESTS_ISSUE_SCOPE = "guests:issue"
# A guest link lasts a visit, never a day: a forgotten link dies with the evening.
MAX_GUEST_TOKEN_TTL_SECONDS = 12 * 3600
MIN_GUEST_TOKEN_TTL_SECONDS = 60


def new_guest_subject() -> str:
    """A guest identity of its own for every link, so the next party at the table (a new
    link) cannot read what the previous one wrote."""
    return f"guest:{uuid.uuid4()}"

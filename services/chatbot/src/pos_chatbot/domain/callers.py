"""Who is asking: a guest at a table (a guest token) or a member of staff, and what each may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

GUEST_ROLE = "guest"
STAFF_ROLES = frozenset({"owner", "manager", "cashier", "waiter", "kitchen"})
# Who turns a guest's draft into an order: the roles that take orders at pos-core.
DRAFT_ACCEPTORS = frozenset({"owner", "manager", "cashier", "waiter"})
# Who sets how long the restaurant keeps conversations.
RETENTION_MANAGERS = frozenset({"owner", "manager"})


class Party(StrEnum):
    """Who opened a conversation."""

    GUEST = "guest"
    STAFF = "staff"


@dataclass(frozen=True)
class Caller:
    """The verified caller; every field comes from the token, never from the request."""

    tenant_id: uuid.UUID
    subject: str
    role: str
    table_id: uuid.UUID | None = None
    # The caller's own token, for the calls made on their behalf (staff accepting a
    # draft: pos-core opens the order as them).
    token: str = ""

    @property
    def party(self) -> Party:
        return Party.GUEST if self.role == GUEST_ROLE else Party.STAFF

    @property
    def is_guest(self) -> bool:
        return self.party is Party.GUEST

    @property
    def limit_key(self) -> str:
        """Whose share of the assistant a request uses: a guest's link, or one staff login."""
        return f"{self.tenant_id}:{self.subject}"

"""A staff login: who may deactivate it and when it may sign in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pos_auth.domain.roles import Role, ensure_may_manage
from pos_kit.errors import Conflict


@dataclass
class User:
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    full_name: str
    role: Role
    password_hash: str
    is_active: bool
    created_at: datetime
    deactivated_at: datetime | None = None

    def deactivate(self, *, by: User | None, now: datetime) -> None:
        """`by` None: a service account acting for the restaurant."""
        if by is not None and by.id == self.id:
            raise Conflict("You cannot deactivate your own login; ask another owner.")
        ensure_may_manage(by.role if by else None, self.role)
        if not self.is_active:
            raise Conflict("This login is already deactivated.")
        self.is_active = False
        self.deactivated_at = now


def normalise_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively; we store them lower-cased."""
    return email.strip().lower()

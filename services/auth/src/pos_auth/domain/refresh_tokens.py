"""Refresh-token families: each refresh rotates the token; a replayed one burns the family."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class RefreshVerdict(Enum):
    ROTATE = "rotate"
    REUSED = "reused"  # used or revoked before: someone replays a stolen token
    EXPIRED = "expired"


@dataclass
class RefreshToken:
    id: uuid.UUID
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    family_id: uuid.UUID
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None

    def judge(self, now: datetime) -> RefreshVerdict:
        if self.used_at is not None or self.revoked_at is not None:
            return RefreshVerdict.REUSED
        if now >= self.expires_at:
            return RefreshVerdict.EXPIRED
        return RefreshVerdict.ROTATE

"""What inventory keeps of each restaurant's profile: the currency its menu is priced in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileCopy:
    """inventory's copy of one restaurant's profile, as of the profile's `version`.

    The restaurant service owns the profile; every change raises its version by one, and
    a copy only ever moves to a higher version (events can arrive out of order).
    """

    tenant_id: uuid.UUID
    currency: str
    version: int

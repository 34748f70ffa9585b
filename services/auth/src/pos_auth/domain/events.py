"""The events auth records: their types and the data each carries (docs/events.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pos_auth.domain.users import User

TENANT_REGISTERED = "tenant.registered"
USER_CREATED = "user.created"
USER_DEACTIVATED = "user.deactivated"


def tenant_registered(
    *, tenant_id: uuid.UUID, restaurant_name: str, owner: User, at: datetime
) -> dict[str, Any]:
    return {
        "tenant_id": str(tenant_id),
        "restaurant_name": restaurant_name,
        "owner_user_id": str(owner.id),
        "owner_email": owner.email,
        "owner_full_name": owner.full_name,
        "registered_at": at.isoformat(),
    }


def user_created(user: User) -> dict[str, Any]:
    return {
        "user_id": str(user.id),
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role.value,
    }


def user_deactivated(user: User, *, at: datetime) -> dict[str, Any]:
    return {"user_id": str(user.id), "deactivated_at": at.isoformat()}

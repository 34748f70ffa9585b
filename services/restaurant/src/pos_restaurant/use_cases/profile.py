"""The restaurant profile: opened at sign-up, read by all staff, edited by owner or manager.

Its opening and every edit are announced as `restaurant.profile_changed` through the
outbox, in the same transaction: receipts (pos-core) and menu prices (inventory)
take the restaurant's name, currency and time zone from their copy of it, and the
payment settings go to the payment service (cash rounding, whether waiters take
payments) and pos-core (whether a paid dine-in order closes at once).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import structlog

from pos_kit.clock import utcnow
from pos_kit.uow import UnitOfWork
from pos_restaurant.adapters.repositories import ProfileRepository, StaffRepository
from pos_restaurant.adapters.tables import outbox
from pos_restaurant.domain.errors import ProfileNotReady
from pos_restaurant.domain.events import PROFILE_CHANGED, profile_changed
from pos_restaurant.domain.profile import RestaurantProfile
from pos_restaurant.domain.staff import Login, Role, StaffMember

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ProfileDefaults:
    """What a new restaurant starts with until its owner says otherwise."""

    currency: str
    timezone: str
    default_tax_rate_bps: int


@dataclass(frozen=True)
class Owner:
    """The owner auth registered with the restaurant."""

    auth_user_id: uuid.UUID
    email: str
    full_name: str


@dataclass
class Profiles:
    defaults: ProfileDefaults

    async def welcome(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        restaurant_name: str,
        owner: Owner | None,
    ) -> None:
        """A restaurant signed up: open its profile and list its owner as staff.

        Each part is skipped if it exists already, so a second `tenant.registered`
        for the same restaurant changes nothing (and announces nothing).
        """
        now = utcnow()
        profile = RestaurantProfile.open(
            tenant_id=tenant_id,
            name=restaurant_name,
            currency=self.defaults.currency,
            timezone=self.defaults.timezone,
            default_tax_rate_bps=self.defaults.default_tax_rate_bps,
            now=now,
        )
        if await ProfileRepository(uow.session).open(profile):
            await outbox.record_event(
                uow, type=PROFILE_CHANGED, data=profile_changed(profile), tenant_id=tenant_id
            )
            log.info("restaurant_profile_opened")
        if owner is not None:
            await StaffRepository(uow.session).add_once(
                StaffMember.hire(
                    tenant_id=tenant_id,
                    full_name=owner.full_name,
                    role=Role.OWNER,
                    phone=None,
                    email=owner.email,
                    login=Login(user_id=owner.auth_user_id, email=owner.email),
                    now=now,
                )
            )

    async def get(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, for_update: bool = False
    ) -> RestaurantProfile:
        """`for_update` locks the profile until the transaction ends."""
        profile = await ProfileRepository(uow.session).get(tenant_id, for_update=for_update)
        if profile is None:
            raise ProfileNotReady()
        return profile

    async def edit(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, changes: dict[str, Any]
    ) -> RestaurantProfile:
        """`changes` holds only the fields the caller sent; None clears an optional one.

        The row stays locked until the commit, so two edits at once take turns and
        each announces its own version.
        """
        profile = await self.get(uow, tenant_id=tenant_id, for_update=True)
        profile.edit(now=utcnow(), **changes)
        await ProfileRepository(uow.session).save(profile)
        await outbox.record_event(
            uow, type=PROFILE_CHANGED, data=profile_changed(profile), tenant_id=tenant_id
        )
        return profile

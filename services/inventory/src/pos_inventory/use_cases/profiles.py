"""The copy of each restaurant's profile: kept up by restaurant's events, caught up when empty."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import structlog

from pos_inventory.adapters.repositories import ProfileCopyRepository
from pos_inventory.adapters.restaurant import RestaurantClient
from pos_inventory.domain.errors import MenuCurrencyUnknown
from pos_inventory.domain.profiles import ProfileCopy
from pos_kit.http import DownstreamError
from pos_kit.uow import UnitOfWork

log = structlog.get_logger(__name__)


@dataclass
class RestaurantProfiles:
    restaurant: RestaurantClient

    async def copy(self, uow: UnitOfWork, *, profile: ProfileCopy) -> None:
        """Keep `profile` if it is newer than the copy (a redelivered or late event is not)."""
        if await ProfileCopyRepository(uow.session).keep_newer(profile):
            log.info("profile_copied", version=profile.version)
        else:
            log.info("profile_copy_already_as_new", version=profile.version)

    async def menu_currency(self, uow: UnitOfWork, *, tenant_id: uuid.UUID, token: str) -> str:
        """The currency of the restaurant's profile, for a new menu item that names none.

        From the copy; while it lacks the restaurant (its events have not arrived yet),
        from restaurant itself, asked with the caller's token, and copied for next time.
        Each read is a step of its own: no transaction stays open while restaurant answers.
        """
        profiles = ProfileCopyRepository(uow.session)
        async with uow.step():
            known = await profiles.get(tenant_id=tenant_id)
        if known is not None:
            return known.currency
        try:
            fetched = await self.restaurant.profile(tenant_id=tenant_id, token=token)
        except DownstreamError as exc:
            raise MenuCurrencyUnknown(retry_after_seconds=exc.retry_after_seconds) from exc
        async with uow.step():
            await self.copy(uow, profile=fetched)
        return fetched.currency

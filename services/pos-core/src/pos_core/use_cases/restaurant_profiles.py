"""Each restaurant's profile as receipts show it: pos-core's copy, and catching it up.

The copy is fed by `restaurant.profile_changed` and keeps the highest version it saw.
When it has nothing for a restaurant yet (pos-core started after the event, or the
event is still on its way), the restaurant service is asked once, on the caller's
behalf, and what it answers is kept. A receipt never fails for want of a profile:
with neither the copy nor the restaurant service, it prints under a neutral heading.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import structlog

from pos_core.adapters.repositories import RestaurantProfileRepository
from pos_core.adapters.restaurant import RestaurantClient
from pos_core.domain.errors import RestaurantProfileUnavailable
from pos_core.domain.restaurant_profile import NEUTRAL_PROFILE, RestaurantProfile
from pos_core.use_cases.caller import Caller
from pos_kit.uow import UnitOfWork

log = structlog.get_logger(__name__)


@dataclass
class RestaurantProfiles:
    restaurant: RestaurantClient

    async def record(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, profile: RestaurantProfile
    ) -> None:
        """Keep `profile` unless the copy is as new already (events may come out of order)."""
        kept = await RestaurantProfileRepository(uow.session).keep_if_newer(tenant_id, profile)
        log.info("restaurant_profile_recorded", version=profile.version, kept=kept)

    async def catch_up(self, uow: UnitOfWork, *, caller: Caller) -> RestaurantProfile:
        """The profile from the restaurant service, kept; a neutral one if it cannot say.

        Call it with no transaction open: it waits for the restaurant service first.
        """
        try:
            profile = await self.restaurant.profile(token=caller.token)
        except RestaurantProfileUnavailable as exc:
            log.warning("restaurant_profile_unavailable", reason=str(exc))
            return NEUTRAL_PROFILE
        if profile is None:
            log.warning("restaurant_profile_unknown", reason="the restaurant service has none")
            return NEUTRAL_PROFILE
        async with uow.step():
            await self.record(uow, tenant_id=caller.tenant_id, profile=profile)
        return profile

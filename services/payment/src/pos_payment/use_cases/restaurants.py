"""The copy of each restaurant's settings, kept up to date by restaurant's events."""

from __future__ import annotations

import structlog

from pos_kit.uow import UnitOfWork
from pos_payment.adapters.repositories import RestaurantSettingsRepository
from pos_payment.domain.restaurants import RestaurantSettings

log = structlog.get_logger(__name__)


class RestaurantSettingsCopy:
    async def copy(self, uow: UnitOfWork, *, settings: RestaurantSettings) -> None:
        """Keep `settings` if newer than the copy (a redelivered or late event is not)."""
        if await RestaurantSettingsRepository(uow.session).keep_newer(settings):
            log.info("restaurant_settings_copied", version=settings.version)
        else:
            log.info("restaurant_settings_already_as_new", version=settings.version)

"""pos-core's app: wiring of settings, database, inventory client, use cases, relay and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from pos_core.adapters.inventory import InventoryClient
from pos_core.adapters.restaurants import SettingsRestaurantProfiles
from pos_core.adapters.tables import outbox
from pos_core.api.dependencies import CoreServices
from pos_core.api.routes import router
from pos_core.config import CoreSettings
from pos_core.services.lifecycle import OrderLifecycle
from pos_core.services.orders import OrderTaking
from pos_core.services.receipts import Receipts
from pos_kit.app import create_service_app
from pos_kit.db import Database
from pos_kit.events.relay import OutboxRelay
from pos_kit.tokens import TokenVerifier, remote_verifier


def create_app(
    settings: CoreSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    """The app; tests pass a `token_verifier` that trusts their own signing key."""
    settings = settings or CoreSettings()
    database = Database(settings.database_url)
    relay = OutboxRelay(
        database,
        outbox,
        nats_url=settings.nats_url,
        retention=timedelta(hours=settings.outbox_retention_hours),
    )
    verifier = token_verifier or remote_verifier(
        jwks_url=settings.jwks_url,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        cache_seconds=settings.jwks_cache_seconds,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        inventory = InventoryClient.from_settings(settings)
        app.state.database = database
        app.state.outbox_relay = relay
        app.state.token_verifier = verifier
        app.state.core_services = CoreServices(
            taking=OrderTaking(inventory=inventory),
            lifecycle=OrderLifecycle(
                database=database,
                inventory=inventory,
                placing_lease=timedelta(seconds=settings.placing_lease_seconds),
                events_committed=relay.notify,
            ),
            receipts=Receipts(restaurants=SettingsRestaurantProfiles(settings)),
        )
        await relay.start()
        try:
            yield
        finally:
            await relay.stop()
            await inventory.aclose()
            await database.dispose()

    # Inventory is deliberately not a readiness check: orders can still be read, and
    # placing answers 503 on its own, while inventory is away.
    return create_service_app(
        settings=settings,
        title="POS core",
        routers=[router],
        readiness={"database": database.ping, "nats": relay.ping},
        lifespan=lifespan,
    )

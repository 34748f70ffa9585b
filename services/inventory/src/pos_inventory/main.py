"""inventory's app: wiring of settings, database, token verification, use cases and workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from pos_inventory.adapters.tables import inbox, outbox
from pos_inventory.api import categories, products, reservations
from pos_inventory.api.dependencies import InventoryServices
from pos_inventory.api.order_events import CONSUMER_NAME, SUBJECTS, event_handler
from pos_inventory.config import InventorySettings
from pos_inventory.services.catalogue import CategoryServices, ProductServices
from pos_inventory.services.expiry import ReservationSweeper
from pos_inventory.services.reservations import ReservationServices
from pos_inventory.services.stock import StockServices
from pos_kit.app import create_service_app
from pos_kit.db import Database
from pos_kit.events import EventConsumer
from pos_kit.events.relay import OutboxRelay
from pos_kit.tokens import TokenVerifier, remote_verifier


def create_app(
    settings: InventorySettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    """`token_verifier`: tests pass one that trusts their own keys; otherwise auth's JWKS."""
    settings = settings or InventorySettings()
    database = Database(settings.database_url)
    relay = OutboxRelay(
        database,
        outbox,
        nats_url=settings.nats_url,
        retention=timedelta(hours=settings.outbox_retention_hours),
    )
    services = InventoryServices(
        categories=CategoryServices(),
        products=ProductServices(settings),
        stock=StockServices(),
        reservations=ReservationServices(ttl=timedelta(seconds=settings.reservation_ttl_seconds)),
    )
    sweeper = ReservationSweeper(
        database, services.reservations, interval=settings.reservation_sweep_interval_seconds
    )

    # pos-core's order outcomes settle holds its direct commit/release call missed.
    consumer = EventConsumer(
        database,
        inbox,
        settings.nats_url,
        CONSUMER_NAME,
        SUBJECTS,
        event_handler(services.reservations),
        max_deliver=settings.consumer_max_deliver,
        backoff_initial=settings.consumer_backoff_initial_seconds,
        backoff_max=settings.consumer_backoff_max_seconds,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # All in the background: the service serves while NATS is still away.
        await relay.start()
        await sweeper.start()
        await consumer.start()
        try:
            yield
        finally:
            await consumer.stop()
            await sweeper.stop()
            await relay.stop()
            await database.dispose()

    app = create_service_app(
        settings=settings,
        title="POS inventory",
        routers=[categories.router, products.router, reservations.router],
        readiness={"database": database.ping, "nats": relay.ping},
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.outbox_relay = relay
    app.state.inventory_services = services
    app.state.reservation_sweeper = sweeper
    app.state.event_consumer = consumer
    app.state.token_verifier = token_verifier or remote_verifier(
        jwks_url=settings.jwks_url,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        cache_seconds=settings.jwks_cache_seconds,
    )
    return app

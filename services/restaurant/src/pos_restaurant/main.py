"""restaurant's app: wiring of settings, database, auth client, use cases, events and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from pos_kit.app import create_service_app
from pos_kit.db import Database
from pos_kit.events import EventConsumer, OutboxRelay
from pos_kit.http import ClientPolicy, ResilientClient
from pos_kit.tokens import TokenVerifier, remote_verifier
from pos_restaurant.adapters.auth_logins import AuthLogins
from pos_restaurant.adapters.tables import inbox, outbox
from pos_restaurant.api import floor_plan, profile, staff
from pos_restaurant.api.dependencies import RestaurantServices
from pos_restaurant.api.events import CONSUMER_NAME, SUBJECTS, event_handler
from pos_restaurant.config import RestaurantSettings
from pos_restaurant.services.floor_plan import FloorPlan
from pos_restaurant.services.profile import ProfileDefaults, Profiles
from pos_restaurant.services.seating import Seating
from pos_restaurant.services.staff import StaffRoster


def create_app(
    settings: RestaurantSettings | None = None, *, token_verifier: TokenVerifier | None = None
) -> FastAPI:
    """`token_verifier` defaults to auth's JWKS at `settings.jwks_url`; tests pass their own."""
    settings = settings or RestaurantSettings()
    database = Database(settings.database_url)
    relay = OutboxRelay(
        database,
        outbox,
        nats_url=settings.nats_url,
        retention=timedelta(hours=settings.outbox_retention_hours),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        total = settings.auth_timeout_seconds
        logins = AuthLogins(
            ResilientClient(
                "auth",
                settings.auth_url,
                policy=ClientPolicy(total_timeout=total, attempt_timeout=min(total, 2.0)),
            ),
            client_id=settings.auth_client_id,
            client_secret=settings.auth_client_secret.get_secret_value(),
            refresh_margin_seconds=settings.auth_token_refresh_margin_seconds,
        )
        services = RestaurantServices(
            profiles=Profiles(
                ProfileDefaults(
                    currency=settings.default_currency,
                    timezone=settings.default_timezone,
                    default_tax_rate_bps=settings.default_tax_rate_bps,
                )
            ),
            floor_plan=FloorPlan(),
            seating=Seating(),
            staff=StaffRoster(logins=logins),
        )
        consumer = EventConsumer(
            database,
            inbox,
            settings.nats_url,
            CONSUMER_NAME,
            SUBJECTS,
            event_handler(services),
            max_deliver=settings.consumer_max_deliver,
            backoff_initial=settings.consumer_backoff_initial_seconds,
            backoff_max=settings.consumer_backoff_max_seconds,
        )
        app.state.database = database
        app.state.restaurant_services = services
        app.state.outbox_relay = relay
        app.state.event_consumer = consumer
        app.state.token_verifier = token_verifier or remote_verifier(
            jwks_url=settings.jwks_url,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            cache_seconds=settings.jwks_cache_seconds,
        )
        # Both start in the background: the service serves while NATS is still away.
        await relay.start()
        await consumer.start()
        try:
            yield
        finally:
            await consumer.stop()
            await relay.stop()
            await logins.aclose()
            await database.dispose()

    return create_service_app(
        settings=settings,
        title="POS restaurant",
        routers=[profile.router, floor_plan.router, staff.router],
        readiness={"database": database.ping, "nats": relay.ping},
        lifespan=lifespan,
    )

"""auth's app: wiring of settings, database, key ring, use cases, outbox relay and routes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from pos_auth.adapters.passwords import Passwords
from pos_auth.adapters.tables import outbox
from pos_auth.api.dependencies import AuthServices
from pos_auth.api.routes import jwks_router, router
from pos_auth.config import AuthSettings
from pos_auth.services.accounts import AccountServices
from pos_auth.services.keys import KeyRing
from pos_auth.services.service_accounts import ServiceAccounts
from pos_auth.services.staff_logins import StaffLogins
from pos_auth.services.tokens import TokenIssuer
from pos_kit.app import create_service_app
from pos_kit.db import Database
from pos_kit.events.relay import OutboxRelay
from pos_kit.tokens import TokenVerifier


def create_app(settings: AuthSettings | None = None) -> FastAPI:
    settings = settings or AuthSettings()
    database = Database(settings.database_url)
    relay = OutboxRelay(
        database,
        outbox,
        nats_url=settings.nats_url,
        retention=timedelta(hours=settings.outbox_retention_hours),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        passwords = Passwords(
            memory_kib=settings.argon2_memory_kib,
            time_cost=settings.argon2_time_cost,
            parallelism=settings.argon2_parallelism,
        )
        keys = KeyRing(
            database,
            rotation_age=timedelta(days=settings.key_rotation_days),
            overlap=timedelta(seconds=settings.key_overlap_seconds),
        )
        await keys.ensure_current()
        issuer = TokenIssuer(settings, keys)
        services = AuthServices(
            accounts=AccountServices(settings=settings, passwords=passwords, tokens=issuer),
            staff=StaffLogins(passwords=passwords),
            service_accounts=ServiceAccounts(passwords=passwords, tokens=issuer),
            keys=keys,
        )
        if settings.bootstrap_clients:
            async with database.unit_of_work() as session:
                await services.service_accounts.register_bootstrap(
                    session, settings.bootstrap_clients
                )
        app.state.database = database
        app.state.auth_services = services
        app.state.outbox_relay = relay
        # auth verifies its own tokens straight from its key ring, not over HTTP.
        app.state.token_verifier = TokenVerifier(
            keys, issuer=settings.jwt_issuer, audience=settings.jwt_audience
        )
        await relay.start()
        key_checks = asyncio.create_task(
            keys.keep_current(settings.key_check_interval_seconds), name="signing-key-checks"
        )
        try:
            yield
        finally:
            key_checks.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await key_checks
            await relay.stop()
            await database.dispose()

    return create_service_app(
        settings=settings,
        title="POS auth",
        routers=[router, jwks_router],
        readiness={"database": database.ping, "nats": relay.ping},
        lifespan=lifespan,
    )

"""Sign-up works with NATS away; its events reach the stream exactly once when NATS returns."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest

from pos_kit.events.testing import wait_until
from pos_kit.testing.kit import ServiceUnderTest
from pos_kit.testing.nats import NatsServer, read_stream, running_nats_server
from pos_kit.testing.postgres import fresh_database


@pytest.fixture
def own_database(service: ServiceUnderTest) -> Iterator[str]:
    """Its own outbox too: the session app's relay would otherwise publish these rows."""
    with fresh_database("pos_auth_events", service.alembic_ini) as url:
        yield url


@pytest.fixture
def own_nats() -> Iterator[NatsServer]:
    """A server this test may stop, freeze and restart without disturbing the others."""
    with running_nats_server() as server:
        yield server


async def _events_for(nats_url: str, event_type: str, tenant_id: str) -> list[dict]:
    raw = await read_stream(nats_url, f"pos.events.{event_type}")
    return [e for e in map(json.loads, raw) if e["tenantid"] == tenant_id]


async def test_sign_up_with_nats_down_then_back(kit, staff_factory, own_database, own_nats) -> None:
    async with kit.other_client(nats_url=own_nats.url, database_url=own_database) as client:
        # Let the relay provision the stream once, then take NATS away.
        await wait_until(lambda: _ready(client), within=15, what="auth ready with NATS")
        own_nats.stop()

        started = time.monotonic()
        owner = await staff_factory(client).sign_up()
        assert time.monotonic() - started < 2.0, "sign-up must not wait for the broker"
        tenant = owner["tenant_id"]

        own_nats.start()

        async def once() -> bool:
            return len(await _events_for(own_nats.url, "tenant.registered", tenant)) >= 1

        await wait_until(once, within=15, interval=0.3, what="tenant.registered on the stream")
        await asyncio.sleep(1.5)  # give a duplicate the chance to show up
        registered = await _events_for(own_nats.url, "tenant.registered", tenant)
        assert len(registered) == 1
        event = registered[0]
        assert event["source"] == "auth"
        assert event["data"]["owner_user_id"] == owner["user"]["id"]
        assert event["correlationid"]
        created = await _events_for(own_nats.url, "user.created", tenant)
        assert len(created) == 1


async def test_sign_up_with_nats_frozen_answers_at_once(
    kit, staff_factory, own_database, own_nats
) -> None:
    async with kit.other_client(nats_url=own_nats.url, database_url=own_database) as client:
        await wait_until(lambda: _ready(client), within=15, what="auth ready with NATS")
        own_nats.pause()
        try:
            started = time.monotonic()
            owner = await staff_factory(client).sign_up()
            assert time.monotonic() - started < 2.0
        finally:
            own_nats.resume()

        async def once() -> bool:
            found = await _events_for(own_nats.url, "tenant.registered", owner["tenant_id"])
            return len(found) >= 1

        await wait_until(once, within=15, interval=0.3, what="tenant.registered on the stream")
        await asyncio.sleep(1.5)
        assert len(await _events_for(own_nats.url, "tenant.registered", owner["tenant_id"])) == 1


async def _ready(client) -> bool:
    """NATS answers: a NATS outage leaves auth ready but "degraded"."""
    return (await client.get("/readyz")).json()["status"] == "ready"

"""A restaurant service that was down catches up with the events it missed when it returns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_kit.events.testing import wait_until
from pos_kit.testing.bus import EventBus
from pos_kit.testing.nats import NatsServer, running_nats_server
from pos_kit.testing.postgres import fresh_database

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


@pytest.fixture
def own_database() -> Iterator[str]:
    """Its own database and broker: the session app must not consume these events."""
    with fresh_database("pos_restaurant_catch_up", ALEMBIC_INI) as url:
        yield url


@pytest.fixture
def own_nats() -> Iterator[NatsServer]:
    with running_nats_server() as server:
        yield server


async def test_events_published_while_down_are_handled_after_a_restart(
    kit, own_database, own_nats, restaurant_factory
) -> None:
    own = {"database_url": own_database, "nats_url": own_nats.url}

    async with kit.other_client(**own) as client:
        restaurant = restaurant_factory(on=client)
        table = await restaurant.table()

        async def consuming() -> bool:
            # NATS away is only "degraded" (200): "ready" means the consumer is connected.
            return (await client.get("/readyz")).json()["status"] == "ready"

        await wait_until(consuming, within=10, what="the first run to be ready")

    # Down: sign-up and an order happen meanwhile.
    bus = await EventBus.connect(own_nats.url)
    try:
        placed = restaurant.order_placed(table["id"])
        await bus.publish(restaurant.registered("Back Again"))
        await bus.publish(placed)
    finally:
        await bus.close()

    async with kit.other_client(**own) as client:
        restaurant.client = client

        async def caught_up() -> bool:
            profile = await client.get("/api/v1/restaurant", headers=restaurant.headers())
            seated = await restaurant.get_table(table["id"])
            return (
                profile.status_code == 200 and seated["current_order_id"] == placed.data["order_id"]
            )

        await wait_until(caught_up, within=10, what="the missed events to be handled")

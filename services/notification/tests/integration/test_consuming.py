"""The consumer: a malformed event is dead-lettered, the rest go on; a restart catches up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_kit.events.testing import wait_until
from pos_kit.testing.app import app_client
from pos_kit.testing.bus import EventBus
from pos_kit.testing.nats import NatsServer, free_port
from pos_kit.testing.postgres import fresh_database

CONSUMER = "notification"


async def test_a_malformed_order_is_dead_lettered_and_the_next_one_still_served(
    restaurant, screen, bus
) -> None:
    # A valid CloudEvent whose data is not an order (no items, quantity a word)...
    bad = restaurant.event(
        "order.placed", {"order_id": "not-a-uuid", "type": "dine_in", "items": "soup"}
    )
    await bus.publish(bad)
    # ...and bytes that are no CloudEvent at all.
    await bus.publish_raw("pos.events.order.placed", b"\xff not json")
    good = await restaurant.place_order()

    await screen.ticket_for(restaurant, good["order_id"])

    async def both_dead_lettered() -> bool:
        raw = await bus.dead_letters(CONSUMER)
        return bad.id.encode() in b"".join(raw) and b"\xff not json" in raw

    await wait_until(both_dead_lettered, within=15, what="two dead letters")
    letter = next(m for m in await bus.dead_letters(CONSUMER) if bad.id.encode() in m)
    assert json.loads(letter)["type"] == "order.placed"


@pytest.fixture
def own_nats(tmp_path: Path):
    server = NatsServer(port=free_port(), store_dir=tmp_path / "nats")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_database(service):
    with fresh_database("pos_notification_catchup", service.alembic_ini) as url:
        yield url


async def test_a_service_that_was_down_catches_up_on_restart(
    kit, restaurant, own_nats, own_database
) -> None:
    own = {"nats_url": own_nats.url, "database_url": own_database}
    own_bus = await EventBus.connect(own_nats.url)

    async def place() -> str:
        placed = await own_bus.publish(restaurant.order_placed())
        return str(placed.data["order_id"])

    async def listed(client) -> list[str]:
        answer = await client.get("/api/v1/kitchen/tickets", headers=restaurant.headers())
        return [t["order_id"] for t in answer.json()["items"]]

    try:
        async with app_client(kit.create_app(**own)) as client:
            before = await place()

            async def served() -> bool:
                return before in await listed(client)

            await wait_until(served, within=15, what="the first order's ticket")

        # notification is down; orders keep coming.
        while_down = [await place(), await place()]

        async with app_client(kit.create_app(**own)) as client:

            async def caught_up() -> bool:
                return sorted(await listed(client)) == sorted([before, *while_down])

            await wait_until(caught_up, within=15, what="the orders placed while it was down")
    finally:
        await own_bus.close()

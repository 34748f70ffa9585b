"""A restaurant service that was down catches up with the events it missed when it returns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from pos_kit.events import ensure_stream
from pos_kit.events.testing import wait_until
from pos_kit.testing.app import app_client
from pos_kit.testing.nats import NatsServer, free_port
from pos_kit.testing.postgres import fresh_database
from pos_restaurant.main import create_app

pytestmark = pytest.mark.integration

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


@pytest.fixture
def own_database() -> Iterator[str]:
    """Its own database and broker: the session app must not consume these events."""
    with fresh_database("pos_restaurant_catch_up", ALEMBIC_INI) as url:
        yield url


@pytest.fixture
def own_nats(tmp_path: Path) -> Iterator[NatsServer]:
    server = NatsServer(port=free_port(), store_dir=tmp_path / "nats")
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_events_published_while_down_are_handled_after_a_restart(
    settings, tokens, own_database, own_nats, restaurant_factory, bus_factory
) -> None:
    own = settings.model_copy(update={"database_url": own_database, "nats_url": own_nats.url})

    async with app_client(create_app(own, token_verifier=tokens.verifier())) as client:
        restaurant = restaurant_factory(on=client)
        table = await restaurant.table()

        async def consuming() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await wait_until(consuming, within=10, what="the first run to be ready")

    # Down: sign-up and an order happen meanwhile.
    nc = await nats.connect(own_nats.url)
    try:
        js = nc.jetstream()
        await ensure_stream(js)
        bus = bus_factory(nc, js)
        placed = restaurant.order_placed(table["id"])
        await bus.publish(restaurant.registered("Back Again"))
        await bus.publish(placed)
    finally:
        await nc.close()

    async with app_client(create_app(own, token_verifier=tokens.verifier())) as client:
        restaurant.client = client

        async def caught_up() -> bool:
            profile = await client.get("/api/v1/restaurant", headers=restaurant.headers())
            seated = await restaurant.get_table(table["id"])
            return (
                profile.status_code == 200 and seated["current_order_id"] == placed.data["order_id"]
            )

        await wait_until(caught_up, within=10, what="the missed events to be handled")

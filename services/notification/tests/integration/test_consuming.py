"""The consumer: a malformed event is dead-lettered, the rest go on; a restart catches up."""

from __future__ import annotations

import json
from pathlib import Path

import nats
import pytest

from pos_kit.events import ensure_stream
from pos_kit.events.testing import wait_until
from pos_kit.testing.app import app_client
from pos_kit.testing.nats import NatsServer, free_port, read_stream
from pos_kit.testing.postgres import fresh_database
from pos_notification.main import create_app

pytestmark = pytest.mark.integration

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


async def _dead_letters(nats_url: str) -> list[bytes]:
    return await read_stream(nats_url, "pos.dlq.notification", stream="POS_DLQ")


async def test_a_malformed_order_is_dead_lettered_and_the_next_one_still_served(
    restaurant, screen, bus, nats_server
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
        raw = await _dead_letters(nats_server.url)
        return bad.id.encode() in b"".join(raw) and b"\xff not json" in raw

    await wait_until(both_dead_lettered, within=15, what="two dead letters")
    letter = next(m for m in await _dead_letters(nats_server.url) if bad.id.encode() in m)
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
def own_database():
    with fresh_database("pos_notification_catchup", ALEMBIC_INI) as url:
        yield url


async def test_a_service_that_was_down_catches_up_on_restart(
    settings, tokens, restaurant, own_nats, own_database
) -> None:
    own = settings.model_copy(update={"nats_url": own_nats.url, "database_url": own_database})
    nc = await nats.connect(own_nats.url)
    js = nc.jetstream()
    await ensure_stream(js)

    async def place() -> str:
        placed = restaurant.order_placed()
        await js.publish(
            placed.subject, placed.to_json().encode(), headers={"Nats-Msg-Id": placed.id}
        )
        return str(placed.data["order_id"])

    async def listed(client) -> list[str]:
        answer = await client.get("/api/v1/kitchen/tickets", headers=restaurant.headers())
        return [t["order_id"] for t in answer.json()["items"]]

    try:
        async with app_client(create_app(own, token_verifier=tokens.verifier())) as client:
            before = await place()

            async def served() -> bool:
                return before in await listed(client)

            await wait_until(served, within=15, what="the first order's ticket")

        # notification is down; orders keep coming.
        while_down = [await place(), await place()]

        async with app_client(create_app(own, token_verifier=tokens.verifier())) as client:

            async def caught_up() -> bool:
                return sorted(await listed(client)) == sorted([before, *while_down])

            await wait_until(caught_up, within=15, what="the orders placed while it was down")
    finally:
        await nc.close()

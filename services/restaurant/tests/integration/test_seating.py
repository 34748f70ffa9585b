"""Tables follow pos-core's orders through the event stream, once per event, and say so."""

from __future__ import annotations

import json
import uuid

import pytest

from pos_kit.events import Event
from pos_kit.events.testing import wait_until


async def _status_is(restaurant, table_id: str, status: str, order_id: str | None = None) -> bool:
    table = await restaurant.get_table(table_id)
    return table["status"] == status and (order_id is None or table["current_order_id"] == order_id)


async def _changes(bus, restaurant, table_id: str) -> list[dict]:
    events = await bus.events("table.status_changed", tenant_id=restaurant.tenant_id)
    return [e for e in events if e["data"]["table_id"] == table_id]


async def test_a_dine_in_order_occupies_its_table_and_the_change_is_published(
    restaurant, bus
) -> None:
    table = await restaurant.table()
    placed = restaurant.order_placed(table["id"])
    order_id = placed.data["order_id"]
    await bus.publish(placed)
    await wait_until(
        lambda: _status_is(restaurant, table["id"], "occupied", order_id), within=5, what="seated"
    )

    async def published() -> bool:
        return len(await _changes(bus, restaurant, table["id"])) == 1

    await wait_until(published, within=5, what="table.status_changed")
    [event] = await _changes(bus, restaurant, table["id"])
    assert event["source"] == "restaurant"
    assert event["correlationid"] == placed.correlationid
    assert event["data"] == {
        "table_id": table["id"],
        "floor_id": table["floor_id"],
        "table_name": table["name"],
        "status": "occupied",
        "previous_status": "free",
        "current_order_id": order_id,
        "previous_order_id": None,
        "order_ids": [order_id],
        "reason": "order_placed",
        "changed_at": event["data"]["changed_at"],
    }


@pytest.mark.parametrize("kind", ["closed", "cancelled"])
async def test_a_closed_or_cancelled_order_frees_its_table(restaurant, bus, kind) -> None:
    table = await restaurant.table()
    placed = restaurant.order_placed(table["id"])
    await bus.publish(placed)
    await wait_until(lambda: _status_is(restaurant, table["id"], "occupied"), within=5)

    # pos-core may leave table_id out of the end event: the order alone finds its table.
    await bus.publish(restaurant.order_ended(kind, placed.data["order_id"]))
    await wait_until(lambda: _status_is(restaurant, table["id"], "free"), within=5, what="freed")
    assert (await restaurant.get_table(table["id"]))["current_order_id"] is None

    async def both_published() -> bool:
        return len(await _changes(bus, restaurant, table["id"])) == 2

    await wait_until(both_published, within=5)
    freed = (await _changes(bus, restaurant, table["id"]))[-1]["data"]
    assert (freed["status"], freed["previous_status"]) == ("free", "occupied")
    assert freed["previous_order_id"] == placed.data["order_id"]
    assert freed["reason"] == f"order_{kind}"


async def test_a_takeout_order_naming_a_table_leaves_it_free(restaurant, bus) -> None:
    table, sentinel = await restaurant.table(), await restaurant.table()
    await bus.publish(restaurant.order_placed(table["id"], order_type="takeout"))
    await bus.publish(restaurant.order_placed(sentinel["id"]))
    await wait_until(lambda: _status_is(restaurant, sentinel["id"], "occupied"), within=5)
    assert (await restaurant.get_table(table["id"]))["status"] == "free"


async def test_a_duplicated_event_has_one_effect(restaurant, bus) -> None:
    table, sentinel = await restaurant.table(), await restaurant.table()
    placed = restaurant.order_placed(table["id"])
    # The same event twice, under two Nats-Msg-Ids so JetStream keeps both copies.
    await bus.publish(placed, msg_id=str(uuid.uuid4()))
    await bus.publish(placed, msg_id=str(uuid.uuid4()))
    await bus.publish(restaurant.order_placed(sentinel["id"]))
    await wait_until(lambda: _status_is(restaurant, sentinel["id"], "occupied"), within=5)

    async def sentinel_published() -> bool:
        return len(await _changes(bus, restaurant, sentinel["id"])) == 1

    await wait_until(sentinel_published, within=5)
    assert len(await _changes(bus, restaurant, table["id"])) == 1
    seated = await restaurant.get_table(table["id"])
    assert seated["order_ids"] == [placed.data["order_id"]]


async def test_malformed_events_are_dead_lettered_and_the_next_ones_still_handled(
    restaurant, bus
) -> None:
    table = await restaurant.table()
    marker = uuid.uuid4().hex
    # Not even JSON: dead-lettered at once.
    await bus.publish_raw("pos.events.order.placed", f"not json {marker}".encode())
    # A proper CloudEvent whose data cannot be used: no retry could mend it, so at once too.
    unusable = Event.new(
        source="pos-core",
        type="order.placed",
        tenant_id=restaurant.tenant_id,
        correlation_id=marker,
        data={"type": "dine_in", "table_id": table["id"]},  # no order_id
    )
    await bus.publish(unusable)
    placed = restaurant.order_placed(table["id"])
    await bus.publish(placed)

    await wait_until(
        lambda: _status_is(restaurant, table["id"], "occupied", placed.data["order_id"]),
        within=5,
        what="the valid order after the malformed ones",
    )

    async def both_dead() -> bool:
        letters = await bus.dead_letters("restaurant")
        return sum(marker.encode() in letter for letter in letters) == 2

    await wait_until(both_dead, within=10, what="both malformed events on pos.dlq.restaurant")
    letters = [
        json.loads(x) for x in await bus.dead_letters("restaurant") if unusable.id.encode() in x
    ]
    assert letters[0]["data"] == dict(unusable.data)


async def test_a_second_order_at_an_occupied_table_keeps_it_occupied_until_both_end(
    restaurant, bus
) -> None:
    table = await restaurant.table()
    first, second = restaurant.order_placed(table["id"]), restaurant.order_placed(table["id"])
    first_id, second_id = first.data["order_id"], second.data["order_id"]
    await bus.publish(first)
    await bus.publish(second)

    async def both_seated() -> bool:
        return (await restaurant.get_table(table["id"]))["order_ids"] == [first_id, second_id]

    await wait_until(both_seated, within=5)
    assert (await restaurant.get_table(table["id"]))["current_order_id"] == first_id

    await bus.publish(restaurant.order_ended("closed", first_id, table["id"]))
    await wait_until(lambda: _status_is(restaurant, table["id"], "occupied", second_id), within=5)
    await bus.publish(restaurant.order_ended("closed", second_id, table["id"]))
    await wait_until(lambda: _status_is(restaurant, table["id"], "free"), within=5)


async def test_an_order_for_an_unknown_table_is_skipped_not_dead_lettered(restaurant, bus) -> None:
    table = await restaurant.table()
    ghost = restaurant.order_placed(str(uuid.uuid4()))
    await bus.publish(ghost)
    await bus.publish(restaurant.order_placed(table["id"]))
    await wait_until(lambda: _status_is(restaurant, table["id"], "occupied"), within=5)
    assert all(ghost.id.encode() not in x for x in await bus.dead_letters("restaurant"))

"""Moving an order to another table: both tables change together, and closing still frees."""

from __future__ import annotations

import uuid

from pos_kit.events.testing import wait_until


async def _seated(restaurant, bus, table_id: str) -> str:
    placed = restaurant.order_placed(table_id)
    await bus.publish(placed)
    order_id: str = placed.data["order_id"]

    async def occupied() -> bool:
        return (await restaurant.get_table(table_id))["current_order_id"] == order_id

    await wait_until(occupied, within=5, what="the order seated")
    return order_id


async def test_an_order_moves_to_a_free_table_and_both_tables_announce_it(restaurant, bus) -> None:
    source, target = await restaurant.table(), await restaurant.table()
    order_id = await _seated(restaurant, bus, source["id"])

    moved = await restaurant.move_order(source["id"], target["id"], "waiter")
    assert moved.status_code == 200, moved.text
    assert moved.json()["from_table"]["status"] == "free"
    assert moved.json()["to_table"]["current_order_id"] == order_id
    assert (await restaurant.get_table(source["id"]))["status"] == "free"

    async def announced() -> bool:
        events = await bus.events("table.status_changed", tenant_id=restaurant.tenant_id)
        moves = [e["data"] for e in events if e["data"]["reason"] == "order_moved"]
        return {(d["table_id"], d["status"]) for d in moves} == {
            (source["id"], "free"),
            (target["id"], "occupied"),
        }

    await wait_until(announced, within=5, what="both tables' table.status_changed")

    # pos-core's order still names the old table; closing it frees the table it is at now.
    await bus.publish(restaurant.order_ended("closed", order_id, table_id=source["id"]))

    async def target_free() -> bool:
        return (await restaurant.get_table(target["id"]))["status"] == "free"

    await wait_until(target_free, within=5, what="the new table freed")


async def test_a_move_needs_an_occupied_source_and_a_free_target(restaurant, bus) -> None:
    free, busy, other_busy = [await restaurant.table() for _ in range(3)]
    await _seated(restaurant, bus, busy["id"])
    await _seated(restaurant, bus, other_busy["id"])
    onto_busy = await restaurant.move_order(busy["id"], other_busy["id"])
    from_free = await restaurant.move_order(free["id"], busy["id"])
    to_itself = await restaurant.move_order(busy["id"], busy["id"])
    nowhere = await restaurant.move_order(busy["id"], str(uuid.uuid4()))
    kitchen = await restaurant.move_order(busy["id"], free["id"], "kitchen")
    assert [r.status_code for r in (onto_busy, from_free, to_itself, nowhere, kitchen)] == [
        409,
        409,
        409,
        404,
        403,
    ]
    assert onto_busy.headers["content-type"] == "application/problem+json"
    # Nothing moved.
    assert (await restaurant.get_table(busy["id"]))["status"] == "occupied"
    assert (await restaurant.get_table(free["id"]))["status"] == "free"

"""The settlement saga, pos-core's side: `payment.completed` settles orders, once, and only
placed ones; a restaurant that wants it closes a paid dine-in order at once."""

from __future__ import annotations

import json
import uuid
from typing import Any

from pos_kit.testing.app import captured_logs
from pos_kit.testing.bus import new_event
from pos_kit.testing.http import expect


async def order_events(bus: Any, restaurant: Any, order_id: str) -> list[tuple[str, str]]:
    """(type, correlation id) of the order's order.* events on the stream, oldest first."""
    found = []
    for event_type in ("order.placed", "order.paid", "order.closed", "order.cancelled"):
        for e in await bus.events(event_type, tenant_id=restaurant.tenant_id):
            if e["data"]["order_id"] == order_id:
                found.append((e["time"], event_type, e["correlationid"]))
    return [(t, c) for _, t, c in sorted(found)]


async def placed(restaurant: Any, total: int, **order: Any) -> dict[str, Any]:
    """A placed order of `total` (tax included: the dish's price carries 10 % tax)."""
    assert total % 11 == 0
    dish = restaurant.product(name="Dish", price=total // 11 * 10, tax_rate_bps=1000)
    opened = await restaurant.open_order(items=[restaurant.line(dish)], **order)
    result: dict[str, Any] = expect(await restaurant.act(opened["id"], "place"))
    assert result["total"] == total
    return result


async def test_an_order_paid_in_three_parts_is_paid_only_after_the_third(
    restaurant, bus, handled, db_count
) -> None:
    order = await placed(restaurant, 6138)
    first = await bus.publish(restaurant.payment_completed(order, 2000, paid_total=2000))
    second = await bus.publish(restaurant.payment_completed(order, 2000, paid_total=4000))
    await handled(first.id)
    await handled(second.id)
    assert (await restaurant.get(order["id"]))["status"] == "placed"

    third = await bus.publish(
        restaurant.payment_completed(
            order, 2138, paid_total=6138, method="cash", taken_by="cashier-9"
        )
    )
    await restaurant.status_becomes(order["id"], "paid")
    paid = await restaurant.get(order["id"])
    assert paid["paid_at"]
    assert await db_count("order_payments", order_id=order["id"]) == 3

    # order.paid once, carrying the third payment's correlation id; paid by who took it.
    events = await order_events(bus, restaurant, order["id"])
    assert [t for t, _ in events] == ["order.placed", "order.paid"]
    assert events[1][1] == third.correlationid
    [announced] = await bus.events("order.paid", tenant_id=restaurant.tenant_id)
    assert announced["data"]["paid_by"] == "cashier-9"
    assert announced["data"]["totals"]["total"] == 6138
    assert announced["data"]["reservation_id"] == order["reservation_id"]


async def test_a_payment_announced_twice_counts_once(restaurant, bus, handled, db_count) -> None:
    order = await placed(restaurant, 1100)
    half = restaurant.payment_completed(order, 550, paid_total=550)
    await bus.publish(half)
    # Redelivered past JetStream's duplicate window, and the same payment in another event.
    await bus.publish(half, msg_id=str(uuid.uuid4()))
    again = new_event(
        "payment.completed", half.data, tenant_id=restaurant.tenant_id, source="payment"
    )
    await bus.publish(again)
    await handled(half.id)
    await handled(again.id)

    assert await db_count("order_payments", order_id=order["id"]) == 1
    # Two halves would have paid it; one half three times does not.
    assert (await restaurant.get(order["id"]))["status"] == "placed"


async def test_a_later_payment_overtaking_an_earlier_one_still_settles_the_order(
    restaurant, bus, handled
) -> None:
    order = await placed(restaurant, 2200)
    # The last payment arrives first: the payment service's ledger says 2200 of 2200 paid.
    last = await bus.publish(restaurant.payment_completed(order, 1200, paid_total=2200))
    await restaurant.status_becomes(order["id"], "paid")
    earlier = await bus.publish(restaurant.payment_completed(order, 1000, paid_total=1000))
    await handled(last.id)
    await handled(earlier.id)
    assert (await restaurant.get(order["id"]))["status"] == "paid"
    assert len(await bus.events("order.paid", tenant_id=restaurant.tenant_id)) == 1


async def test_a_restaurant_that_closes_paid_orders_frees_dine_in_tables_at_once(
    restaurant, bus, handled
) -> None:
    await bus.publish(restaurant.profile_changed(2, close_when_paid=True))
    table = restaurant.table()
    dine_in = await placed(restaurant, 1100, type="dine_in", table_id=table, guests=2)
    takeout = await placed(restaurant, 2200)
    # The profile is handled before the payments: the consumer takes events in order.
    await bus.publish(restaurant.payment_completed(dine_in, 1100))
    await bus.publish(restaurant.payment_completed(takeout, 2200))

    await restaurant.status_becomes(dine_in["id"], "closed")
    await restaurant.status_becomes(takeout["id"], "paid")
    events = await order_events(bus, restaurant, dine_in["id"])
    assert [t for t, _ in events] == ["order.placed", "order.paid", "order.closed"]
    [closed] = await bus.events("order.closed", tenant_id=restaurant.tenant_id)
    assert closed["data"]["previous_status"] == "paid"
    assert closed["data"]["table_id"] == table
    assert closed["data"]["closed_by"] == "cashier-7"
    # A takeout order has no table to free: it stays paid until staff close it.
    assert [t for t, _ in await order_events(bus, restaurant, takeout["id"])] == [
        "order.placed",
        "order.paid",
    ]


async def test_by_default_a_paid_dine_in_order_waits_for_staff_to_close_it(
    restaurant, restaurant_factory, bus
) -> None:
    await bus.publish(restaurant.profile_changed(2, close_when_paid=False))
    # And a restaurant pos-core has no copy of yet: the same.
    unknown = restaurant_factory(profile=None)
    for owner in (restaurant, unknown):
        order = await placed(owner, 1100, type="dine_in", table_id=owner.table())
        await bus.publish(owner.payment_completed(order, 1100))
        await owner.status_becomes(order["id"], "paid")
        closed = await owner.act(order["id"], "close", role="cashier")
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"


async def test_a_cancelled_order_is_never_paid_by_an_event(restaurant, bus, handled) -> None:
    order = await placed(restaurant, 1100)
    assert (await restaurant.act(order["id"], "cancel")).status_code == 200
    with captured_logs() as logs:
        late = await bus.publish(restaurant.payment_completed(order, 1100))
        await handled(late.id)
    assert (await restaurant.get(order["id"]))["status"] == "cancelled"
    assert await bus.events("order.paid", tenant_id=restaurant.tenant_id) == []
    [warning] = [
        line for line in logs.lines() if line.get("event") == "payment_for_cancelled_order"
    ]
    assert warning["order_id"] == order["id"]
    assert warning["level"] == "error"


async def test_payments_of_orders_pos_core_cannot_settle_are_dead_lettered(
    restaurant, restaurant_factory, bus, handled
) -> None:
    order = await placed(restaurant, 1100)
    intruder = restaurant_factory()
    # Another restaurant's event naming this order, an order nobody has, another currency,
    # and data pos-core cannot read: none of them is recorded, each is dead-lettered.
    foreign = intruder.payment_completed(order, 1100)
    nowhere = restaurant.payment_completed({**order, "id": str(uuid.uuid4())}, 1100)
    dollars = restaurant.payment_completed(order, 1100, currency="USD")
    floats = restaurant.payment_completed(order, 1100.0)
    for event in (foreign, nowhere, dollars, floats):
        await bus.publish(event)
    sentinel = await bus.publish(restaurant.payment_completed(order, 100))
    await handled(sentinel.id)

    dead = [json.loads(m)["id"] for m in await bus.dead_letters("pos-core")]
    assert {foreign.id, nowhere.id, dollars.id, floats.id} <= set(dead)
    assert (await restaurant.get(order["id"]))["status"] == "placed"
    assert await bus.events("order.paid", tenant_id=restaurant.tenant_id) == []

"""pos-core's order events settle stock holds, so stock stays right when its direct call failed.

Each test drives the durable consumer `inventory` with real CloudEvents on a real
nats-server, against the real PostgreSQL schema, exactly as pos-core's relay would.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest

from pos_kit.events import Event
from pos_kit.events.testing import wait_until
from pos_kit.testing.bus import new_event
from pos_kit.testing.http import expect


def order_event(
    tenant_id: str,
    kind: str,
    order_id: str,
    reservation_id: str | None,
    /,
    **data: Any,
) -> Event:
    """An `order.<kind>` event shaped like pos-core's (only what inventory reads matters)."""
    body: dict[str, Any] = {
        "order_id": order_id,
        "order_number": 7,
        "type": "dine_in",
        "table_id": None,
        "reservation_id": reservation_id,
        f"{kind}_at": "2026-01-01T12:00:00+00:00",
        f"{kind}_by": "user-1",
    }
    body |= data
    return new_event(f"order.{kind}", body, tenant_id=tenant_id)


async def reservation(restaurant, reservation_id: str) -> dict[str, Any]:
    response = await restaurant.client.get(
        f"/api/v1/reservations/{reservation_id}", headers=restaurant.headers()
    )
    result: dict[str, Any] = expect(response)
    return result


async def held(restaurant, product: dict[str, Any], quantity: int) -> dict[str, Any]:
    result: dict[str, Any] = expect(await restaurant.reserve((product, quantity)), 201)
    return result


async def wait_for_status(restaurant, reservation_id: str, status: str) -> None:
    async def reached() -> bool:
        return (await reservation(restaurant, reservation_id))["status"] == status

    await wait_until(reached, within=10, what=f"reservation {status}")


async def sales(restaurant, product: dict[str, Any]) -> list[dict[str, Any]]:
    response = await restaurant.client.get(
        f"/api/v1/products/{product['id']}/stock/adjustments", headers=restaurant.headers()
    )
    return [a for a in expect(response)["items"] if a["reason"] == "sale"]


async def dead_letter_ids(bus) -> set[str]:
    """The ids of the events the consumer `inventory` dead-lettered."""
    return {json.loads(raw).get("id") for raw in await bus.dead_letters("inventory")}


async def no_retries_left() -> None:
    """Give an event that failed (and would be retried) time to reach the dead letters."""
    await asyncio.sleep(1.5)  # max deliver 2, back-off from 0.2 s (conftest)


async def drained(restaurant, bus) -> None:
    """Wait until the consumer has handled everything published so far.

    With nothing failing the consumer handles events in stream order, so once a
    marker published last has taken effect, every event before it has too.
    """
    marker = await restaurant.stocked(1)
    hold = await held(restaurant, marker, 1)
    await bus.publish(order_event(restaurant.tenant_id, "cancelled", hold["order_id"], hold["id"]))
    await wait_for_status(restaurant, hold["id"], "released")


async def test_order_paid_commits_the_hold_once_even_if_delivered_twice(restaurant, bus) -> None:
    pizza = await restaurant.stocked(10)
    hold = await held(restaurant, pizza, 3)
    paid = order_event(restaurant.tenant_id, "paid", hold["order_id"], hold["id"])

    await bus.publish(paid)
    await wait_for_status(restaurant, hold["id"], "committed")
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (7, 0, 7)

    # The same event again under another Nats-Msg-Id (JetStream keeps it; the inbox must
    # absorb it), and a second order.paid for the order (a new event id): still one sale.
    await bus.publish(paid, msg_id=str(uuid.uuid4()))
    await bus.publish(order_event(restaurant.tenant_id, "paid", hold["order_id"], hold["id"]))
    await drained(restaurant, bus)
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"]) == (7, 0)
    [sale] = await sales(restaurant, pizza)
    assert (sale["delta"], sale["on_hand_after"]) == (-3, 7)


async def test_order_closed_after_order_paid_does_not_sell_twice(restaurant, bus) -> None:
    pizza = await restaurant.stocked(10)
    hold = await held(restaurant, pizza, 2)
    order_id, tenant_id = hold["order_id"], restaurant.tenant_id
    await bus.publish(order_event(tenant_id, "paid", order_id, hold["id"]))
    await bus.publish(
        order_event(tenant_id, "closed", order_id, hold["id"], previous_status="paid")
    )
    await wait_for_status(restaurant, hold["id"], "committed")
    await drained(restaurant, bus)
    assert (await restaurant.stock(pizza))["on_hand"] == 8
    assert len(await sales(restaurant, pizza)) == 1


async def test_order_closed_alone_commits_the_hold(restaurant, bus) -> None:
    pizza = await restaurant.stocked(4)
    hold = await held(restaurant, pizza, 4)
    await bus.publish(
        order_event(
            restaurant.tenant_id, "closed", hold["order_id"], hold["id"], previous_status="placed"
        )
    )
    await wait_for_status(restaurant, hold["id"], "committed")
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (0, 0, 0)


async def test_order_cancelled_releases_the_hold(restaurant, bus) -> None:
    pizza = await restaurant.stocked(5)
    hold = await held(restaurant, pizza, 5)
    assert (await restaurant.stock(pizza))["available"] == 0
    await bus.publish(order_event(restaurant.tenant_id, "cancelled", hold["order_id"], hold["id"]))
    await wait_for_status(restaurant, hold["id"], "released")
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (5, 0, 5)
    assert await sales(restaurant, pizza) == []


async def test_a_cancelled_order_that_pos_core_never_placed_frees_a_stray_hold(
    restaurant, bus
) -> None:
    # A placing attempt that held stock and then failed before pos-core recorded it:
    # the cancel carries no reservation_id, the order alone finds the hold.
    pizza = await restaurant.stocked(2)
    hold = await held(restaurant, pizza, 2)
    await bus.publish(order_event(restaurant.tenant_id, "cancelled", hold["order_id"], None))
    await wait_for_status(restaurant, hold["id"], "released")
    assert (await restaurant.stock(pizza))["available"] == 2


async def test_settled_holds_stay_settled(restaurant, bus, client) -> None:
    pizza = await restaurant.stocked(10)
    # Released first (the API call worked), then paid: no sale, no dead letter.
    released = await held(restaurant, pizza, 1)
    assert (await restaurant.settle(released, "release")).status_code == 200
    late_paid = order_event(restaurant.tenant_id, "paid", released["order_id"], released["id"])
    # Committed first, then cancelled (a refund matter): stays sold.
    committed = await held(restaurant, pizza, 2)
    assert (await restaurant.settle(committed, "commit")).status_code == 200
    late_cancel = order_event(
        restaurant.tenant_id, "cancelled", committed["order_id"], committed["id"]
    )
    # Orders inventory never saw: nothing to do, nothing to retry.
    unknown = [
        order_event(restaurant.tenant_id, kind, str(uuid.uuid4()), reservation_id)
        for kind in ("paid", "closed", "cancelled")
        for reservation_id in (None, str(uuid.uuid4()))
    ]
    for event in (late_paid, late_cancel, *unknown):
        await bus.publish(event)
    await drained(restaurant, bus)

    assert (await reservation(restaurant, released["id"]))["status"] == "released"
    assert (await reservation(restaurant, committed["id"]))["status"] == "committed"
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"]) == (8, 0)
    assert len(await sales(restaurant, pizza)) == 1
    await no_retries_left()
    dead = await dead_letter_ids(bus)
    assert not dead & {e.id for e in (late_paid, late_cancel, *unknown)}


async def test_an_event_cannot_settle_another_restaurants_hold(
    restaurant, another_restaurant, bus
) -> None:
    pizza = await restaurant.stocked(3)
    hold = await held(restaurant, pizza, 3)
    # Another tenant's event naming this tenant's order id (and reservation id).
    for kind in ("paid", "cancelled"):
        await bus.publish(
            order_event(another_restaurant.tenant_id, kind, hold["order_id"], hold["id"])
        )
    await drained(restaurant, bus)
    assert (await reservation(restaurant, hold["id"]))["status"] == "held"
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"]) == (3, 3)


async def test_an_event_naming_another_reservation_leaves_the_orders_hold_alone(
    restaurant, bus
) -> None:
    pizza = await restaurant.stocked(3)
    hold = await held(restaurant, pizza, 1)
    other = await held(restaurant, pizza, 1)
    # order A's id with order B's reservation: inventory will not guess which one is meant.
    await bus.publish(order_event(restaurant.tenant_id, "paid", hold["order_id"], other["id"]))
    await drained(restaurant, bus)
    assert (await reservation(restaurant, hold["id"]))["status"] == "held"
    assert (await reservation(restaurant, other["id"]))["status"] == "held"
    assert (await restaurant.stock(pizza))["on_hand"] == 3


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        ("paid", {"order_id": "not-a-uuid"}),
        ("closed", {"reservation_id": 42}),
        ("cancelled", {"order_id": None}),
    ],
)
async def test_malformed_data_is_dead_lettered_and_the_next_event_still_handled(
    restaurant, bus, kind, bad
) -> None:
    pizza = await restaurant.stocked(4)
    hold = await held(restaurant, pizza, 1)
    broken = order_event(restaurant.tenant_id, kind, hold["order_id"], hold["id"], **bad)
    await bus.publish(broken)
    await bus.publish(order_event(restaurant.tenant_id, "paid", hold["order_id"], hold["id"]))
    await wait_for_status(restaurant, hold["id"], "committed")

    async def dead_lettered() -> bool:
        return broken.id in await dead_letter_ids(bus)

    await wait_until(dead_lettered, within=15, what="the malformed event on pos.dlq.inventory")
    assert (await restaurant.stock(pizza))["on_hand"] == 3


async def test_a_tenantid_that_is_no_uuid_is_dead_lettered(restaurant, bus) -> None:
    broken = order_event("not-a-tenant", "paid", str(uuid.uuid4()), None)
    await bus.publish(broken)

    async def dead_lettered() -> bool:
        return broken.id in await dead_letter_ids(bus)

    await wait_until(dead_lettered, within=15, what="the malformed event on pos.dlq.inventory")


async def test_order_paid_after_the_hold_expired_changes_nothing(restaurant, bus) -> None:
    # The known reconciliation gap: pos-core took the payment after the hold lapsed;
    # on hand stays as it is until a stock count corrects it.
    async with restaurant.other_instance(
        reservation_ttl_seconds=1, reservation_sweep_interval_seconds=0.2
    ):
        pizza = await restaurant.stocked(3)
        hold = await held(restaurant, pizza, 2)
        await wait_for_status(restaurant, hold["id"], "expired")
    paid = order_event(restaurant.tenant_id, "paid", hold["order_id"], hold["id"])
    await bus.publish(paid)
    await drained(restaurant, bus)

    assert (await reservation(restaurant, hold["id"]))["status"] == "expired"
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (3, 0, 3)
    assert await sales(restaurant, pizza) == []
    await no_retries_left()
    assert paid.id not in await dead_letter_ids(bus)

"""Inventory down, hanging, flapping or slow: placing fails fast and cleanly, then recovers.

Each test runs its own stand-in inventory and its own pos-core app with short
budgets (total 1 s, 0.4 s an attempt, 3 attempts; the breaker opens after 3
failures for 0.8 s), so breaker state never leaks between tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

TOTAL = 1.0
ATTEMPT = 0.4
OPEN_SECONDS = 0.8
BUDGETS = {
    "inventory_total_timeout_seconds": TOTAL,
    "inventory_attempt_timeout_seconds": ATTEMPT,
    "inventory_max_attempts": 3,
    "inventory_breaker_failures": 3,
    "inventory_breaker_open_seconds": OPEN_SECONDS,
    "auth_timeout_seconds": 0.4,
    "placing_lease_seconds": 3.0,
}
# Scheduling and the database round trips around the inventory call.
SLACK = 0.5
PROBLEM = "application/problem+json"


@dataclass
class Rig:
    inventory: Any  # the stand-in
    client: httpx.AsyncClient
    restaurant: Any

    async def open_order_of(self, product: dict[str, Any], quantity: int = 1) -> dict[str, Any]:
        return await self.restaurant.open_order(
            items=[self.restaurant.line(product, quantity=quantity)]
        )

    async def soup_order(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """A soup on the menu (untracked stock), and an open order of one."""
        soup = self.restaurant.product(name="Soup", price=600)
        return soup, await self.open_order_of(soup)

    def reservation_posts(self, order_id: str) -> int:
        return sum(
            1
            for h in self.inventory.hits
            if h.path == "/api/v1/reservations" and h.headers.get("idempotency-key") == order_id
        )


@pytest.fixture
async def rig(standin_factory, kit, restaurant_factory) -> AsyncIterator[Rig]:
    inventory = standin_factory().start()
    try:
        async with kit.other_client(inventory_url=inventory.url, **BUDGETS) as client:
            yield Rig(inventory, client, restaurant_factory(client=client, inventory=inventory))
    finally:
        inventory.stop()


def assert_unavailable(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (503, 504), response.text
    assert response.headers["content-type"] == PROBLEM
    assert int(response.headers["Retry-After"]) >= 1
    body: dict[str, Any] = response.json()
    assert body["downstream"] == "inventory"
    assert "The order is unchanged" in body["detail"]
    return body


async def test_inventory_stopped_placing_answers_503_and_the_order_stays_open(rig, timer) -> None:
    soup, order = await rig.soup_order()
    rig.inventory.stop()

    with timer() as elapsed:
        response = await rig.restaurant.act(order["id"], "place")
    assert_unavailable(response)
    assert elapsed[0] < TOTAL

    still = await rig.restaurant.get(order["id"])
    assert still["status"] == "open"
    assert still["reservation_id"] is None
    # Nothing stays frozen: the items can change, and the order can still be cancelled.
    added = await rig.client.post(
        f"/api/v1/orders/{order['id']}/items",
        json={"product_id": soup["id"], "quantity": 1},
        headers=rig.restaurant.headers("waiter"),
    )
    assert_unavailable(added)  # adding asks inventory for the product, which is away
    removed = await rig.client.delete(
        f"/api/v1/orders/{order['id']}/items/{order['items'][0]['id']}",
        headers=rig.restaurant.headers("waiter"),
    )
    assert removed.status_code == 200
    assert (await rig.client.get("/readyz")).status_code == 200, (
        "inventory is not a readiness check"
    )

    rig.inventory.start()
    assert rig.inventory.reservations_for(order["id"]) == []


async def test_inventory_frozen_placing_answers_within_the_total_timeout(rig, timer) -> None:
    _, order = await rig.soup_order()
    rig.inventory.freeze()

    with timer() as elapsed:
        response = await rig.restaurant.act(order["id"], "place")
    rig.inventory.thaw()
    assert_unavailable(response)
    assert TOTAL - 0.1 <= elapsed[0] < TOTAL + SLACK
    # The reservation carries an Idempotency-Key, so the client retried within the budget.
    assert 2 <= rig.reservation_posts(order["id"]) <= 3
    assert (await rig.restaurant.get(order["id"]))["status"] == "open"
    assert rig.inventory.reservations_for(order["id"]) == []


async def test_the_breaker_fails_fast_then_placing_works_again_without_a_restart(
    rig, timer
) -> None:
    soup = rig.restaurant.product(name="Soup", price=600)
    first = await rig.open_order_of(soup)
    second = await rig.open_order_of(soup)
    rig.inventory.freeze()

    # Three timed-out attempts: the breaker opens.
    assert_unavailable(await rig.restaurant.act(first["id"], "place"))
    hits = len(rig.inventory.hits)
    with timer() as elapsed:
        response = await rig.restaurant.act(second["id"], "place")
    body = assert_unavailable(response)
    assert body["reason"] == "circuit_open"
    assert len(rig.inventory.hits) == hits, "an open breaker must not touch the network"
    # Not waiting for inventory at all is the proof above; this only catches a breaker
    # that waits out an attempt before answering (a loose bound, so load cannot flake it).
    assert elapsed[0] < ATTEMPT, "an open breaker must answer without waiting"

    rig.inventory.thaw()
    await asyncio.sleep(OPEN_SECONDS + 0.1)
    placed = await rig.restaurant.act(second["id"], "place")
    assert placed.status_code == 200, placed.text
    assert placed.json()["status"] == "placed"
    assert len(rig.inventory.reservations_for(second["id"])) == 1
    assert (await rig.restaurant.act(first["id"], "place")).status_code == 200


async def test_a_reservation_whose_answer_was_lost_is_retried_and_held_once(rig) -> None:
    soup = rig.restaurant.product(name="Soup", price=600, stock=10)
    order = await rig.open_order_of(soup, quantity=2)
    rig.inventory.hang_after_reserving = 1
    rig.inventory.hang_seconds = ATTEMPT + 0.6

    response = await rig.restaurant.act(order["id"], "place")
    assert response.status_code == 200, response.text
    assert rig.reservation_posts(order["id"]) == 2
    [reservation] = rig.inventory.reservations_for(order["id"])
    assert response.json()["reservation_id"] == reservation["id"]
    assert rig.inventory.available[(rig.restaurant.tenant_id, soup["id"])] == 8


async def test_an_order_cancelled_while_its_stock_is_reserved_gives_the_stock_back(rig) -> None:
    cake = rig.restaurant.product(name="Cake", price=450, stock=4)
    order = await rig.open_order_of(cake, quantity=3)
    rig.inventory.hang_after_reserving = 1
    rig.inventory.hang_seconds = 0.3  # slow, but within the attempt budget

    async def cancel_meanwhile() -> httpx.Response:
        await asyncio.sleep(0.1)
        return await rig.restaurant.act(order["id"], "cancel")

    placing, cancelling = await asyncio.gather(
        rig.restaurant.act(order["id"], "place"), cancel_meanwhile()
    )
    assert cancelling.status_code == 200
    assert placing.status_code == 409
    assert placing.json()["current_status"] == "cancelled"
    [reservation] = rig.inventory.reservations_for(order["id"])
    assert reservation["status"] == "released"
    assert rig.inventory.available[(rig.restaurant.tenant_id, cake["id"])] == 4
    assert (await rig.restaurant.get(order["id"]))["status"] == "cancelled"


async def test_items_are_frozen_and_a_second_place_waits_while_stock_is_reserved(rig) -> None:
    soup, order = await rig.soup_order()
    rig.inventory.hang_after_reserving = 1
    rig.inventory.hang_seconds = 0.3

    async def meanwhile(action: str) -> httpx.Response:
        await asyncio.sleep(0.1)
        if action == "add":
            return await rig.client.post(
                f"/api/v1/orders/{order['id']}/items",
                json={"product_id": soup["id"], "quantity": 1},
                headers=rig.restaurant.headers("waiter"),
            )
        return await rig.restaurant.act(order["id"], "place")

    placing, adding, placing_again = await asyncio.gather(
        rig.restaurant.act(order["id"], "place"), meanwhile("add"), meanwhile("place")
    )
    assert placing.status_code == 200, placing.text
    for refused in (adding, placing_again):
        assert refused.status_code == 409
        assert refused.json()["type"].endswith("order-being-placed")
        assert int(refused.headers["Retry-After"]) >= 1
    assert len(rig.inventory.reservations_for(order["id"])) == 1
    assert len((await rig.restaurant.get(order["id"]))["items"]) == 1


async def test_cancel_works_while_inventory_is_down(rig) -> None:
    _, order = await rig.soup_order()
    assert (await rig.restaurant.act(order["id"], "place")).status_code == 200
    rig.inventory.stop()

    response = await rig.restaurant.act(order["id"], "cancel", role="waiter")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    # The hold could not be settled now; it expires at inventory, and the event names it.
    assert response.json()["reservation_status"] == "held"


async def test_a_payment_settles_the_order_while_inventory_is_down(rig, pay_in_full) -> None:
    _, order = await rig.soup_order()
    placed = await rig.restaurant.act(order["id"], "place")
    assert placed.status_code == 200
    rig.inventory.stop()
    before = len(rig.inventory.hits)

    paid = await pay_in_full(rig.restaurant, placed.json())
    assert paid["status"] == "paid"
    # Settling from an event never calls inventory: order.paid names the hold for it.
    assert paid["reservation_status"] == "held"
    assert len(rig.inventory.hits) == before


async def test_a_hold_is_released_when_the_placement_cannot_be_recorded(rig, monkeypatch) -> None:
    from pos_core.adapters.tables import outbox

    soup = rig.restaurant.product(name="Soup", price=600, stock=5)
    order = await rig.open_order_of(soup, quantity=2)

    async def broken_outbox(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away mid-transaction")

    monkeypatch.setattr(outbox, "record_event", broken_outbox)
    response = await rig.restaurant.act(order["id"], "place")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM

    [reservation] = rig.inventory.reservations_for(order["id"])
    assert reservation["status"] == "released"
    assert rig.inventory.available[(rig.restaurant.tenant_id, soup["id"])] == 5
    still = await rig.restaurant.get(order["id"])
    assert still["status"] == "open"
    assert still["reservation_id"] is None
    # Not frozen either: the waiter can carry on, and placing works once the fault is gone.
    await rig.restaurant.add(order["id"], soup)
    monkeypatch.undo()
    assert (await rig.restaurant.act(order["id"], "place")).status_code == 200

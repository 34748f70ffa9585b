"""pos-core away: payments go on against the copy built from its order events; without one, 503."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text

from pos_kit.events.testing import wait_until
from pos_kit.testing.bus import new_event
from pos_kit.testing.servers import ThreadedServer


def order_placed(order: dict[str, Any], placed_by: str) -> dict[str, Any]:
    """`order.placed` as pos-core publishes it (what payment reads, and the rest)."""
    return {
        "order_id": order["id"],
        "order_number": 12,
        "type": "dine_in",
        "table_id": None,
        "guests": 2,
        "currency": order["currency"],
        "items": [
            {"item_id": item["id"], "product_id": str(uuid.uuid4()), "name": "Dish", "quantity": 1,
             "notes": None, "modifiers": [], "base_price": item["line_total"],
             "unit_price": item["line_total"], "tax_rate_bps": 0,
             "line_amount": item["line_total"], "line_tax": 0, "line_total": item["line_total"]}
            for item in order["items"]
        ],
        "totals": {"subtotal": order["total"], "tax": order["tax"], "total": order["total"],
                   "taxes": []},
        "reservation_id": str(uuid.uuid4()),
        "placed_at": "2026-11-25T19:30:00+00:00",
        "placed_by": placed_by,
    }  # fmt: skip


def stopped_server() -> ThreadedServer:
    """A pos-core that was there and is gone: its port refuses connections."""
    server = ThreadedServer(FastAPI()).start()
    server.stop()
    return server


async def test_with_pos_core_stopped_a_placed_order_seen_in_events_can_still_be_paid(
    restaurant, kit, bus
) -> None:
    order = restaurant.order(2000, 1500)
    gone = stopped_server()
    await bus.publish(
        new_event("order.placed", order_placed(order, restaurant.server_id),
                  tenant_id=restaurant.tenant_id)
    )  # fmt: skip
    async with kit.other_client(pos_core_url=gone.url) as client:
        restaurant.client = client

        async def copied() -> bool:
            response = await client.get(
                "/api/v1/payments", params={"order_id": order["id"]}, headers=restaurant.cashier()
            )
            return response.status_code == 200

        await wait_until(copied, what="payment's copy of the order")
        paid = await restaurant.paid(order, 3500, lines=[i["id"] for i in order["items"]])

    assert paid["balance_after"] == 0
    assert paid["served_by"] == restaurant.server_id


async def test_with_pos_core_stopped_and_no_copy_the_answer_is_503_with_retry_after(
    restaurant, kit
) -> None:
    order = restaurant.order(1000)
    gone = stopped_server()
    async with kit.other_client(pos_core_url=gone.url) as client:
        restaurant.client = client
        response = await restaurant.pay(order, 1000)
        balance = await client.get(
            "/api/v1/payments", params={"order_id": order["id"]}, headers=restaurant.cashier()
        )

    assert response.status_code == 503
    assert response.json()["type"].endswith("/order-unavailable")
    assert int(response.headers["retry-after"]) >= 1
    assert balance.status_code == 503


async def test_an_order_cancelled_in_events_is_refused_even_without_pos_core(
    restaurant, kit, bus, database
) -> None:
    order = restaurant.order(1000)
    gone = stopped_server()
    await bus.publish(
        new_event("order.placed", order_placed(order, restaurant.server_id),
                  tenant_id=restaurant.tenant_id)
    )  # fmt: skip
    await bus.publish(
        new_event(
            "order.cancelled",
            {"order_id": order["id"], "order_number": 12, "type": "dine_in", "table_id": None,
             "previous_status": "placed", "reservation_id": None,
             "cancelled_at": "2026-11-25T19:45:00+00:00", "cancelled_by": "someone"},
            tenant_id=restaurant.tenant_id,
        )
    )  # fmt: skip

    async def cancelled() -> bool:
        async with database.unit_of_work() as uow:
            status = await uow.session.scalar(
                text("SELECT status FROM orders WHERE order_id = :o"), {"o": uuid.UUID(order["id"])}
            )
        return status == "cancelled"

    await wait_until(cancelled, what="the cancellation to reach payment's copy")
    async with kit.other_client(pos_core_url=gone.url) as client:
        restaurant.client = client
        refused = await restaurant.pay(order, 1000)

    assert refused.status_code == 409
    assert refused.json()["type"].endswith("/order-cancelled")

"""Event payloads: a kitchen can cook from order.placed alone; money stays integer."""

from __future__ import annotations

import json
import uuid

from pos_core.domain import events
from pos_core.domain.orders import OrderStatus


def test_order_placed_carries_what_the_kitchen_and_the_books_need(make, no_floats) -> None:
    pizza = make.pizza()
    table = uuid.uuid4()
    order = make.order(
        make.item(pizza, 2, modifiers=("Large", "Olives"), notes="no basil"),
        table_id=table,
        status=OrderStatus.PLACED,
    )
    data = events.order_placed(order)
    json.dumps(data, allow_nan=False)  # plain JSON
    no_floats(data)
    assert data["order_id"] == str(order.id)
    assert data["order_number"] == 7
    assert (data["type"], data["table_id"], data["guests"]) == ("dine_in", str(table), 2)
    [item] = data["items"]
    assert item["product_id"] == str(pizza.id)
    assert (item["name"], item["quantity"], item["notes"]) == ("Margherita", 2, "no basil")
    assert item["modifiers"] == ["Large", "Olives"]
    assert (item["unit_price"], item["line_amount"], item["line_tax"]) == (1600, 3200, 320)
    assert data["totals"] == {
        "subtotal": 3200,
        "tax": 320,
        "total": 3520,
        "taxes": [{"rate_bps": 1000, "taxable": 3200, "tax": 320}],
    }
    assert data["placed_at"] == make.NOW.isoformat()
    assert data["placed_by"] == "waiter-1"
    assert data["reservation_id"] == "r-1"


def test_cancelled_paid_and_closed_name_the_order_and_its_reservation(make) -> None:
    cancelled = make.order(make.item(make.product()), status=OrderStatus.CANCELLED)
    assert events.order_cancelled(cancelled, previous_status="open")["previous_status"] == "open"
    paid = make.order(make.item(make.product()), status=OrderStatus.PAID)
    assert events.order_paid(paid)["totals"]["total"] == 1320
    closed = make.order(make.item(make.product()), status=OrderStatus.CLOSED)
    data = events.order_closed(closed, previous_status="paid")
    assert (data["reservation_id"], data["closed_by"]) == ("r-1", "manager-1")

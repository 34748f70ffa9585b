"""An order's life over HTTP: open, add, place (stock reserved once), paid (by the payment
service's payments), close, cancel."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


async def test_an_order_goes_from_open_to_closed(
    restaurant, inventory, pay_in_full, no_floats
) -> None:
    pizza = restaurant.pizza()
    cola = restaurant.product(name="Cola", price=350, tax_rate_bps=2000)
    table_id = restaurant.table()

    order = await restaurant.open_order(
        type="dine_in",
        table_id=table_id,
        guests=2,
        items=[restaurant.line(pizza, "Large", "Extra cheese", quantity=2, notes="well done")],
    )
    assert order["status"] == "open"
    assert order["number"] == 1
    assert order["table_id"] == table_id
    order = await restaurant.add(order["id"], cola, quantity=3)
    pizza_line, cola_line = order["items"]
    # (1200 + 300 + 150) * 2 = 3300, tax 10 % = 330; 350 * 3 = 1050, tax 20 % = 210.
    assert (pizza_line["unit_price"], pizza_line["line_amount"], pizza_line["line_tax"]) == (
        1650,
        3300,
        330,
    )
    assert [m["name"] for m in pizza_line["modifiers"]] == ["Large", "Extra cheese"]
    assert (cola_line["line_amount"], cola_line["line_tax"]) == (1050, 210)
    assert (order["subtotal"], order["tax"], order["total"]) == (4350, 540, 4890)
    assert order["currency"] == "EUR"
    assert order["prices_include_tax"] is False
    no_floats(order)
    assert all(type(order[k]) is int for k in ("subtotal", "tax", "total"))

    placed = await restaurant.act(order["id"], "place")
    assert placed.status_code == 200, placed.text
    placed_order = placed.json()
    assert placed_order["status"] == "placed"
    assert placed_order["placed_at"]
    [reservation] = inventory.reservations_for(order["id"])
    assert placed_order["reservation_id"] == reservation["id"]
    assert reservation["status"] == "held"
    assert sorted(
        (line["product_id"], line["quantity"]) for line in reservation["lines"]
    ) == sorted([(pizza["id"], 2), (cola["id"], 3)])

    # The payment service's payment settles it. pos-core does not call inventory from an
    # event: inventory commits the hold from order.paid.
    paid = await pay_in_full(restaurant, placed_order)
    assert paid["status"] == "paid"
    assert paid["paid_at"]
    assert paid["reservation_status"] == "held"

    # Closing (a cashier) commits the hold at inventory, as pos-core itself.
    closed = await restaurant.act(order["id"], "close", role="cashier")
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["reservation_status"] == "committed"
    assert inventory.reservations[reservation["id"]]["status"] == "committed"
    assert (await restaurant.get(order["id"]))["status"] == "closed"


async def test_order_numbers_count_up_per_restaurant(restaurant, restaurant_factory) -> None:
    first = await restaurant.open_order()
    second = await restaurant.open_order()
    other = await restaurant_factory().open_order()
    assert (first["number"], second["number"], other["number"]) == (1, 2, 1)


async def test_prices_are_copied_when_the_item_is_added(restaurant, inventory) -> None:
    soup = restaurant.product(name="Soup of the day", price=650, tax_rate_bps=700)
    order = await restaurant.open_order()
    await restaurant.add(order["id"], soup)

    inventory.set_price(restaurant.tenant_id, soup["id"], 990)
    unchanged = await restaurant.get(order["id"])
    assert unchanged["items"][0]["base_price"] == 650
    assert unchanged["subtotal"] == 650

    later = await restaurant.add(order["id"], soup)
    assert [i["base_price"] for i in later["items"]] == [650, 990]
    assert later["subtotal"] == 1640


async def test_placing_twice_reserves_once(restaurant, inventory) -> None:
    soup = restaurant.product(price=500)
    order = await restaurant.open_order(items=[restaurant.line(soup, quantity=2)])
    first = await restaurant.act(order["id"], "place")
    assert first.status_code == 200

    again = await restaurant.act(order["id"], "place")
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    assert again.json()["current_status"] == "placed"
    assert len(inventory.reservations_for(order["id"])) == 1
    posts = [h for h in inventory.hits if h.method == "POST" and h.path == "/api/v1/reservations"]
    mine = [h for h in posts if h.headers.get("idempotency-key") == order["id"]]
    assert len(mine) == 1, "a placed order must not ask inventory again"


async def test_short_stock_is_a_409_naming_the_items_and_the_order_stays_open(
    restaurant, inventory
) -> None:
    tiramisu = restaurant.product(name="Tiramisu", price=700, stock=1)
    order = await restaurant.open_order(items=[restaurant.line(tiramisu, quantity=3)])

    response = await restaurant.act(order["id"], "place")
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["current_status"] == "open"
    assert body["short_lines"] == [
        {"product_id": tiramisu["id"], "name": "Tiramisu", "requested": 3, "available": 1}
    ]
    assert "Tiramisu" in body["detail"]
    still = await restaurant.get(order["id"])
    assert still["status"] == "open"
    assert still["reservation_id"] is None
    assert inventory.reservations_for(order["id"]) == []

    # The waiter fixes the order and places it; the freeze on the items has lifted.
    item_id = still["items"][0]["id"]
    removed = await restaurant.client.delete(
        f"/api/v1/orders/{order['id']}/items/{item_id}", headers=restaurant.headers("waiter")
    )
    assert removed.status_code == 200
    await restaurant.add(order["id"], tiramisu, quantity=1)
    assert (await restaurant.act(order["id"], "place")).status_code == 200


async def test_cancelling_a_placed_order_releases_its_stock(restaurant, inventory) -> None:
    cake = restaurant.product(name="Cake", price=450, stock=5)
    order = await restaurant.open_order(items=[{"product_id": cake["id"], "quantity": 2}])
    await restaurant.act(order["id"], "place")
    assert inventory.available[(restaurant.tenant_id, cake["id"])] == 3

    cancelled = await restaurant.act(order["id"], "cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["reservation_status"] == "released"
    [reservation] = inventory.reservations_for(order["id"])
    assert reservation["status"] == "released"
    assert inventory.available[(restaurant.tenant_id, cake["id"])] == 5

    again = await restaurant.act(order["id"], "cancel")
    assert again.status_code == 409
    assert again.json()["current_status"] == "cancelled"


async def test_cancelling_an_open_order_does_not_call_inventory(restaurant, inventory) -> None:
    order = await restaurant.open_order()
    before = len(inventory.hits)
    response = await restaurant.act(order["id"], "cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert len(inventory.hits) == before


@pytest.mark.parametrize(
    ("setup", "action", "role", "current"),
    [
        ([], "close", "cashier", "open"),
        (["place"], "place", "waiter", "placed"),
        (["place", "paid"], "cancel", "waiter", "paid"),
        (["place", "paid"], "place", "waiter", "paid"),
        (["place", "close"], "cancel", "waiter", "closed"),
        (["place", "close"], "close", "cashier", "closed"),
        (["cancel"], "place", "waiter", "cancelled"),
        (["cancel"], "close", "cashier", "cancelled"),
    ],
)
async def test_an_illegal_transition_is_a_409_with_the_current_status(
    restaurant, pay_in_full, setup, action, role, current
) -> None:
    soup = restaurant.product(price=500)
    order = await restaurant.open_order(items=[{"product_id": soup["id"], "quantity": 1}])
    for step in setup:
        if step == "paid":  # the payment service's payment, not a request here
            await pay_in_full(restaurant, await restaurant.get(order["id"]))
            continue
        done = await restaurant.act(order["id"], step, role="manager")
        assert done.status_code == 200, done.text
    response = await restaurant.act(order["id"], action, role=role)
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["current_status"] == current
    assert (await restaurant.get(order["id"]))["status"] == current


async def test_items_change_only_while_the_order_is_open(restaurant) -> None:
    soup = restaurant.product(price=500)
    order = await restaurant.placed_order(soup)
    add = await restaurant.client.post(
        f"/api/v1/orders/{order['id']}/items",
        json={"product_id": soup["id"], "quantity": 1},
        headers=restaurant.headers("waiter"),
    )
    assert add.status_code == 409
    assert add.json()["current_status"] == "placed"
    remove = await restaurant.client.delete(
        f"/api/v1/orders/{order['id']}/items/{order['items'][0]['id']}",
        headers=restaurant.headers("waiter"),
    )
    assert remove.status_code == 409
    assert len((await restaurant.get(order["id"]))["items"]) == 1


async def test_an_empty_order_cannot_be_placed(restaurant) -> None:
    order = await restaurant.open_order()
    response = await restaurant.act(order["id"], "place")
    assert response.status_code == 422
    assert (await restaurant.get(order["id"]))["status"] == "open"


async def test_a_repeated_create_with_the_same_idempotency_key_answers_the_same_order(
    restaurant, db_count
) -> None:
    soup = restaurant.product(price=500)
    body = {"type": "takeout", "items": [{"product_id": soup["id"], "quantity": 2}]}
    headers = {**restaurant.headers("waiter"), "Idempotency-Key": "till-3-0001"}
    first = await restaurant.client.post("/api/v1/orders", json=body, headers=headers)
    again = await restaurant.client.post("/api/v1/orders", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    assert await db_count("orders", tenant_id=restaurant.tenant_id) == 1

    different = await restaurant.client.post(
        "/api/v1/orders", json={**body, "type": "delivery"}, headers=headers
    )
    assert different.status_code == 422
    assert await db_count("orders", tenant_id=restaurant.tenant_id) == 1


async def test_orders_are_listed_newest_first_by_status_and_page(restaurant) -> None:
    soup = restaurant.product(price=500)
    opened = [await restaurant.open_order() for _ in range(3)]
    placed = await restaurant.placed_order(soup)

    everything = await restaurant.client.get(
        "/api/v1/orders", params={"limit": 2}, headers=restaurant.headers("waiter")
    )
    assert everything.status_code == 200
    page = everything.json()
    assert [o["id"] for o in page["items"]] == [placed["id"], opened[2]["id"]]
    rest = await restaurant.client.get(
        "/api/v1/orders",
        params={"limit": 2, "cursor": page["next_cursor"]},
        headers=restaurant.headers("waiter"),
    )
    assert [o["id"] for o in rest.json()["items"]] == [opened[1]["id"], opened[0]["id"]]
    assert rest.json()["next_cursor"] is None

    only_placed = await restaurant.client.get(
        "/api/v1/orders", params={"status": "placed"}, headers=restaurant.headers("waiter")
    )
    assert [o["id"] for o in only_placed.json()["items"]] == [placed["id"]]

    too_many = await restaurant.client.get(
        "/api/v1/orders", params={"limit": 101}, headers=restaurant.headers("waiter")
    )
    assert too_many.status_code == 422
    forged = await restaurant.client.get(
        "/api/v1/orders", params={"cursor": "not-a-cursor"}, headers=restaurant.headers("waiter")
    )
    assert forged.status_code == 400


async def test_roles(restaurant, client) -> None:
    order = await restaurant.open_order()
    kitchen = restaurant.headers("kitchen")
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=kitchen)).status_code == 200
    assert (await client.get("/api/v1/orders", headers=kitchen)).status_code == 200
    refused = await client.post("/api/v1/orders", json={"type": "takeout"}, headers=kitchen)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM
    assert (await restaurant.act(order["id"], "cancel", role="kitchen")).status_code == 403
    assert (await restaurant.act(order["id"], "close", role="waiter")).status_code == 403
    assert (await client.get(f"/api/v1/orders/{order['id']}")).status_code == 401


@pytest.mark.parametrize("role", ["owner", "manager", "cashier", "waiter", "kitchen"])
async def test_paying_here_is_gone_and_names_the_payment_service(
    restaurant, db_count, role
) -> None:
    soup = restaurant.product(price=500)
    order = await restaurant.placed_order(soup)

    gone = await restaurant.act(order["id"], "pay", role=role)
    assert gone.status_code == 410
    assert gone.headers["content-type"] == PROBLEM
    assert "POST /api/v1/payments" in gone.json()["detail"]
    assert gone.json()["use_instead"] == "POST /api/v1/payments"
    # Nothing recorded: the order is as it was, no payment kept, no event beyond placing.
    assert (await restaurant.get(order["id"]))["status"] == "placed"
    assert await db_count("order_payments", order_id=order["id"]) == 0
    assert await db_count("outbox", tenant_id=restaurant.tenant_id) == 1


async def test_paying_here_still_needs_a_token(restaurant, client) -> None:
    order = await restaurant.open_order()
    assert (await client.post(f"/api/v1/orders/{order['id']}/pay")).status_code == 401

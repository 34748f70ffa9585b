"""Reservations: all lines or none, once per order, committed or released exactly once."""

from __future__ import annotations

import uuid


async def test_a_reservation_holds_stock_until_it_is_committed(client, restaurant) -> None:
    pizza = await restaurant.stocked(5, name="Margherita")
    bread = await restaurant.product(name="Bread", track_stock=False)
    response = await restaurant.reserve((pizza, 2), (bread, 3))
    assert response.status_code == 201, response.text
    reservation = response.json()
    assert reservation["status"] == "held"
    assert reservation["lines"] == [
        {"product_id": pizza["id"], "quantity": 2},
        {"product_id": bread["id"], "quantity": 3},
    ]
    assert reservation["expires_at"] > reservation["created_at"]
    assert response.headers["location"] == f"/api/v1/reservations/{reservation['id']}"
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (5, 2, 3)

    path = f"/api/v1/reservations/{reservation['id']}"
    committed = await restaurant.settle(reservation, "commit")
    assert committed.status_code == 200
    assert committed.json()["status"] == "committed"
    assert committed.json()["committed_at"]
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (3, 0, 3)

    again = await restaurant.settle(reservation, "commit")
    assert again.status_code == 200
    assert (await restaurant.stock(pizza))["on_hand"] == 3

    release = await restaurant.settle(reservation, "release")
    assert release.status_code == 409
    assert (await client.get(path, headers=restaurant.headers())).json()["status"] == "committed"

    trail = await client.get(
        f"/api/v1/products/{pizza['id']}/stock/adjustments", headers=restaurant.headers()
    )
    sale = trail.json()["items"][0]
    assert (sale["reason"], sale["delta"], sale["reservation_id"]) == (
        "sale",
        -2,
        reservation["id"],
    )


async def test_a_release_gives_the_stock_back_once(client, restaurant) -> None:
    pizza = await restaurant.stocked(4)
    reservation = (await restaurant.reserve((pizza, 4))).json()
    assert (await restaurant.stock(pizza))["available"] == 0
    for _ in range(2):
        released = await restaurant.settle(reservation, "release")
        assert released.status_code == 200
        assert released.json()["status"] == "released"
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (4, 0, 4)
    commit = await restaurant.settle(reservation, "commit")
    assert commit.status_code == 409
    assert (await restaurant.stock(pizza))["on_hand"] == 4


async def test_one_short_line_reserves_nothing_and_names_the_short_item(restaurant) -> None:
    pizza = await restaurant.stocked(5, name="Margherita")
    tiramisu = await restaurant.stocked(1, name="Tiramisu")
    order_id = str(uuid.uuid4())
    short = await restaurant.reserve((pizza, 2), (tiramisu, 2), order_id=order_id)
    assert short.status_code == 409
    assert short.headers["content-type"] == "application/problem+json"
    problem = short.json()
    assert problem["short_lines"] == [
        {"product_id": tiramisu["id"], "name": "Tiramisu", "requested": 2, "available": 1}
    ]
    assert "Tiramisu" in problem["detail"]
    assert "Margherita" not in problem["detail"]
    assert (await restaurant.stock(pizza))["reserved"] == 0
    assert (await restaurant.stock(tiramisu))["reserved"] == 0

    # Nothing was kept for the order: it can be reserved once the lines fit.
    fits = await restaurant.reserve((pizza, 2), (tiramisu, 1), order_id=order_id)
    assert fits.status_code == 201


async def test_the_same_order_twice_is_reserved_once(client, restaurant) -> None:
    pizza = await restaurant.stocked(10)
    order_id = str(uuid.uuid4())
    first = await restaurant.reserve((pizza, 3), order_id=order_id)
    second = await restaurant.reserve((pizza, 3), order_id=order_id)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert (await restaurant.stock(pizza))["reserved"] == 3

    other_lines = await restaurant.reserve((pizza, 4), order_id=order_id)
    assert other_lines.status_code == 409
    assert (await restaurant.stock(pizza))["reserved"] == 3

    fetched = await client.get(
        f"/api/v1/reservations/{first.json()['id']}", headers=restaurant.headers("kitchen")
    )
    assert fetched.json() == first.json()


async def test_an_86d_item_cannot_be_reserved(client, restaurant) -> None:
    soup = await restaurant.product(name="Soup of the day", available=False)
    pizza = await restaurant.stocked(5)
    refused = await restaurant.reserve((pizza, 1), (soup, 1))
    assert refused.status_code == 409
    assert "Soup of the day" in refused.json()["detail"]
    assert refused.json()["unavailable_lines"] == [
        {"product_id": soup["id"], "name": "Soup of the day"}
    ]
    assert (await restaurant.stock(pizza))["reserved"] == 0

    # 86 a stocked item: even with stock it cannot be ordered.
    await client.patch(
        f"/api/v1/products/{pizza['id']}", json={"available": False}, headers=restaurant.headers()
    )
    assert (await restaurant.reserve((pizza, 1))).status_code == 409


async def test_untracked_items_are_always_reservable_but_must_exist(restaurant) -> None:
    water = await restaurant.product(name="Tap water", track_stock=False)
    for _ in range(3):
        assert (await restaurant.reserve((water, 1000))).status_code == 201
    gone = await restaurant.product(name="Old special")
    await restaurant.client.delete(f"/api/v1/products/{gone['id']}", headers=restaurant.headers())
    missing = await restaurant.reserve((water, 1), (gone, 1))
    assert missing.status_code == 422
    assert missing.json()["unknown_product_ids"] == [gone["id"]]


async def test_a_released_order_is_reserved_afresh_on_the_same_reservation(
    client, restaurant
) -> None:
    pizza = await restaurant.stocked(5)
    beer = await restaurant.stocked(10)
    order_id = str(uuid.uuid4())
    first = (await restaurant.reserve((pizza, 3), order_id=order_id)).json()
    path = f"/api/v1/reservations/{first['id']}"
    assert (await restaurant.settle(first, "release")).json()["status"] == "released"
    assert (await restaurant.stock(pizza))["reserved"] == 0

    # pos-core retries placing the order (its items changed meanwhile): a fresh hold.
    again = await restaurant.reserve((pizza, 2), (beer, 1), order_id=order_id)
    assert again.status_code == 201, again.text
    held = again.json()
    assert held["id"] == first["id"]
    assert again.headers["location"] == path
    assert held["status"] == "held"
    assert held["released_at"] is None
    assert held["lines"] == [
        {"product_id": pizza["id"], "quantity": 2},
        {"product_id": beer["id"], "quantity": 1},
    ]
    assert held["expires_at"] > first["expires_at"]
    assert held["created_at"] > first["created_at"]
    assert (await restaurant.stock(pizza))["reserved"] == 2
    assert (await restaurant.stock(beer))["reserved"] == 1

    # The fresh hold behaves like any other: a repeat is the same one, other lines conflict.
    repeat = await restaurant.reserve((pizza, 2), (beer, 1), order_id=order_id)
    assert (repeat.status_code, repeat.json()) == (200, held)
    assert (await restaurant.reserve((pizza, 3), order_id=order_id)).status_code == 409
    assert (await client.get(path, headers=restaurant.headers())).json() == held
    assert (await restaurant.stock(pizza))["reserved"] == 2

    committed = await restaurant.settle(held, "commit")
    assert committed.json()["status"] == "committed"
    stock = await restaurant.stock(pizza)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (3, 0, 3)
    # A committed order is never held again: the repeat answers it as it is.
    after = await restaurant.reserve((pizza, 2), (beer, 1), order_id=order_id)
    assert (after.status_code, after.json()["status"]) == (200, "committed")
    assert (await restaurant.stock(pizza))["reserved"] == 0


async def test_a_released_order_that_is_now_short_holds_nothing_and_stays_released(
    client, restaurant
) -> None:
    pizza = await restaurant.stocked(5, name="Diavola")
    order_id = str(uuid.uuid4())
    first = (await restaurant.reserve((pizza, 3), order_id=order_id)).json()
    path = f"/api/v1/reservations/{first['id']}"
    released = (await restaurant.settle(first, "release")).json()
    assert (await restaurant.reserve((pizza, 4))).status_code == 201  # another table: 1 left

    short = await restaurant.reserve((pizza, 3), order_id=order_id)
    assert short.status_code == 409, short.text
    assert short.json()["short_lines"] == [
        {"product_id": pizza["id"], "name": "Diavola", "requested": 3, "available": 1}
    ]
    assert (await client.get(path, headers=restaurant.headers())).json() == released
    assert (await restaurant.stock(pizza))["reserved"] == 4

    fits = await restaurant.reserve((pizza, 1), order_id=order_id)
    assert (fits.status_code, fits.json()["status"]) == (201, "held")
    assert (await restaurant.stock(pizza))["reserved"] == 5

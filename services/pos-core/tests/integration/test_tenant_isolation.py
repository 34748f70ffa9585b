"""Another restaurant's order, item or product answers exactly like a missing one."""

from __future__ import annotations

import uuid


async def test_another_restaurants_order_is_not_found(
    restaurant, restaurant_factory, client, inventory
) -> None:
    soup = restaurant.product(price=500)
    order = await restaurant.open_order(items=[restaurant.line(soup)])
    item_id = order["items"][0]["id"]
    intruder = restaurant_factory()
    missing = str(uuid.uuid4())

    attempts = [
        ("GET", "/api/v1/orders/{id}", None),
        ("GET", "/api/v1/orders/{id}/receipt", None),
        ("POST", "/api/v1/orders/{id}/items", {"product_id": soup["id"], "quantity": 1}),
        ("DELETE", f"/api/v1/orders/{{id}}/items/{item_id}", None),
        ("POST", "/api/v1/orders/{id}/place", None),
        ("POST", "/api/v1/orders/{id}/cancel", None),
    ]
    for method, path, body in attempts:
        theirs = await client.request(
            method, path.format(id=order["id"]), json=body, headers=intruder.headers("manager")
        )
        nothing = await client.request(
            method, path.format(id=missing), json=body, headers=intruder.headers("manager")
        )
        # Adding an item asks inventory first: the intruder's token does not see the soup.
        expected = 422 if path.endswith("/items") else 404
        assert theirs.status_code == nothing.status_code == expected, (method, path, theirs.text)
        assert theirs.json()["detail"] == nothing.json()["detail"]

    listed = await client.get("/api/v1/orders", headers=intruder.headers("waiter"))
    assert listed.json()["items"] == []
    unchanged = await restaurant.get(order["id"])
    assert unchanged["status"] == "open"
    assert len(unchanged["items"]) == 1
    assert inventory.reservations_for(order["id"]) == []


async def test_another_restaurants_product_cannot_be_ordered(
    restaurant, restaurant_factory, client
) -> None:
    theirs = restaurant_factory().product(name="Secret recipe", price=900)
    order = await restaurant.open_order()
    response = await client.post(
        f"/api/v1/orders/{order['id']}/items",
        json={"product_id": theirs["id"], "quantity": 1},
        headers=restaurant.headers("waiter"),
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["product_id"] == theirs["id"]
    assert theirs["id"] in response.json()["detail"]
    assert (await restaurant.get(order["id"]))["items"] == []

    on_create = await client.post(
        "/api/v1/orders",
        json={"type": "takeout", "items": [{"product_id": theirs["id"], "quantity": 1}]},
        headers=restaurant.headers("waiter"),
    )
    assert on_create.status_code == 422

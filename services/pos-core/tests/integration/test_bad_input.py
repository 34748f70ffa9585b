"""Bad input gets a 4xx problem+json a person can act on, and changes nothing."""

from __future__ import annotations

import uuid

import pytest

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "body",
    [
        {"type": "picnic"},
        {"type": "dine_in", "guests": 0},
        {"type": "dine_in", "guests": 51},
        {"type": "dine_in", "guests": "4"},
        {"type": "dine_in", "guests": 2.5},
        {"type": "dine_in", "table_id": "table-7"},
        {"type": "takeout", "items": [{"product_id": "nope", "quantity": 1}]},
        {"type": "takeout", "surprise": True},
        {"type": "takeout", "items": {"product_id": str(uuid.uuid4())}},
        # Text the database cannot store is refused before it gets there.
        {
            "type": "takeout",
            "items": [{"product_id": str(uuid.uuid4()), "quantity": 1, "notes": "a\x00b"}],
        },
        {},
        [],
    ],
)
async def test_a_bad_order_is_refused_and_nothing_is_created(restaurant, db_count, body) -> None:
    response = await restaurant.client.post(
        "/api/v1/orders", json=body, headers=restaurant.headers("waiter")
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"]
    assert await db_count("orders", tenant_id=restaurant.tenant_id) == 0


def _item_bodies(product_id: str, option: str, other_option: str) -> list[dict]:
    return [
        {"product_id": product_id, "quantity": 0},
        {"product_id": product_id, "quantity": -2},
        {"product_id": product_id, "quantity": 101},
        {"product_id": product_id, "quantity": 10**12},
        {"product_id": product_id, "quantity": 1.5},
        {"product_id": product_id, "quantity": "2"},
        {"product_id": product_id, "quantity": True},
        {"product_id": product_id},
        {"product_id": product_id, "quantity": 1, "notes": "x" * 501},
        {"product_id": product_id, "quantity": 1, "notes": 7},
        {"product_id": product_id, "quantity": 1, "notes": "well\x00done"},
        {"product_id": product_id, "quantity": 1, "modifiers": ["not-a-uuid"]},
        {"product_id": product_id, "quantity": 1, "modifiers": option},
        {"product_id": product_id, "quantity": 1, "price": 1},
        # Well-formed, but the menu says no:
        {"product_id": str(uuid.uuid4()), "quantity": 1, "modifiers": [option]},
        {"product_id": product_id, "quantity": 1, "modifiers": []},  # size is required
        {"product_id": product_id, "quantity": 1, "modifiers": [option, option]},
        {"product_id": product_id, "quantity": 1, "modifiers": [option, other_option]},
        {"product_id": product_id, "quantity": 1, "modifiers": [option, str(uuid.uuid4())]},
    ]


async def test_a_bad_item_is_refused_and_the_order_is_unchanged(restaurant, option_of) -> None:
    pizza = restaurant.pizza()
    order = await restaurant.open_order(items=[restaurant.line(pizza, "Large")])
    bodies = _item_bodies(pizza["id"], option_of(pizza, "Large"), option_of(pizza, "Regular"))
    for body in bodies:
        response = await restaurant.client.post(
            f"/api/v1/orders/{order['id']}/items", json=body, headers=restaurant.headers("waiter")
        )
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["detail"]
    assert await restaurant.get(order["id"]) == order


async def test_an_unavailable_product_is_a_409(restaurant) -> None:
    oysters = restaurant.product(name="Oysters", price=2400, available=False)
    order = await restaurant.open_order()
    response = await restaurant.client.post(
        f"/api/v1/orders/{order['id']}/items",
        json={"product_id": oysters["id"], "quantity": 6},
        headers=restaurant.headers("waiter"),
    )
    assert response.status_code == 409
    assert "Oysters" in response.json()["detail"]
    assert (await restaurant.get(order["id"]))["items"] == []


async def test_unknown_ids_are_404_and_malformed_ids_422(restaurant) -> None:
    order = await restaurant.open_order()
    unknown_item = await restaurant.client.delete(
        f"/api/v1/orders/{order['id']}/items/{uuid.uuid4()}", headers=restaurant.headers("waiter")
    )
    assert unknown_item.status_code == 404
    assert unknown_item.headers["content-type"] == PROBLEM
    malformed = await restaurant.client.get(
        "/api/v1/orders/42", headers=restaurant.headers("waiter")
    )
    assert malformed.status_code == 422
    bad_status = await restaurant.client.get(
        "/api/v1/orders", params={"status": "eaten"}, headers=restaurant.headers("waiter")
    )
    assert bad_status.status_code == 422


async def test_malformed_json_is_400(restaurant) -> None:
    response = await restaurant.client.post(
        "/api/v1/orders",
        content=b'{"type": "takeout", ',
        headers={**restaurant.headers("waiter"), "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["correlation_id"]


async def test_an_absurdly_large_body_is_413(restaurant) -> None:
    response = await restaurant.client.post(
        "/api/v1/orders",
        content=b'{"type": "takeout", "items": [' + b" " * (2 * 1024 * 1024) + b"]}",
        headers={**restaurant.headers("waiter"), "content-type": "application/json"},
    )
    assert response.status_code == 413

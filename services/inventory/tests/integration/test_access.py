"""Who may do what, and every restaurant sees only its own menu, stock and reservations."""

from __future__ import annotations

import uuid

import pytest

from pos_kit.testing.http import expect, expect_problem
from pos_kit.testing.tokens import bearer


@pytest.mark.parametrize("role", ["waiter", "cashier", "kitchen"])
async def test_floor_staff_read_the_menu_but_do_not_write_it(client, restaurant, role) -> None:
    product = await restaurant.stocked(5)
    staff = restaurant.headers(role)
    assert (await client.get("/api/v1/products", headers=staff)).status_code == 200
    assert (await client.get(f"/api/v1/products/{product['id']}", headers=staff)).status_code == 200
    assert (await client.get("/api/v1/categories", headers=staff)).status_code == 200
    stock = await client.get(f"/api/v1/products/{product['id']}/stock", headers=staff)
    assert stock.status_code == 200

    writes = [
        client.post("/api/v1/products", json={"name": "X", "price": 1}, headers=staff),
        client.patch(f"/api/v1/products/{product['id']}", json={"price": 1}, headers=staff),
        client.delete(f"/api/v1/products/{product['id']}", headers=staff),
        client.post("/api/v1/categories", json={"name": "X"}, headers=staff),
        client.put(f"/api/v1/products/{product['id']}/stock", json={"on_hand": 99}, headers=staff),
        client.post(
            f"/api/v1/products/{product['id']}/stock/adjustments",
            json={"delta": 5, "reason": "received"},
            headers=staff,
        ),
    ]
    for write in writes:
        response = await write
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
    assert (await restaurant.stock(product))["on_hand"] == 5


async def test_without_a_valid_token_nothing_is_answered(client, restaurant, tokens) -> None:
    assert (await client.get("/api/v1/products")).status_code == 401
    forged = await client.get("/api/v1/products", headers=bearer("not.a.jwt"))
    assert forged.status_code == 401
    expired = tokens.staff(tenant_id=restaurant.tenant_id, ttl_seconds=-60)
    assert (await client.get("/api/v1/products", headers=bearer(expired))).status_code == 401


async def test_a_service_token_reserves_only_with_the_scope_and_a_tenant(
    client, restaurant, tokens
) -> None:
    product = await restaurant.stocked(5)
    body = {"order_id": str(uuid.uuid4()), "lines": [{"product_id": product["id"], "quantity": 1}]}
    # auth's client-credentials tokens name no tenant: there is nobody to reserve for.
    no_tenant = tokens.service("pos-core", ["inventory:reserve"])
    refused = await client.post("/api/v1/reservations", json=body, headers=bearer(no_tenant))
    assert refused.status_code == 403
    unscoped = tokens.service("pos-core", ["orders:read"])
    refused = await client.post("/api/v1/reservations", json=body, headers=bearer(unscoped))
    assert refused.status_code == 403
    assert (await restaurant.stock(product))["reserved"] == 0


@pytest.mark.parametrize("role", ["waiter", "manager", "kitchen", "owner", "cashier"])
async def test_no_member_of_staff_holds_commits_or_releases_stock(client, restaurant, role) -> None:
    product = await restaurant.stocked(5)
    held = expect(await restaurant.reserve((product, 2)), 201)
    staff = restaurant.headers(role)
    body = {"order_id": str(uuid.uuid4()), "lines": [{"product_id": product["id"], "quantity": 1}]}
    path = f"/api/v1/reservations/{held['id']}"

    refused = {
        "reserve": await client.post("/api/v1/reservations", json=body, headers=staff),
        "commit": await client.post(f"{path}/commit", headers=staff),
        "release": await client.post(f"{path}/release", headers=staff),
    }
    for what, answer in refused.items():
        detail = expect_problem(answer, 403)["detail"]
        assert "service token with the scope 'inventory:reserve'" in detail, what

    # Nothing changed, and staff still read the hold pos-core made.
    assert expect(await client.get(path, headers=staff)) == held
    stock = await restaurant.stock(product)
    assert (stock["on_hand"], stock["reserved"]) == (5, 2)


async def test_a_service_token_for_another_restaurant_finds_no_reservation_of_this_one(
    client, restaurant, another_restaurant
) -> None:
    product = await restaurant.stocked(5)
    held = expect(await restaurant.reserve((product, 2)), 201)
    theirs = another_restaurant.pos_core()
    missing = str(uuid.uuid4())

    for method, path in [
        ("GET", "/api/v1/reservations/{}"),
        ("POST", "/api/v1/reservations/{}/commit"),
        ("POST", "/api/v1/reservations/{}/release"),
    ]:
        foreign = await client.request(method, path.format(held["id"]), headers=theirs)
        absent = await client.request(method, path.format(missing), headers=theirs)
        assert foreign.status_code == absent.status_code == 404, (method, path)
        assert foreign.json()["detail"] == absent.json()["detail"]

    # The same order id holds nothing of ours for them: our product is unknown there.
    stolen = await another_restaurant.reserve((product, 1), order_id=held["order_id"])
    assert expect_problem(stolen, 422)["unknown_product_ids"] == [product["id"]]
    assert (
        expect(
            await client.get(f"/api/v1/reservations/{held['id']}", headers=restaurant.pos_core())
        )
        == held
    )
    stock = await restaurant.stock(product)
    assert (stock["on_hand"], stock["reserved"]) == (5, 2)


async def test_a_service_token_with_menu_read_reads_that_restaurants_menu_only(
    client, restaurant, another_restaurant, tokens
) -> None:
    category = await restaurant.category(name="Mains")
    product = await restaurant.stocked(5, category_id=category["id"])
    their_product = await another_restaurant.stocked(3)
    chatbot = restaurant.service_headers("chatbot", "menu:read")

    listed = await client.get("/api/v1/products", headers=chatbot)
    assert [p["id"] for p in listed.json()["items"]] == [product["id"]]
    assert (await client.get(f"/api/v1/products/{product['id']}", headers=chatbot)).json()[
        "name"
    ] == product["name"]
    categories = await client.get("/api/v1/categories", headers=chatbot)
    assert [c["id"] for c in categories.json()["items"]] == [category["id"]]
    assert (
        await client.get(f"/api/v1/categories/{category['id']}", headers=chatbot)
    ).status_code == 200
    theirs = await client.get(f"/api/v1/products/{their_product['id']}", headers=chatbot)
    assert theirs.status_code == 404

    refused = {
        "the stock": client.get(f"/api/v1/products/{product['id']}/stock", headers=chatbot),
        "a write": client.patch(
            f"/api/v1/products/{product['id']}", json={"price": 1}, headers=chatbot
        ),
        "no restaurant": client.get(
            "/api/v1/products", headers=bearer(tokens.service("chatbot", ["menu:read"]))
        ),
        "no scope": client.get(
            "/api/v1/products", headers=restaurant.service_headers("chatbot", "orders:read")
        ),
        "a guest": client.get(
            "/api/v1/products", headers=restaurant.guest_headers(str(uuid.uuid4()))
        ),
    }
    for what, call in refused.items():
        assert (await call).status_code == 403, what


async def test_another_restaurants_things_are_404_exactly_like_missing_ones(
    client, restaurant, another_restaurant
) -> None:
    category = await restaurant.category(name="Mains")
    product = await restaurant.stocked(5, category_id=category["id"])
    reservation = (await restaurant.reserve((product, 1))).json()
    missing = str(uuid.uuid4())
    them = another_restaurant.headers()

    pairs = [
        ("GET", "/api/v1/products/{}", product["id"], None),
        ("PATCH", "/api/v1/products/{}", product["id"], {"price": 1}),
        ("DELETE", "/api/v1/products/{}", product["id"], None),
        ("GET", "/api/v1/products/{}/stock", product["id"], None),
        ("PUT", "/api/v1/products/{}/stock", product["id"], {"on_hand": 0}),
        (
            "POST",
            "/api/v1/products/{}/stock/adjustments",
            product["id"],
            {"delta": -5, "reason": "waste"},
        ),
        ("GET", "/api/v1/products/{}/stock/adjustments", product["id"], None),
        ("GET", "/api/v1/categories/{}", category["id"], None),
        ("PATCH", "/api/v1/categories/{}", category["id"], {"name": "Mine"}),
        ("DELETE", "/api/v1/categories/{}", category["id"], None),
        ("GET", "/api/v1/reservations/{}", reservation["id"], None),
    ]
    for method, path, theirs, body in pairs:
        foreign = await client.request(method, path.format(theirs), json=body, headers=them)
        absent = await client.request(method, path.format(missing), json=body, headers=them)
        assert foreign.status_code == absent.status_code == 404, (method, path)
        assert foreign.json()["detail"] == absent.json()["detail"]

    # Their menu does not show ours, and ours is untouched.
    listed = await client.get("/api/v1/products", headers=them)
    assert listed.json()["items"] == []
    assert (await client.get("/api/v1/categories", headers=them)).json()["items"] == []
    stock = await restaurant.stock(product)
    assert (stock["on_hand"], stock["reserved"]) == (5, 1)

    # Reserving our product from their restaurant: no such product there.
    stolen = await another_restaurant.reserve((product, 1))
    assert stolen.status_code == 422
    assert stolen.json()["unknown_product_ids"] == [product["id"]]
    # Using our category for their item: no such category there.
    borrowed = await client.post(
        "/api/v1/products",
        json={"name": "Copy", "price": 100, "category_id": category["id"]},
        headers=them,
    )
    assert borrowed.status_code == 422


async def test_the_same_order_id_in_two_restaurants_is_two_reservations(
    restaurant, another_restaurant
) -> None:
    order_id = str(uuid.uuid4())
    ours = await restaurant.reserve((await restaurant.stocked(3), 1), order_id=order_id)
    theirs = await another_restaurant.reserve(
        (await another_restaurant.stocked(3), 1), order_id=order_id
    )
    assert ours.status_code == theirs.status_code == 201
    assert ours.json()["id"] != theirs.json()["id"]

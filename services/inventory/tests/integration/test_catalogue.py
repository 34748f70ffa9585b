"""Categories and menu items through the API: create, read, list, change, remove."""

from __future__ import annotations

import uuid

PIZZA_MODIFIERS = [
    {
        "name": "Size",
        "min_choices": 1,
        "max_choices": 1,
        "options": [{"name": "Small", "price_delta": -100}, {"name": "Large", "price_delta": 150}],
    },
    {
        "name": "Extras",
        "min_choices": 0,
        "max_choices": 3,
        "options": [
            {"name": "Extra cheese", "price_delta": 120},
            {"name": "Olives", "price_delta": 80},
            {"name": "Basil"},
        ],
    },
]


async def test_a_menu_item_keeps_everything_it_was_given(client, restaurant) -> None:
    pizzas = await restaurant.category(name="Pizzas", position=2)
    created = await client.post(
        "/api/v1/products",
        json={
            "name": "Margherita",
            "description": "Tomato, mozzarella, basil",
            "price": 950,
            "category_id": pizzas["id"],
            "sku": "PZ-MARG",
            "tax_rate_bps": 1000,
            "tags": ["vegetarian", " Vegetarian ", "classic"],
            "allergens": ["gluten", "milk"],
            "modifier_groups": PIZZA_MODIFIERS,
        },
        headers=restaurant.headers("manager"),
    )
    assert created.status_code == 201, created.text
    product = created.json()
    assert created.headers["location"] == f"/api/v1/products/{product['id']}"
    assert product["currency"] == "EUR"  # the service's default
    assert product["tags"] == ["vegetarian", "classic"]
    assert product["available"] is True
    assert product["track_stock"] is False
    assert product["version"] == 1
    size, extras = product["modifier_groups"]
    assert (size["name"], size["min_choices"], size["max_choices"]) == ("Size", 1, 1)
    assert [(o["name"], o["price_delta"]) for o in size["options"]] == [
        ("Small", -100),
        ("Large", 150),
    ]
    assert extras["options"][2] == {
        "id": extras["options"][2]["id"],
        "name": "Basil",
        "price_delta": 0,
    }

    fetched = await client.get(
        f"/api/v1/products/{product['id']}", headers=restaurant.headers("waiter")
    )
    assert fetched.status_code == 200
    assert fetched.json() == product


async def test_a_patch_changes_only_what_it_names_and_keeps_modifier_ids(
    client, restaurant
) -> None:
    product = await restaurant.product(
        name="Diavola", sku="PZ-DIAV", modifier_groups=PIZZA_MODIFIERS
    )
    groups = product["modifier_groups"]
    groups[0]["options"][1]["price_delta"] = 200
    patched = await client.patch(
        f"/api/v1/products/{product['id']}",
        json={"price": 1100, "available": False, "modifier_groups": groups, "sku": None},
        headers=restaurant.headers(),
    )
    assert patched.status_code == 200, patched.text
    after = patched.json()
    assert (after["price"], after["available"], after["sku"], after["version"]) == (
        1100,
        False,
        None,
        2,
    )
    assert after["name"] == "Diavola"
    assert after["modifier_groups"][0]["id"] == groups[0]["id"]
    assert after["modifier_groups"][0]["options"][1] == groups[0]["options"][1]

    same = await client.patch(
        f"/api/v1/products/{product['id']}", json={"price": 1100}, headers=restaurant.headers()
    )
    assert same.json()["version"] == 2  # nothing changed, nothing bumped


async def test_products_are_listed_in_pages_and_filtered(client, restaurant) -> None:
    drinks = await restaurant.category(name="Drinks")
    food = await restaurant.category(name="Food")
    for name in ("Cola", "Water", "Lemonade"):
        await restaurant.product(name=name, category_id=drinks["id"])
    await restaurant.product(name="Juice", category_id=drinks["id"], available=False)
    await restaurant.product(name="Soup", category_id=food["id"])

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2, "category_id": drinks["id"], "available": "true"}
        if cursor:
            params["cursor"] = cursor
        page = await client.get(
            "/api/v1/products", params=params, headers=restaurant.headers("cashier")
        )
        assert page.status_code == 200, page.text
        seen += [p["name"] for p in page.json()["items"]]
        pages += 1
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert seen == ["Cola", "Lemonade", "Water"]
    assert pages == 2

    off = await client.get(
        "/api/v1/products", params={"available": "false"}, headers=restaurant.headers()
    )
    assert [p["name"] for p in off.json()["items"]] == ["Juice"]
    everything = await client.get("/api/v1/products", headers=restaurant.headers())
    assert len(everything.json()["items"]) == 5

    bad_cursor = await client.get(
        "/api/v1/products", params={"cursor": "%%%"}, headers=restaurant.headers()
    )
    assert bad_cursor.status_code == 400
    too_many = await client.get(
        "/api/v1/products", params={"limit": 101}, headers=restaurant.headers()
    )
    assert too_many.status_code == 422


async def test_an_orders_products_are_read_in_one_call_by_id(
    client, restaurant, another_restaurant
) -> None:
    """pos-core looks up an order's items with one `?id=...&id=...`, not one call each."""
    soup = await restaurant.product(name="Soup")
    bread = await restaurant.product(name="Bread", available=False)
    await restaurant.product(name="Salad")
    gone = await restaurant.product(name="Stew")
    await client.delete(f"/api/v1/products/{gone['id']}", headers=restaurant.headers())
    theirs = await another_restaurant.product(name="Their soup")

    asked = [soup["id"], bread["id"], gone["id"], theirs["id"], str(uuid.uuid4())]
    found = await client.get(
        "/api/v1/products", params={"id": asked}, headers=restaurant.headers("waiter")
    )
    assert found.status_code == 200, found.text
    # Unavailable ones are there (pos-core says why it refuses them); deleted ones,
    # other restaurants' and unknown ones are not.
    assert [(p["name"], p["available"]) for p in found.json()["items"]] == [
        ("Bread", False),
        ("Soup", True),
    ]
    assert found.json()["next_cursor"] is None

    too_many = await client.get(
        "/api/v1/products",
        params={"id": [str(uuid.uuid4()) for _ in range(101)]},
        headers=restaurant.headers(),
    )
    assert too_many.status_code == 422
    assert too_many.headers["content-type"] == "application/problem+json"
    not_an_id = await client.get(
        "/api/v1/products", params={"id": "soup"}, headers=restaurant.headers()
    )
    assert not_an_id.status_code == 422


async def test_a_deleted_item_is_gone_and_its_sku_is_free_again(client, restaurant) -> None:
    product = await restaurant.product(name="Calzone", sku="PZ-CALZ")
    duplicate = await client.post(
        "/api/v1/products",
        json={"name": "Calzone 2", "price": 100, "sku": "PZ-CALZ"},
        headers=restaurant.headers(),
    )
    assert duplicate.status_code == 409
    assert "PZ-CALZ" in duplicate.json()["detail"]

    deleted = await client.delete(f"/api/v1/products/{product['id']}", headers=restaurant.headers())
    assert deleted.status_code == 204
    gone = await client.get(f"/api/v1/products/{product['id']}", headers=restaurant.headers())
    assert gone.status_code == 404
    again = await client.delete(f"/api/v1/products/{product['id']}", headers=restaurant.headers())
    assert again.status_code == 404
    await restaurant.product(name="Calzone", sku="PZ-CALZ")


async def test_categories_in_menu_order_renamed_and_removed_when_empty(client, restaurant) -> None:
    desserts = await restaurant.category(name="Desserts", position=3)
    await restaurant.category(name="Starters", position=1)
    await restaurant.category(name="Mains", position=2)
    listed = await client.get(
        "/api/v1/categories", params={"limit": 2}, headers=restaurant.headers("kitchen")
    )
    assert [c["name"] for c in listed.json()["items"]] == ["Starters", "Mains"]
    rest = await client.get(
        "/api/v1/categories",
        params={"cursor": listed.json()["next_cursor"]},
        headers=restaurant.headers("kitchen"),
    )
    assert [c["name"] for c in rest.json()["items"]] == ["Desserts"]
    assert rest.json()["next_cursor"] is None

    clash = await client.post(
        "/api/v1/categories", json={"name": "desserts"}, headers=restaurant.headers()
    )
    assert clash.status_code == 409
    renamed = await client.patch(
        f"/api/v1/categories/{desserts['id']}",
        json={"name": "Sweets"},
        headers=restaurant.headers(),
    )
    assert renamed.json()["name"] == "Sweets"

    tiramisu = await restaurant.product(name="Tiramisu", category_id=desserts["id"])
    busy = await client.delete(f"/api/v1/categories/{desserts['id']}", headers=restaurant.headers())
    assert busy.status_code == 409
    assert "1 item" in busy.json()["detail"]
    await client.delete(f"/api/v1/products/{tiramisu['id']}", headers=restaurant.headers())
    emptied = await client.delete(
        f"/api/v1/categories/{desserts['id']}", headers=restaurant.headers()
    )
    assert emptied.status_code == 204
    gone = await client.get(f"/api/v1/categories/{desserts['id']}", headers=restaurant.headers())
    assert gone.status_code == 404


async def test_a_demo_menu_of_two_dozen_items_can_be_built_and_read_back(
    client, restaurant
) -> None:
    """What the launcher's seed does: categories, items with modifiers, and their stock."""
    sections = {"Starters": 6, "Pizzas": 8, "Desserts": 4, "Drinks": 6}
    for position, (section, count) in enumerate(sections.items()):
        category = await restaurant.category(name=section, position=position)
        for i in range(count):
            product = await restaurant.product(
                name=f"{section} {i + 1}",
                category_id=category["id"],
                sku=f"{section[:3].upper()}-{i + 1}",
                track_stock=section != "Drinks",
                modifier_groups=PIZZA_MODIFIERS if section == "Pizzas" else [],
            )
            if product["track_stock"]:
                await restaurant.set_stock(product, 20, threshold=5)

    pizzas_id = (await client.get("/api/v1/categories", headers=restaurant.headers())).json()[
        "items"
    ][1]["id"]
    pizzas = await client.get(
        "/api/v1/products",
        params={"category_id": pizzas_id, "limit": 100},
        headers=restaurant.headers("waiter"),
    )
    assert len(pizzas.json()["items"]) == 8
    assert all(len(p["modifier_groups"]) == 2 for p in pizzas.json()["items"])
    whole_menu = await client.get(
        "/api/v1/products", params={"limit": 100}, headers=restaurant.headers()
    )
    assert len(whole_menu.json()["items"]) == 24

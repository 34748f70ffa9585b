"""Stock of a tracked item: counted, adjusted with a reason, and every change in the trail."""

from __future__ import annotations


async def test_a_new_tracked_item_starts_empty_and_a_count_sets_it(client, restaurant) -> None:
    product = await restaurant.product(track_stock=True)
    assert await restaurant.stock(product) | {"updated_at": None} == {
        "product_id": product["id"],
        "on_hand": 0,
        "reserved": 0,
        "available": 0,
        "low_stock_threshold": None,
        "is_low": False,
        "updated_at": None,
    }
    counted = await restaurant.set_stock(product, 12, threshold=3)
    assert (counted["on_hand"], counted["available"], counted["low_stock_threshold"]) == (12, 12, 3)

    # Leaving the threshold out keeps it; null clears it.
    kept = await client.put(
        f"/api/v1/products/{product['id']}/stock",
        json={"on_hand": 11},
        headers=restaurant.headers(),
    )
    assert kept.json()["low_stock_threshold"] == 3
    cleared = await client.put(
        f"/api/v1/products/{product['id']}/stock",
        json={"on_hand": 11, "low_stock_threshold": None},
        headers=restaurant.headers(),
    )
    assert cleared.json()["low_stock_threshold"] is None


async def test_adjustments_keep_an_audit_trail_newest_first(client, restaurant) -> None:
    product = await restaurant.stocked(10)
    path = f"/api/v1/products/{product['id']}/stock/adjustments"
    for body in (
        {"delta": 24, "reason": "received", "note": "Tuesday delivery"},
        {"delta": -2, "reason": "waste", "note": "dropped"},
        {"delta": -1, "reason": "correction"},
    ):
        response = await client.post(path, json=body, headers=restaurant.headers("manager"))
        assert response.status_code == 201, response.text
    recorded = response.json()
    assert (recorded["on_hand_after"], recorded["stock"]["on_hand"]) == (31, 31)

    first = await client.get(path, params={"limit": 3}, headers=restaurant.headers())
    rest = await client.get(
        path, params={"cursor": first.json()["next_cursor"]}, headers=restaurant.headers()
    )
    trail = first.json()["items"] + rest.json()["items"]
    assert rest.json()["next_cursor"] is None
    assert [(a["reason"], a["delta"], a["on_hand_after"]) for a in trail] == [
        ("correction", -1, 31),
        ("waste", -2, 32),
        ("received", 24, 34),
        ("count", 10, 10),
    ]
    assert trail[1]["note"] == "dropped"
    assert all(a["created_by"] for a in trail)

    # Floor staff do not read the trail.
    waiter = await client.get(path, headers=restaurant.headers("waiter"))
    assert waiter.status_code == 403


async def test_stock_cannot_drop_below_zero_or_below_what_is_held(client, restaurant) -> None:
    product = await restaurant.stocked(5)
    assert (await restaurant.reserve((product, 3))).status_code == 201
    path = f"/api/v1/products/{product['id']}"
    below_holds = await client.put(
        f"{path}/stock", json={"on_hand": 2}, headers=restaurant.headers()
    )
    assert below_holds.status_code == 409
    assert "3 are held" in below_holds.json()["detail"]
    waste = await client.post(
        f"{path}/stock/adjustments",
        json={"delta": -3, "reason": "waste"},
        headers=restaurant.headers(),
    )
    assert waste.status_code == 409
    stock = await restaurant.stock(product)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (5, 3, 2)


async def test_an_untracked_item_has_no_stock_to_count(client, restaurant) -> None:
    product = await restaurant.product(track_stock=False)
    path = f"/api/v1/products/{product['id']}/stock"
    for response in (
        await client.get(path, headers=restaurant.headers()),
        await client.put(path, json={"on_hand": 3}, headers=restaurant.headers()),
    ):
        assert response.status_code == 409
        assert "does not track stock" in response.json()["detail"]
    tracked = await client.patch(
        f"/api/v1/products/{product['id']}",
        json={"track_stock": True},
        headers=restaurant.headers(),
    )
    assert tracked.status_code == 200
    assert (await restaurant.stock(product))["on_hand"] == 0

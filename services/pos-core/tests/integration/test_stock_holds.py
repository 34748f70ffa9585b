"""Stock is held, committed and released by pos-core as itself, never with a person's token.

Inventory takes those calls from pos-core's service account only (client credentials,
scope `inventory:reserve`, bound to the restaurant). The waiter's token still goes with
what is asked on the waiter's behalf (the menu); auth failing to give pos-core its token
is a 503 that names auth, and the order is as it was.
"""

from __future__ import annotations

from typing import Any

from pos_kit.testing.http import expect, expect_problem
from pos_kit.testing.net import free_port
from pos_kit.tokens import Principal

RESERVATIONS = "/api/v1/reservations"


async def caller_of(tokens: Any, hit: Any) -> Principal:
    """Who a request the inventory stand-in received was sent as (its verified token)."""
    principal: Principal = await tokens.verifier().verify(
        hit.headers["authorization"].removeprefix("Bearer ")
    )
    return principal


async def test_stock_is_held_and_settled_with_pos_cores_own_token_not_the_waiters(
    restaurant, inventory, tokens, auth
) -> None:
    soup = restaurant.product(name="Soup", price=600, stock=10)
    before = len(inventory.hits)
    paid_for = await restaurant.open_order(items=[restaurant.line(soup, quantity=2)])
    given_up = await restaurant.open_order(items=[restaurant.line(soup, quantity=1)])
    waiter = restaurant.token("waiter")

    placed = await restaurant.client.post(
        f"/api/v1/orders/{paid_for['id']}/place", headers={"Authorization": f"Bearer {waiter}"}
    )
    expect(placed)
    expect(await restaurant.act(given_up["id"], "place"))
    closed = expect(await restaurant.act(paid_for["id"], "close", role="cashier"))
    cancelled = expect(await restaurant.act(given_up["id"], "cancel", role="manager"))
    assert (closed["reservation_status"], cancelled["reservation_status"]) == (
        "committed",
        "released",
    )

    holds = [h for h in inventory.hits[before:] if h.path.startswith(RESERVATIONS)]
    assert sorted((h.method, h.path.rsplit("/", 1)[-1]) for h in holds) == [
        ("POST", "commit"),
        ("POST", "release"),
        ("POST", "reservations"),
        ("POST", "reservations"),
    ]
    for hit in holds:
        sender = await caller_of(tokens, hit)
        assert sender.is_service, hit.path
        assert sender.subject == "service:pos-core"
        assert sender.scopes == {"inventory:reserve"}
        assert sender.tenant_id == restaurant.tenant_id
        assert hit.headers["authorization"] != f"Bearer {waiter}"
    # One token for the restaurant, kept for every call since.
    assert [i.scope for i in auth.issued_for(restaurant.tenant_id)] == ["inventory:reserve"]
    # The menu is still read as the waiter who took the order.
    reads = [h for h in inventory.hits[before:] if h.path.startswith("/api/v1/products")]
    assert len(reads) == 2
    for read in reads:
        assert not (await caller_of(tokens, read)).is_service


async def test_each_restaurants_stock_is_held_with_a_token_for_that_restaurant(
    restaurant, restaurant_factory, inventory, tokens
) -> None:
    other = restaurant_factory()
    ours = await restaurant.placed_order(restaurant.product(name="Soup", price=600))
    theirs = await other.placed_order(other.product(name="Soup", price=600))

    for tenant, order in ((restaurant, ours), (other, theirs)):
        [hit] = [
            h
            for h in inventory.hits
            if h.path == RESERVATIONS and h.headers.get("idempotency-key") == order["id"]
        ]
        assert (await caller_of(tokens, hit)).tenant_id == tenant.tenant_id
        [reservation] = inventory.reservations_for(order["id"])
        assert order["reservation_id"] == reservation["id"]


async def test_placing_while_auth_is_away_is_a_503_naming_auth_and_the_order_stays_open(
    kit, restaurant_factory, inventory
) -> None:
    nobody_listens = f"http://127.0.0.1:{free_port()}"
    async with kit.other_client(auth_url=nobody_listens) as client:
        restaurant = restaurant_factory(client=client)
        soup = restaurant.product(name="Soup", price=600, stock=5)
        order = await restaurant.open_order(items=[restaurant.line(soup, quantity=2)])

        refused = await restaurant.act(order["id"], "place")

        problem = expect_problem(refused, 503)
        assert int(refused.headers["Retry-After"]) >= 1
        assert problem["downstream"] == "auth"
        assert problem["detail"].startswith("auth is unavailable, so pos-core has no token")
        assert "The order is unchanged" in problem["detail"]
        still = await restaurant.get(order["id"])
        assert (still["status"], still["reservation_id"]) == ("open", None)
        assert inventory.reservations_for(order["id"]) == []
        # Not frozen: the waiter can carry on with the order.
        expect(await restaurant.act(order["id"], "cancel"))


async def test_auth_refusing_pos_cores_credentials_is_a_503_naming_auth(
    kit, restaurant_factory, inventory
) -> None:
    async with kit.other_client(auth_client_secret="not-the-secret-auth-knows") as client:
        restaurant = restaurant_factory(client=client)
        soup = restaurant.product(name="Soup", price=600)
        order = await restaurant.open_order(items=[restaurant.line(soup)])

        refused = await restaurant.act(order["id"], "place")

        problem = expect_problem(refused, 503)
        assert refused.headers["Retry-After"] == "60"
        assert (problem["downstream"], problem["reason"]) == ("auth", "refused")
        assert "auth refused pos-core's token request" in problem["detail"]
        assert (await restaurant.get(order["id"]))["status"] == "open"
        assert inventory.reservations_for(order["id"]) == []


async def test_a_cancel_while_auth_is_away_still_cancels_and_leaves_the_hold_to_expire(
    kit, restaurant, inventory
) -> None:
    placed = await restaurant.placed_order(restaurant.product(name="Soup", price=600, stock=5))
    nobody_listens = f"http://127.0.0.1:{free_port()}"
    async with kit.other_client(auth_url=nobody_listens) as client:
        cancelled = expect(
            await client.post(
                f"/api/v1/orders/{placed['id']}/cancel", headers=restaurant.headers("waiter")
            )
        )

    assert (cancelled["status"], cancelled["reservation_status"]) == ("cancelled", "held")
    [reservation] = inventory.reservations_for(placed["id"])
    assert reservation["status"] == "held"

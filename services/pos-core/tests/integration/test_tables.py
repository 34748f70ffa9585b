"""An order's table is one of the restaurant's own tables (issue 12).

pos-core accepted another restaurant's table id on an order (201); it now asks the
restaurant service, which answers for the caller's restaurant only.
"""

from __future__ import annotations

import uuid

from pos_kit.testing.http import expect_problem
from pos_kit.testing.net import free_port


async def test_another_restaurants_table_or_a_made_up_one_is_refused_with_422(
    restaurant, another_restaurant
) -> None:
    theirs = another_restaurant.table()
    for table_id in (theirs, str(uuid.uuid4())):
        refused = await restaurant.client.post(
            "/api/v1/orders",
            json={"type": "dine_in", "table_id": table_id, "guests": 2},
            headers=restaurant.headers("waiter"),
        )
        problem = expect_problem(refused, 422)
        assert problem["type"].endswith("/unknown-table")
        assert problem["table_id"] == table_id

    # Nothing was opened; the owner's own table works, for them.
    assert (await another_restaurant.open_order(type="dine_in", table_id=theirs))["table_id"] == (
        theirs
    )
    listed = await restaurant.client.get("/api/v1/orders", headers=restaurant.headers())
    assert listed.json()["items"] == []


async def test_a_confirmed_table_is_remembered_and_not_asked_for_every_order(
    restaurant, restaurant_service
) -> None:
    table = restaurant.table()
    for _ in range(3):
        await restaurant.open_order(type="dine_in", table_id=table, guests=2)
    assert restaurant_service.tables_asked.count(table) == 1


async def test_with_the_restaurant_service_away_an_unconfirmed_table_is_a_503(
    kit, restaurant_factory
) -> None:
    nobody_listens = f"http://127.0.0.1:{free_port()}"
    async with kit.other_client(restaurant_url=nobody_listens) as client:
        restaurant = restaurant_factory(client=client)
        answer = await client.post(
            "/api/v1/orders",
            json={"type": "dine_in", "table_id": restaurant.table(), "guests": 2},
            headers=restaurant.headers("waiter"),
        )
        expect_problem(answer, 503)
        assert int(answer.headers["retry-after"]) >= 1
        # Orders without a table are taken as ever.
        takeout = await restaurant.open_order()
        assert takeout["status"] == "open"

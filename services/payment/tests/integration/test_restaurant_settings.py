"""The restaurant's settings, from restaurant's events: cash rounding, waiters taking payments."""

from __future__ import annotations


async def test_cash_is_rounded_to_the_restaurants_unit_and_the_balance_reaches_zero(
    restaurant, bus, database
) -> None:
    await restaurant.set_profile(bus, database, version=1, cash_rounding_minor_units=5)
    session = await restaurant.open_drawer("front", opening_float=0)
    up, down = restaurant.order(2133), restaurant.order(2132)

    rounded_up = await restaurant.paid(up, 2133, "cash", tendered=2200)
    rounded_down = await restaurant.paid(down, 2132, "cash")
    card = await restaurant.paid(restaurant.order(2133), 2133, "card")

    assert (rounded_up["rounding"], rounded_up["charged"], rounded_up["change_given"]) == (
        2,
        2135,
        65,
    )
    assert (rounded_up["balance_after"], rounded_down["balance_after"]) == (0, 0)
    assert (rounded_down["rounding"], rounded_down["charged"]) == (-2, 2130)
    assert card["rounding"] == 0  # cash only
    drawer = await restaurant.client.get(
        f"/api/v1/cash-drawers/{session['id']}", headers=restaurant.cashier()
    )
    assert drawer.json()["expected"] == 2135 + 2130


async def test_waiters_take_payments_only_where_the_restaurant_allows_it(
    restaurant, bus, database
) -> None:
    order = restaurant.order(1000)
    waiter = restaurant.headers("waiter", user_id=restaurant.server_id)

    before = await restaurant.pay(order, 500, headers=waiter)
    await restaurant.set_profile(bus, database, version=1, waiters_take_payments=True)
    after = await restaurant.pay(order, 500, headers=waiter)

    assert before.status_code == 403
    assert after.status_code == 201, after.text
    assert after.json()["taken_by"] == restaurant.server_id


async def test_an_older_profile_does_not_undo_a_newer_one(
    restaurant, bus, database, handled
) -> None:
    await restaurant.set_profile(bus, database, version=4, cash_rounding_minor_units=10)
    late = await restaurant.publish_profile(bus, version=3, cash_rounding_minor_units=1)
    await handled(late)
    await restaurant.open_drawer("front")

    cash = await restaurant.paid(restaurant.order(1234), 1234, "cash")

    assert cash["rounding"] == 1230 - 1234

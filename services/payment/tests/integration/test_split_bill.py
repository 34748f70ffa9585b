"""Paying one order in parts: by amount, by card and cash, by items; never above the balance."""

from __future__ import annotations

import asyncio
from typing import Any

from pos_kit.events.testing import wait_until
from pos_kit.testing.bus import EventBus


async def completed_events(bus: EventBus, order: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["data"]
        for e in await bus.events("payment.completed")
        if e["data"]["order_id"] == order["id"]
    ]


async def test_an_order_of_6135_paid_by_two_cards_and_cash_with_change(restaurant, bus) -> None:
    order = restaurant.order(2500, 2500, 1135)
    await restaurant.open_drawer()

    first = await restaurant.paid(order, 2000, "card")
    second = await restaurant.paid(order, 2000, "card", payment_method="pm_card_mastercard")
    cash = await restaurant.paid(order, 2135, "cash", tendered=3000)

    assert (first["balance_after"], second["balance_after"], cash["balance_after"]) == (
        4135,
        2135,
        0,
    )
    assert cash["change_given"] == 865
    assert cash["charged"] == 2135
    assert first["card"] == {"brand": "visa", "last4": "4242"}
    assert second["card"] == {"brand": "mastercard", "last4": "4444"}
    bill = await restaurant.bill(order)
    assert (bill["total"], bill["paid"], bill["balance"], bill["pending"]) == (6135, 6135, 0, 0)
    assert [p["amount"] for p in bill["items"]] == [2135, 2000, 2000]  # newest first

    async def three_completed() -> bool:
        return len(await completed_events(bus, order)) == 3

    await wait_until(three_completed, what="three payment.completed events")
    events = sorted(await completed_events(bus, order), key=lambda d: d["paid_total"])
    assert [(e["amount"], e["paid_total"], e["balance"]) for e in events] == [
        (2000, 2000, 4135),
        (2000, 4000, 2135),
        (2135, 6135, 0),
    ]
    assert {e["order_total"] for e in events} == {6135}
    assert events[-1]["method"] == "cash"
    assert events[0]["served_by"] == restaurant.server_id
    assert events[0]["taken_by"] == restaurant.cashier_id


async def test_more_than_the_balance_is_refused_naming_the_balance(restaurant) -> None:
    order = restaurant.order(3000)
    await restaurant.paid(order, 1000)

    refused = await restaurant.pay(order, 2500)

    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("/amount-exceeds-balance")
    assert (problem["balance"], problem["payable"]) == (2000, 2000)
    assert "2000 EUR" in problem["detail"]
    assert (await restaurant.bill(order))["balance"] == 2000


async def test_cash_may_be_tendered_above_the_balance_and_the_change_is_handed_back(
    restaurant,
) -> None:
    order = restaurant.order(1850)
    await restaurant.open_drawer("bar")

    cash = await restaurant.paid(order, 1850, "cash", tendered=5000, tip=150)

    assert (cash["charged"], cash["tendered"], cash["change_given"]) == (2000, 5000, 3000)
    bill = await restaurant.bill(order)
    assert (bill["balance"], bill["tips"]) == (0, 150)


async def test_cash_tendered_below_what_is_due_is_refused(restaurant) -> None:
    order = restaurant.order(1850)
    await restaurant.open_drawer("terrace")

    refused = await restaurant.pay(order, 1850, "cash", tendered=1800)

    assert refused.status_code == 422
    assert "1850 due" in refused.json()["detail"]


async def test_paying_by_items_pays_each_line_once(restaurant) -> None:
    order = restaurant.order(1200, 800, 450)
    steak, wine, coffee = (item["id"] for item in order["items"])

    mine = await restaurant.paid(order, 1650, lines=[steak, coffee])
    again = await restaurant.pay(order, 1200, lines=[steak])
    wrong_sum = await restaurant.pay(order, 700, lines=[wine])
    rest = await restaurant.paid(order, 800, lines=[wine])

    assert mine["lines"] == [steak, coffee]
    assert again.status_code == 409
    assert again.json()["lines"] == [steak]
    assert wrong_sum.status_code == 422
    assert "800" in wrong_sum.json()["detail"]
    assert rest["balance_after"] == 0


async def test_a_split_preview_shares_what_is_left_exactly(restaurant) -> None:
    order = restaurant.order(10_000)
    await restaurant.paid(order, 1000)

    response = await restaurant.client.post(
        f"/api/v1/orders/{order['id']}/split", json={"parts": 4}, headers=restaurant.cashier()
    )

    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["parts"] == [2250, 2250, 2250, 2250]
    three = await restaurant.client.post(
        f"/api/v1/orders/{order['id']}/split", json={"parts": 7}, headers=restaurant.cashier()
    )
    assert three.json()["parts"] == [1286, 1286, 1286, 1286, 1286, 1285, 1285]
    assert sum(three.json()["parts"]) == 9000
    assert (await restaurant.bill(order))["balance"] == 9000  # nothing written


async def test_a_cancelled_or_unplaced_order_cannot_be_paid(restaurant) -> None:
    cancelled = restaurant.order(1000, status="cancelled")
    still_open = restaurant.order(1000, status="open")

    first = await restaurant.pay(cancelled, 1000)
    second = await restaurant.pay(still_open, 1000)

    assert first.status_code == 409
    assert first.json()["type"].endswith("/order-cancelled")
    assert second.status_code == 409
    assert second.json()["type"].endswith("/order-not-placed")


async def test_concurrent_payments_of_one_order_never_take_more_than_its_total(
    restaurant, pos_core
) -> None:
    order = restaurant.order(1000)
    await restaurant.paid(order, 100, "external")  # payment knows the order from now on
    pos_core.together(10)

    answers = await asyncio.gather(*(restaurant.pay(order, 600, "external") for _ in range(10)))

    assert sorted(a.status_code for a in answers) == [201] + [409] * 9
    bill = await restaurant.bill(order)
    assert (bill["paid"], bill["balance"]) == (700, 300)

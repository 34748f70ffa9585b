"""A restaurant never sees, pays, refunds or counts another's money: 404, as for nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


async def test_another_restaurant_gets_404_for_payments_orders_and_drawers(
    restaurant, another_restaurant
) -> None:
    order = restaurant.order(3000)
    payment = await restaurant.paid(order, 1000)
    session = await restaurant.open_drawer("front")
    them = another_restaurant

    read = await them.client.get(f"/api/v1/payments/{payment['id']}", headers=them.cashier())
    pay = await them.pay(order, 500)
    refund = await them.refund(payment, 100)
    bill = await them.client.get(
        "/api/v1/payments", params={"order_id": order["id"]}, headers=them.cashier()
    )
    split = await them.client.post(
        f"/api/v1/orders/{order['id']}/split", json={"parts": 2}, headers=them.cashier()
    )
    drawer = await them.client.get(f"/api/v1/cash-drawers/{session['id']}", headers=them.cashier())
    moved = await them.client.post(
        f"/api/v1/cash-drawers/{session['id']}/paid-out",
        json={"amount": 100, "reason": "taking it"},
        headers=them.cashier(),
    )

    assert [r.status_code for r in (read, pay, refund, bill, split, drawer, moved)] == [404] * 7
    listed = await them.client.get("/api/v1/payments", headers=them.cashier())
    assert listed.json()["items"] == []
    assert (await restaurant.bill(order))["balance"] == 2000


async def test_another_restaurants_report_holds_none_of_its_sales(
    restaurant, another_restaurant
) -> None:
    await restaurant.paid(restaurant.order(5000), 5000, "external")
    today = datetime.now(UTC).date().isoformat()

    theirs = await another_restaurant.client.get(
        "/api/v1/reports/daily-sales",
        params={"date": today},
        headers=another_restaurant.headers("manager"),
    )

    assert theirs.json()["gross_sales"] == 0


async def test_an_unknown_payment_is_404(restaurant) -> None:
    response = await restaurant.client.get(
        f"/api/v1/payments/{uuid.uuid4()}", headers=restaurant.cashier()
    )

    assert response.status_code == 404

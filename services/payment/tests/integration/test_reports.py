"""The daily sales report against the same day added up by hand, and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


async def report(restaurant, day: str, **params: Any) -> Any:
    return await restaurant.client.get(
        "/api/v1/reports/daily-sales",
        params={"date": day, **params},
        headers=restaurant.headers("manager"),
    )


async def test_a_day_of_sales_matches_the_sums_by_hand_and_the_csv_says_the_same(
    restaurant, bus, database
) -> None:
    await restaurant.set_profile(bus, database, version=1, timezone="Europe/Zurich")
    drawer = await restaurant.open_drawer("front", opening_float=10_000)
    dinner = restaurant.order(2500, 2500, 1135, tax=558)
    lunch = restaurant.order(1000, 1000, tax=182)
    card = await restaurant.paid(dinner, 2000, "card", tip=300)
    await restaurant.paid(dinner, 2000, "card", payment_method="pm_card_mastercard")
    await restaurant.paid(dinner, 2135, "cash", tendered=3000)
    await restaurant.paid(lunch, 1000, "external", lines=[lunch["items"][0]["id"]])
    await restaurant.pay(lunch, 1000, payment_method="pm_card_chargeDeclined")  # no sale
    refund = await restaurant.refund(card, 500, lines=[dinner["items"][0]["id"]])
    assert refund.status_code == 201
    closed = await restaurant.client.post(
        f"/api/v1/cash-drawers/{drawer['id']}/close",
        json={"counted": 12_130},
        headers=restaurant.headers("manager"),
    )
    assert closed.json()["variance"] == 12_130 - (10_000 + 2135)
    today = datetime.now(ZoneInfo("Europe/Zurich")).date().isoformat()

    response = await report(restaurant, today)

    assert response.status_code == 200, response.text
    day = response.json()
    assert (day["date"], day["timezone"], day["currency"]) == (today, "Europe/Zurich", "EUR")
    assert day["gross_sales"] == 2000 + 2000 + 2135 + 1000
    assert day["tips"] == 300
    assert day["refunds"] == 500
    assert day["net_sales"] == 7135 - 500
    # all of dinner's tax, half of lunch's (half of it was paid)
    assert day["tax"] == 558 + 91
    assert day["orders"] == 2
    assert day["cash_variance"] == -5
    assert day["drawers"] == [{"session_id": drawer["id"], "drawer": "front", "variance": -5}]
    by_method = {m["method"]: m for m in day["by_method"]}
    assert by_method["card"] == {
        "method": "card", "sales": 4000, "tips": 300, "refunds": 500, "payments": 2
    }  # fmt: skip
    assert (by_method["cash"]["sales"], by_method["external"]["sales"]) == (2135, 1000)
    by_staff = {s["staff_id"]: s for s in day["by_staff"]}
    assert by_staff[restaurant.cashier_id] == {
        "staff_id": restaurant.cashier_id, "sales": 7135, "tips": 0, "payments": 4
    }  # fmt: skip
    assert by_staff[restaurant.server_id]["tips"] == 300

    as_csv = await report(restaurant, today, format="csv")
    by_accept = await restaurant.client.get(
        "/api/v1/reports/daily-sales",
        params={"date": today},
        headers={**restaurant.headers("manager"), "Accept": "text/csv"},
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert by_accept.text == as_csv.text
    rows = {
        (r["section"], r["key"], r["figure"]): r["value"]
        for r in csv.DictReader(io.StringIO(as_csv.text))
    }
    for figure in ("gross_sales", "tax", "tips", "rounding", "refunds", "net_sales", "orders",
                   "cash_variance"):  # fmt: skip
        assert rows[("summary", "", figure)] == str(day[figure])
    assert rows[("method", "card", "refunds")] == "500"
    assert rows[("staff", restaurant.server_id, "tips")] == "300"
    assert rows[("drawer", drawer["id"], "variance")] == "-5"
    assert rows[("report", "", "date")] == today


async def test_another_day_is_empty(restaurant) -> None:
    await restaurant.paid(restaurant.order(1000), 1000, "external")

    response = await report(restaurant, "2020-02-29")

    day = response.json()
    assert (day["gross_sales"], day["orders"], day["by_method"]) == (0, 0, [])


async def test_only_managers_read_the_figures(restaurant) -> None:
    response = await restaurant.client.get(
        "/api/v1/reports/daily-sales", params={"date": "2026-11-25"}, headers=restaurant.cashier()
    )

    assert response.status_code == 403

"""Receipts over HTTP: totals right to the minor unit, as JSON and as printer text."""

from __future__ import annotations

import pytest

from pos_kit.testing.http import expect


@pytest.fixture
async def dinner(restaurant):
    pizza = restaurant.pizza()
    wine = restaurant.product(name="House red", price=1995, tax_rate_bps=2000)
    water = restaurant.product(name="Water", price=0, tax_rate_bps=550)
    order = await restaurant.open_order(
        type="dine_in",
        table_id=restaurant.table("0f6f2c4e-5a8b-4a36-9d0e-5d9c3f3a7b21"),
        guests=3,
        items=[
            restaurant.line(
                pizza, "Large", "Anchovies", quantity=3, notes="one without anchovies on half"
            ),
            restaurant.line(wine, quantity=2),
            restaurant.line(water),
        ],
    )
    return expect(await restaurant.act(order["id"], "place"))


async def test_the_json_receipt_adds_up_to_the_minor_unit(restaurant, dinner) -> None:
    response = await restaurant.client.get(
        f"/api/v1/orders/{dinner['id']}/receipt", headers=restaurant.headers("waiter")
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    receipt = response.json()
    # Pizza: (1200 + 300 + 200) * 3 = 5100, 10 % -> 510.
    # Wine: 1995 * 2 = 3990, 20 % -> 798.  Water: 0.
    assert [line["amount"] for line in receipt["lines"]] == [5100, 3990, 0]
    assert receipt["subtotal"] == 9090
    assert receipt["taxes"] == [
        {"rate_bps": 550, "taxable": 0, "tax": 0},
        {"rate_bps": 1000, "taxable": 5100, "tax": 510},
        {"rate_bps": 2000, "taxable": 3990, "tax": 798},
    ]
    assert (receipt["tax"], receipt["total"]) == (1308, 10398)
    assert receipt["prices_include_tax"] is False
    assert receipt["restaurant_name"] == "Trattoria Test"
    assert receipt["table"] == "0f6f2c4e"
    assert receipt["order_number"] == dinner["number"]
    for value in (receipt["subtotal"], receipt["tax"], receipt["total"]):
        assert type(value) is int
    assert receipt["lines"][0]["modifiers"] == [
        {"name": "Large", "amount": 900},
        {"name": "Anchovies", "amount": 600},
    ]


@pytest.mark.parametrize(
    ("headers", "params"),
    [({"Accept": "text/plain"}, {}), ({}, {"format": "text"})],
    ids=["accept-header", "format-parameter"],
)
async def test_the_text_receipt_is_laid_out_for_an_80mm_printer(
    restaurant, dinner, headers, params
) -> None:
    response = await restaurant.client.get(
        f"/api/v1/orders/{dinner['id']}/receipt",
        headers={**restaurant.headers("waiter"), **headers},
        params=params,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert max(map(len, lines)) == 42
    assert lines[0].strip() == "Trattoria Test"
    assert lines[0].startswith(" ")
    assert lines[2].startswith(f"Order #{dinner['number']}")
    assert "Table 0f6f2c4e, 3 guests" in lines
    assert "3 x Margherita" + " " * 23 + "36.00" in lines
    assert "    + Anchovies" + " " * 23 + "6.00" in lines
    assert "Subtotal" + " " * 29 + "90.90" in lines
    assert "Tax 20% on 39.90" + " " * 22 + "7.98" in lines
    assert "TOTAL EUR" + " " * 27 + "103.98" in lines


async def test_a_malformed_accept_quality_is_ignored_not_a_500(restaurant, dinner) -> None:
    response = await restaurant.client.get(
        f"/api/v1/orders/{dinner['id']}/receipt",
        headers={**restaurant.headers("waiter"), "Accept": "text/plain;q=NaN"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")


async def test_a_restaurant_prints_its_own_name(restaurant_factory, kit) -> None:
    profile = {"name": "Chez Nous", "currency": "EUR", "timezone": "UTC", "version": 1}
    async with kit.other_client(receipt_width=48) as client:
        restaurant = restaurant_factory(profile=profile, client=client)
        order = await restaurant.open_order()
        response = await restaurant.receipt(order["id"], format="text")
    lines = response.text.splitlines()
    assert lines[0] == "Chez Nous".center(48).rstrip()
    assert max(map(len, lines)) == 48

"""Bad input gets a 4xx problem+json that names what is wrong, and changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from pos_kit.testing.http import expect_problem
from pos_kit.testing.kit import ServiceKit

TABLES = (
    "categories",
    "products",
    "stock_levels",
    "stock_adjustments",
    "reservations",
    "reservation_lines",
    "outbox",
)


async def _counts(kit: ServiceKit) -> dict[str, int]:
    async with kit.database().engine.connect() as conn:
        return {
            t: int((await conn.execute(sa.text(f"SELECT count(*) FROM {t}"))).scalar_one())
            for t in TABLES
        }


def _fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price": 12.5}, "body.price"),
        ({"price": "12.50"}, "body.price"),
        ({"price": 12.0}, "body.price"),
        ({"price": -1}, "body.price"),
        ({"price": True}, "body.price"),
        ({"price": 10**12}, "body.price"),
        ({"tax_rate_bps": 10_001}, "body.tax_rate_bps"),
        ({"tax_rate_bps": 7.5}, "body.tax_rate_bps"),
        ({"currency": "eur"}, "body.currency"),
        ({"currency": "XYZ"}, "body.currency"),
        ({"name": "   "}, "body.name"),
        ({"sku": "has spaces"}, "body.sku"),
        ({"tags": "vegan"}, "body.tags"),
        ({"available": "yes"}, "body.available"),
        ({"category_id": str(uuid.uuid4())}, "body.category_id"),
        ({"colour": "red"}, "body.colour"),
        (
            {
                "modifier_groups": [
                    {
                        "name": "Size",
                        "min_choices": 2,
                        "max_choices": 1,
                        "options": [{"name": "S"}, {"name": "L"}],
                    }
                ]
            },
            "body.modifier_groups.0.min_choices",
        ),
        (
            {"modifier_groups": [{"name": "Size", "options": [{"name": "S", "price_delta": 0.5}]}]},
            "body.modifier_groups.0.options.0.price_delta",
        ),
        (
            {
                "price": 50,
                "modifier_groups": [
                    {
                        "name": "Size",
                        "min_choices": 1,
                        "options": [{"name": "S", "price_delta": -100}],
                    }
                ],
            },
            "body.modifier_groups",
        ),
    ],
)
async def test_a_bad_menu_item_is_422_naming_the_field_and_writes_nothing(
    client, restaurant, kit, overrides: dict[str, Any], field: str
) -> None:
    before = await _counts(kit)
    body = {"name": "Risotto", "price": 1400} | overrides
    response = await client.post("/api/v1/products", json=body, headers=restaurant.headers())
    expect_problem(response, 422)
    assert field in _fields(response)
    assert response.json()["correlation_id"]
    assert await _counts(kit) == before


async def test_a_patch_may_not_null_a_required_field(client, restaurant) -> None:
    product = await restaurant.product()
    for body in ({"name": None}, {"price": None}, {"price": 9.99}, {"available": None}):
        response = await client.patch(
            f"/api/v1/products/{product['id']}", json=body, headers=restaurant.headers()
        )
        assert response.status_code == 422, body
    fetched = await client.get(f"/api/v1/products/{product['id']}", headers=restaurant.headers())
    assert fetched.json() == product


async def test_malformed_json_is_400_and_a_bad_id_in_the_path_is_422(client, restaurant) -> None:
    broken = await client.post(
        "/api/v1/products",
        content=b'{"name": "Soup", "price": ',
        headers={"content-type": "application/json", **restaurant.headers()},
    )
    expect_problem(broken, 400)
    not_an_id = await client.get("/api/v1/products/not-a-uuid", headers=restaurant.headers())
    assert not_an_id.status_code == 422


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "body.lines"),
        ([("p", 0)], "body.lines.0.quantity"),
        ([("p", -2)], "body.lines.0.quantity"),
        ([("p", 1001)], "body.lines.0.quantity"),
        ([("p", 1.5)], "body.lines.0.quantity"),
        ([("p", "2")], "body.lines.0.quantity"),
        ([("p", 1), ("p", 2)], "body.lines.1.product_id"),
        ([("p", 1), ("unknown", 1)], "body.lines.1.product_id"),
        ([("not-a-uuid", 1)], "body.lines.0.product_id"),
    ],
)
async def test_bad_reservation_lines_are_refused_and_hold_nothing(
    client, restaurant, kit, lines: list[tuple[str, Any]], field: str
) -> None:
    product = await restaurant.stocked(10)
    ids = {"p": product["id"], "unknown": str(uuid.uuid4()), "not-a-uuid": "not-a-uuid"}
    before = await _counts(kit)
    response = await client.post(
        "/api/v1/reservations",
        json={
            "order_id": str(uuid.uuid4()),
            "lines": [{"product_id": ids[p], "quantity": q} for p, q in lines],
        },
        headers=restaurant.pos_core(),
    )
    expect_problem(response, 422)
    assert field in _fields(response)
    assert await _counts(kit) == before
    assert (await restaurant.stock(product))["reserved"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"on_hand": -1},
        {"on_hand": 2.5},
        {"on_hand": "7"},
        {"on_hand": 10_000_000},
        {"on_hand": 5, "low_stock_threshold": -1},
        {},
    ],
)
async def test_bad_stock_counts_are_422(client, restaurant, body: dict[str, Any]) -> None:
    product = await restaurant.stocked(4)
    response = await client.put(
        f"/api/v1/products/{product['id']}/stock", json=body, headers=restaurant.headers()
    )
    assert response.status_code == 422
    assert (await restaurant.stock(product))["on_hand"] == 4


@pytest.mark.parametrize(
    "body",
    [
        {"delta": 0, "reason": "correction"},
        {"delta": -3, "reason": "received"},
        {"delta": 3, "reason": "waste"},
        {"delta": 1, "reason": "sale"},
        {"delta": 1, "reason": "theft"},
        {"delta": 1.5, "reason": "received"},
    ],
)
async def test_bad_adjustments_are_422_and_leave_no_trail(
    client, restaurant, body: dict[str, Any]
) -> None:
    product = await restaurant.stocked(4)
    response = await client.post(
        f"/api/v1/products/{product['id']}/stock/adjustments",
        json=body,
        headers=restaurant.headers(),
    )
    assert response.status_code == 422, response.text
    trail = await client.get(
        f"/api/v1/products/{product['id']}/stock/adjustments", headers=restaurant.headers()
    )
    assert [a["reason"] for a in trail.json()["items"]] == ["count"]  # only the initial count

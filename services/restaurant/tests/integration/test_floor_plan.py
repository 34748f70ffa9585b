"""Floors and tables over HTTP: who may draw the plan, who may seat guests, and lists."""

from __future__ import annotations

import uuid

import pytest

from pos_kit.events.testing import wait_until

PROBLEM = "application/problem+json"


async def test_tables_are_laid_out_on_floors_with_names_unique_per_floor(
    client, restaurant
) -> None:
    terrace = await restaurant.floor("Terrace", sort_order=2)
    inside = await restaurant.floor("Inside", sort_order=1)
    table = await restaurant.table(
        terrace["id"], name="T1", seats=6, shape="rectangle", x=3, y=4, width=2, height=1
    )
    assert {k: table[k] for k in ("name", "seats", "shape", "x", "y", "width", "height")} == {
        "name": "T1",
        "seats": 6,
        "shape": "rectangle",
        "x": 3,
        "y": 4,
        "width": 2,
        "height": 1,
    }
    assert (table["status"], table["current_order_id"], table["order_ids"]) == ("free", None, [])

    again = await client.post(
        "/api/v1/tables",
        json={"floor_id": terrace["id"], "name": "T1", "seats": 2},
        headers=restaurant.headers(),
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    await restaurant.table(inside["id"], name="T1")  # another floor may have a T1

    same_floor_name = await client.post(
        "/api/v1/floors", json={"name": "Terrace"}, headers=restaurant.headers()
    )
    assert same_floor_name.status_code == 409

    floors = await client.get("/api/v1/floors", headers=restaurant.headers("kitchen"))
    assert [f["name"] for f in floors.json()["items"]] == ["Inside", "Terrace"]


async def test_floor_staff_read_the_plan_but_only_owner_or_manager_change_it(
    client, restaurant
) -> None:
    floor = await restaurant.floor()
    table = await restaurant.table(floor["id"])
    for role in ("cashier", "waiter", "kitchen"):
        headers = restaurant.headers(role)
        assert (await client.get("/api/v1/tables", headers=headers)).status_code == 200
        denied = [
            await client.post("/api/v1/floors", json={"name": "Mine"}, headers=headers),
            await client.post(
                "/api/v1/tables",
                json={"floor_id": floor["id"], "name": "X", "seats": 2},
                headers=headers,
            ),
            await client.patch(f"/api/v1/tables/{table['id']}", json={"seats": 8}, headers=headers),
            await client.delete(f"/api/v1/tables/{table['id']}", headers=headers),
        ]
        assert [r.status_code for r in denied] == [403] * 4, role
    manager = await client.patch(
        f"/api/v1/tables/{table['id']}",
        json={"seats": 8, "x": 9},
        headers=restaurant.headers("manager"),
    )
    assert manager.status_code == 200
    assert (manager.json()["seats"], manager.json()["x"], manager.json()["y"]) == (8, 9, 0)
    assert (await client.get("/api/v1/tables")).status_code == 401


async def test_waiters_mark_tables_and_each_mark_is_announced(client, restaurant, bus) -> None:
    table = await restaurant.table()
    order_id = str(uuid.uuid4())
    seated = await restaurant.mark(table["id"], "occupied", "waiter", current_order_id=order_id)
    assert seated.status_code == 200, seated.text
    assert (seated.json()["status"], seated.json()["current_order_id"]) == ("occupied", order_id)
    kitchen = await restaurant.mark(table["id"], "free", "kitchen")
    assert kitchen.status_code == 403
    freed = await restaurant.mark(table["id"], "free", "cashier")
    assert (freed.json()["status"], freed.json()["order_ids"]) == ("free", [])
    order_without_seat = await client.patch(
        f"/api/v1/tables/{table['id']}",
        json={"current_order_id": order_id},
        headers=restaurant.headers("waiter"),
    )
    assert order_without_seat.status_code == 422

    async def two_announced() -> bool:
        events = await bus.events("table.status_changed", tenant_id=restaurant.tenant_id)
        mine = [e["data"] for e in events if e["data"]["table_id"] == table["id"]]
        return [(d["status"], d["reason"]) for d in mine] == [
            ("occupied", "marked_by_staff"),
            ("free", "marked_by_staff"),
        ]

    await wait_until(two_announced, within=5, what="both marks on the stream")


async def test_an_occupied_table_and_a_floor_with_tables_cannot_be_removed(
    client, restaurant
) -> None:
    floor = await restaurant.floor()
    table = await restaurant.table(floor["id"])
    table_url, floor_url = f"/api/v1/tables/{table['id']}", f"/api/v1/floors/{floor['id']}"
    owner = restaurant.headers()
    await restaurant.mark(table["id"], "occupied")
    assert (await client.delete(table_url, headers=owner)).status_code == 409
    assert (await client.delete(floor_url, headers=owner)).status_code == 409
    await restaurant.mark(table["id"], "free")
    assert (await client.delete(table_url, headers=owner)).status_code == 204
    assert (await client.get(table_url, headers=owner)).status_code == 404
    assert (await client.delete(floor_url, headers=owner)).status_code == 204


async def test_tables_are_listed_in_pages_and_filtered_by_floor_and_status(
    client, restaurant
) -> None:
    floor, other = await restaurant.floor(), await restaurant.floor()
    for name in ("A1", "A2", "A3", "A4", "A5"):
        await restaurant.table(floor["id"], name=name)
    await restaurant.table(other["id"], name="B1")
    busy = await restaurant.table(other["id"], name="B2")
    await restaurant.mark(busy["id"], "occupied")

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"floor_id": floor["id"], "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await client.get("/api/v1/tables", params=params, headers=restaurant.headers())
        assert page.status_code == 200
        seen += [t["name"] for t in page.json()["items"]]
        pages += 1
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert (seen, pages) == (["A1", "A2", "A3", "A4", "A5"], 3)

    occupied = await client.get(
        "/api/v1/tables", params={"status": "occupied"}, headers=restaurant.headers()
    )
    assert [t["name"] for t in occupied.json()["items"]] == ["B2"]

    for params, status in (
        ({"limit": 101}, 422),
        ({"limit": 0}, 422),
        ({"status": "dirty"}, 422),
        ({"floor_id": "nope"}, 422),
        ({"cursor": "%%%"}, 400),
        ({"cursor": "eyJ4IjoxfQ"}, 400),  # valid base64 JSON, but not our cursor
    ):
        bad = await client.get("/api/v1/tables", params=params, headers=restaurant.headers())
        assert bad.status_code == status, params
        assert bad.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"seats": 0}, "body.seats"),
        ({"seats": 51}, "body.seats"),
        ({"shape": "hexagon"}, "body.shape"),
        ({"x": -1}, "body.x"),
        ({"width": 0}, "body.width"),
        ({"name": ""}, "body.name"),
        ({"floor_id": "floor-1"}, "body.floor_id"),
        ({"status": "occupied"}, "body.status"),
    ],
)
async def test_bad_tables_are_422_naming_the_field_and_nothing_is_written(
    client, restaurant, body, field
) -> None:
    floor = await restaurant.floor()
    response = await client.post(
        "/api/v1/tables",
        json={"floor_id": floor["id"], "name": "T9", "seats": 4, **body},
        headers=restaurant.headers(),
    )
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    listed = await client.get(
        "/api/v1/tables", params={"floor_id": floor["id"]}, headers=restaurant.headers()
    )
    assert listed.json()["items"] == []


async def test_a_table_on_a_floor_that_does_not_exist_is_404(client, restaurant) -> None:
    response = await client.post(
        "/api/v1/tables",
        json={"floor_id": str(uuid.uuid4()), "name": "T1", "seats": 2},
        headers=restaurant.headers(),
    )
    assert response.status_code == 404

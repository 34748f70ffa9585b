"""Tenant isolation: another restaurant's objects answer exactly like missing ones."""

from __future__ import annotations

import uuid

from pos_kit.events.testing import wait_until


async def test_another_restaurants_floor_plan_and_staff_are_404(client, restaurant_factory) -> None:
    a, b = restaurant_factory(), restaurant_factory()
    floor = await a.floor()
    table = await a.table(floor["id"])
    member = await client.post(
        "/api/v1/staff",
        json={"full_name": "Only A", "role": "kitchen"},
        headers=a.headers(),
    )
    staff_id = member.json()["id"]
    missing = str(uuid.uuid4())

    pairs = [
        ("GET", f"/api/v1/floors/{floor['id']}", f"/api/v1/floors/{missing}", None),
        ("PATCH", f"/api/v1/floors/{floor['id']}", f"/api/v1/floors/{missing}", {"name": "B"}),
        ("DELETE", f"/api/v1/floors/{floor['id']}", f"/api/v1/floors/{missing}", None),
        ("GET", f"/api/v1/tables/{table['id']}", f"/api/v1/tables/{missing}", None),
        ("PATCH", f"/api/v1/tables/{table['id']}", f"/api/v1/tables/{missing}", {"seats": 2}),
        (
            "PATCH",
            f"/api/v1/tables/{table['id']}",
            f"/api/v1/tables/{missing}",
            {"status": "occupied"},
        ),
        ("DELETE", f"/api/v1/tables/{table['id']}", f"/api/v1/tables/{missing}", None),
        ("GET", f"/api/v1/staff/{staff_id}", f"/api/v1/staff/{missing}", None),
        ("PATCH", f"/api/v1/staff/{staff_id}", f"/api/v1/staff/{missing}", {"full_name": "B"}),
        (
            "POST",
            f"/api/v1/staff/{staff_id}/deactivate",
            f"/api/v1/staff/{missing}/deactivate",
            None,
        ),
    ]
    for method, foreign_url, missing_url, body in pairs:
        foreign = await client.request(method, foreign_url, json=body, headers=b.headers())
        absent = await client.request(method, missing_url, json=body, headers=b.headers())
        assert foreign.status_code == absent.status_code == 404, (method, foreign_url)
        assert foreign.json()["detail"] == absent.json()["detail"]

    on_foreign_floor = await client.post(
        "/api/v1/tables",
        json={"floor_id": floor["id"], "name": "Sneaky", "seats": 2},
        headers=b.headers(),
    )
    assert on_foreign_floor.status_code == 404
    for url in ("/api/v1/floors", "/api/v1/tables", "/api/v1/staff"):
        assert (await client.get(url, headers=b.headers())).json()["items"] == []
    # And A's things are untouched.
    assert (await a.get_table(table["id"]))["status"] == "free"
    assert (await client.get(f"/api/v1/staff/{staff_id}", headers=a.headers())).json()["is_active"]


async def test_moves_across_restaurants_are_404(restaurant_factory) -> None:
    a, b = restaurant_factory(), restaurant_factory()
    a_table, b_table = await a.table(), await b.table()
    await b.mark(b_table["id"], "occupied")
    onto_foreign = await b.move_order(b_table["id"], a_table["id"])
    assert onto_foreign.status_code == 404
    assert (await a.get_table(a_table["id"]))["status"] == "free"


async def test_events_only_touch_their_own_restaurants_tables(
    client, restaurant_factory, bus
) -> None:
    a, b = restaurant_factory(), restaurant_factory()
    a_table, b_table = await a.table(), await b.table()
    a_order = a.order_placed(a_table["id"])
    await bus.publish(a_order)
    # B's events name A's table and A's order: neither may change A's table.
    await bus.publish(b.order_placed(a_table["id"]))
    await bus.publish(b.order_ended("closed", a_order.data["order_id"], a_table["id"]))
    await bus.publish(b.order_placed(b_table["id"]))

    async def b_seated() -> bool:
        return (await b.get_table(b_table["id"]))["status"] == "occupied"

    await wait_until(b_seated, within=5, what="B's own order seated")
    seen = await a.get_table(a_table["id"])
    assert (seen["status"], seen["order_ids"]) == ("occupied", [a_order.data["order_id"]])
    # B's profile is B's: it has none yet, and A's would not be shown anyway.
    assert (await client.get("/api/v1/restaurant", headers=b.headers())).status_code == 404

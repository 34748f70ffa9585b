"""The local run's store: the same migrations and rules on a SQLite file."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from pos_kit.migrations import upgrade_head

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


async def test_reserve_commit_and_no_overselling_on_sqlite(restaurant, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'inventory.db'}"
    await asyncio.to_thread(upgrade_head, ALEMBIC_INI, url)
    async with restaurant.other_instance(database_url=url) as client:
        pizza = await restaurant.stocked(5, name="Margherita", sku="PZ-1")
        results = await asyncio.gather(
            *(restaurant.reserve((pizza, 1), order_id=str(uuid.uuid4())) for _ in range(12))
        )
        assert sorted(r.status_code for r in results) == [201] * 5 + [409] * 7
        held = next(r.json() for r in results if r.status_code == 201)
        committed = await restaurant.settle(held, "commit")
        assert committed.status_code == 200
        stock = await restaurant.stock(pizza)
        assert (stock["on_hand"], stock["reserved"], stock["available"]) == (4, 4, 0)
        # A released order is held again on its reservation.
        other = next(r.json() for r in results if r.status_code == 201 and r.json() != held)
        assert (await restaurant.settle(other, "release")).status_code == 200
        again = await restaurant.reserve((pizza, 1), order_id=other["order_id"])
        assert (again.status_code, again.json()["id"]) == (201, other["id"])
        assert (await restaurant.stock(pizza))["reserved"] == 4
        duplicate = await client.post(
            "/api/v1/products",
            json={"name": "Copy", "price": 1, "sku": "PZ-1"},
            headers=restaurant.headers(),
        )
        assert duplicate.status_code == 409

"""The local run's store: the same migrations and rules on a SQLite file."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from pos_kit.migrations import upgrade_head

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


async def test_a_shift_of_payments_on_sqlite(kit, restaurant, simulator, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'payment.db'}"
    await asyncio.to_thread(upgrade_head, ALEMBIC_INI, url)
    async with kit.other_client(database_url=url) as client:
        restaurant.client = client
        drawer = await restaurant.open_drawer("front", opening_float=1000)
        order = restaurant.order(2500, 2500, 1135)
        key = str(uuid.uuid4())
        racing = await asyncio.gather(*(restaurant.pay(order, 2000, key=key) for _ in range(10)))
        card = next(r.json() for r in racing if r.status_code == 201)
        assert {r.status_code for r in racing} <= {201, 409}
        assert await simulator.charges_of(card["id"]) == 1
        await restaurant.paid(order, 2000, payment_method="pm_card_mastercard")
        cash = await restaurant.paid(order, 2135, "cash", tendered=3000)
        over = await restaurant.pay(order, 1, "external")
        refund = await restaurant.refund(card, 500)
        closed = await client.post(
            f"/api/v1/cash-drawers/{drawer['id']}/close",
            json={"counted": 3135},
            headers=restaurant.headers("manager"),
        )

    assert (cash["change_given"], cash["balance_after"]) == (865, 0)
    assert over.status_code == 409
    assert refund.status_code == 201
    assert (closed.json()["expected"], closed.json()["variance"]) == (3135, 0)

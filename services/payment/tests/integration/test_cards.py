"""Card payments at the processor: declines, and a processor that stops answering.

A timeout must never lead to a second charge: the payment stays pending, the
request answers in time, and the reconciler asks the processor again with the
same idempotency key once it answers.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pos_kit.events.testing import wait_until


async def test_a_declined_card_leaves_the_balance_and_publishes_payment_failed(
    restaurant, bus
) -> None:
    order = restaurant.order(2400)
    key = str(uuid.uuid4())

    declined = await restaurant.pay(order, 2400, key=key, payment_method="pm_card_chargeDeclined")
    retried = await restaurant.pay(order, 2400, key=key, payment_method="pm_card_chargeDeclined")
    broke = await restaurant.pay(
        order, 2400, payment_method="pm_card_chargeDeclinedInsufficientFunds"
    )

    assert declined.status_code == 402
    assert declined.headers["content-type"] == "application/problem+json"
    problem = declined.json()
    assert problem["type"].endswith("/card-declined")
    assert problem["decline_code"] == "generic_decline"
    assert retried.status_code == 402
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.json()["payment_id"] == problem["payment_id"]
    assert broke.json()["decline_code"] == "insufficient_funds"
    bill = await restaurant.bill(order)
    assert (bill["balance"], bill["paid"], bill["pending"]) == (2400, 0, 0)
    assert {p["status"] for p in bill["items"]} == {"failed"}

    async def failed_events() -> list[dict[str, Any]]:
        return [
            e["data"]
            for e in await bus.events("payment.failed")
            if e["data"]["payment_id"] == problem["payment_id"]
        ]

    async def published() -> bool:
        return len(await failed_events()) == 1

    await wait_until(published, what="payment.failed")
    (failed,) = await failed_events()
    assert datetime.fromisoformat(failed.pop("failed_at")).tzinfo is not None
    assert failed == {
        "payment_id": problem["payment_id"],
        "order_id": order["id"],
        "method": "card",
        "amount": 2400,
        "currency": "EUR",
        "reason": "generic_decline",
    }
    assert (await restaurant.paid(order, 2400))["balance_after"] == 0


async def test_a_declined_payment_by_items_frees_its_lines(restaurant) -> None:
    order = restaurant.order(900, 600)
    fish = order["items"][0]["id"]

    declined = await restaurant.pay(
        order, 900, lines=[fish], payment_method="pm_card_chargeDeclined"
    )
    again = await restaurant.pay(order, 900, lines=[fish])

    assert declined.status_code == 402
    assert again.status_code == 201, again.text


async def test_a_hanging_processor_leaves_the_payment_pending_then_reconciled_with_one_charge(
    restaurant, simulator, bus
) -> None:
    order = restaurant.order(5000)
    key = str(uuid.uuid4())
    await simulator.hang(True)
    try:
        pending = await restaurant.pay(order, 3000, key=key, tip=300)
        assert pending.status_code == 202, pending.text
        payment = pending.json()
        assert payment["status"] == "pending"
        assert payment["balance_after"] is None
        bill = await restaurant.bill(order)
        assert (bill["balance"], bill["pending"]) == (5000, 3000)
        over = await restaurant.pay(order, 2500)  # the pending 3000 is reserved
        assert over.status_code == 409
        assert over.json()["payable"] == 2000
        assert await simulator.held() >= 1  # the first charge waits at the processor
    finally:
        await simulator.hang(False)

    async def reconciled() -> bool:
        return (await restaurant.payment_now(payment))["status"] == "completed"

    await wait_until(reconciled, within=15, what="the reconciler to complete the payment")
    done = await restaurant.payment_now(payment)
    assert (done["balance_after"], done["card"]) == (2000, {"brand": "visa", "last4": "4242"})
    assert await simulator.charges_of(payment["id"]) == 1
    retried = await restaurant.pay(order, 3000, key=key, tip=300)
    assert retried.status_code == 201
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.json()["id"] == payment["id"]
    events = [
        e for e in await bus.events("payment.completed") if e["data"]["payment_id"] == payment["id"]
    ]
    assert len(events) == 1
    assert events[0]["data"]["tip"] == 300


async def test_a_retry_after_a_timeout_asks_the_processor_again_without_a_second_charge(
    restaurant, simulator
) -> None:
    order = restaurant.order(1500)
    key = str(uuid.uuid4())
    await simulator.hang(True)
    try:
        pending = await restaurant.pay(order, 1500, key=key)
        assert pending.status_code == 202
    finally:
        await simulator.hang(False)

    payment_id = pending.json()["id"]

    async def charged_once_released() -> bool:
        return await simulator.charges_of(payment_id) == 1

    await wait_until(charged_once_released, what="the held charge to run")
    retried = await restaurant.pay(order, 1500, key=key)

    assert retried.status_code == 201, retried.text
    assert retried.json()["id"] == payment_id
    assert retried.json()["status"] == "completed"
    assert await simulator.charges_of(payment_id) == 1
    assert [p["id"] for p in (await restaurant.bill(order))["items"]] == [payment_id]

"""Refunds: never more than what was paid; card refunds at the processor, cash from a drawer."""

from __future__ import annotations

import uuid

from pos_kit.events.testing import wait_until


async def test_a_refund_above_what_was_paid_is_refused(restaurant) -> None:
    order = restaurant.order(3000)
    payment = await restaurant.paid(order, 3000, tip=200)

    too_much = await restaurant.refund(payment, 3201)
    part = await restaurant.refund(payment, 3000)
    rest_too_much = await restaurant.refund(payment, 201)

    assert too_much.status_code == 409
    assert too_much.json()["refundable"] == 3200
    assert part.status_code == 201, part.text
    assert rest_too_much.status_code == 409
    assert rest_too_much.json()["refundable"] == 200


async def test_a_refund_of_one_line_publishes_payment_refunded(restaurant, bus) -> None:
    order = restaurant.order(1800, 650)
    dessert = order["items"][1]["id"]
    payment = await restaurant.paid(order, 2450)

    response = await restaurant.refund(payment, 650, lines=[dessert], reason="dessert was cold")

    assert response.status_code == 201, response.text
    refund = response.json()
    assert (refund["status"], refund["amount"], refund["lines"]) == ("completed", 650, [dessert])
    assert refund["processor_reference"].startswith("re_")
    after = await restaurant.payment_now(payment)
    assert (after["status"], after["refunded"]) == ("partially_refunded", 650)
    # A refund gives money back; it does not reopen the order's bill.
    assert (await restaurant.bill(order))["balance"] == 0

    async def published() -> bool:
        return any(
            e["data"]["refund_id"] == refund["id"] for e in await bus.events("payment.refunded")
        )

    await wait_until(published, what="payment.refunded")
    (event,) = [
        e["data"]
        for e in await bus.events("payment.refunded")
        if e["data"]["refund_id"] == refund["id"]
    ]
    assert event["payment_id"] == payment["id"]
    assert (event["amount"], event["lines"], event["reason"]) == (
        650,
        [dessert],
        "dessert was cold",
    )


async def test_refunding_everything_marks_the_payment_refunded(restaurant) -> None:
    order = restaurant.order(1000)
    payment = await restaurant.paid(order, 1000, "external")

    first = await restaurant.refund(payment, 400)
    second = await restaurant.refund(payment, 600)

    assert first.status_code == second.status_code == 201
    assert (await restaurant.payment_now(payment))["status"] == "refunded"


async def test_a_refund_retried_with_its_key_gives_back_once(restaurant) -> None:
    order = restaurant.order(2000)
    payment = await restaurant.paid(order, 2000)
    key = str(uuid.uuid4())

    first = await restaurant.refund(payment, 500, key=key)
    again = await restaurant.refund(payment, 500, key=key)

    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert (await restaurant.payment_now(payment))["refunded"] == 500


async def test_refund_lines_must_be_lines_the_payment_paid(restaurant) -> None:
    order = restaurant.order(1000, 500)
    soup, bread = (item["id"] for item in order["items"])
    payment = await restaurant.paid(order, 1000, lines=[soup])

    response = await restaurant.refund(payment, 500, lines=[bread])

    assert response.status_code == 422


async def test_a_cash_refund_is_paid_out_of_the_drawer(restaurant) -> None:
    order = restaurant.order(2000)
    drawer = await restaurant.open_drawer("refunds", opening_float=5000)
    payment = await restaurant.paid(order, 2000, "cash")

    response = await restaurant.refund(payment, 700)

    assert response.status_code == 201, response.text
    assert response.json()["drawer_session_id"] == drawer["id"]
    session = await restaurant.client.get(
        f"/api/v1/cash-drawers/{drawer['id']}", headers=restaurant.cashier()
    )
    assert session.json()["expected"] == 5000 + 2000 - 700


async def test_only_managers_refund(restaurant) -> None:
    order = restaurant.order(1000)
    payment = await restaurant.paid(order, 1000)

    response = await restaurant.client.post(
        f"/api/v1/payments/{payment['id']}/refunds",
        json={"amount": 100, "reason": "goodwill"},
        headers={**restaurant.cashier(), "Idempotency-Key": str(uuid.uuid4())},
    )

    assert response.status_code == 403


async def test_a_card_refund_the_processor_did_not_answer_is_reconciled(
    restaurant, simulator, bus
) -> None:
    payment = await restaurant.paid(restaurant.order(3000), 3000)
    await simulator.hang(True)
    try:
        pending = await restaurant.refund(payment, 1200)
        assert pending.status_code == 202, pending.text
        assert pending.json()["status"] == "pending"
        more = await restaurant.refund(payment, 1801)  # the pending 1200 is reserved
        assert more.status_code == 409
    finally:
        await simulator.hang(False)
    refund_id = pending.json()["id"]

    async def reconciled() -> bool:
        return any(
            e["data"]["refund_id"] == refund_id for e in await bus.events("payment.refunded")
        )

    await wait_until(reconciled, within=15, what="the reconciler to complete the refund")
    after = await restaurant.payment_now(payment)
    assert (after["status"], after["refunded"]) == ("partially_refunded", 1200)

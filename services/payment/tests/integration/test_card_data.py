"""No card number anywhere: refused at the door, never in a table, a log line or an event.

The API takes the processor's tokens only. A card number in any field is refused
(422) without being echoed; after card payments, nothing in the database, the
logs or the event stream looks like a card number.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from pos_kit.cards import card_numbers_in
from pos_kit.testing.app import captured_logs
from pos_payment.adapters.tables import Base

# Stripe's test card numbers (a Visa, a Mastercard, an Amex), as people type them.
CARDS = ["4242424242424242", "5555 5555 5555 4444", "3782-822463-10005"]


def digits(card: str) -> str:
    return "".join(c for c in card if c.isdigit())


def leaks(text_: str) -> list[str]:
    """Card numbers in `text_`: the ones sent by these tests, and any other Luhn-valid run."""
    sent = [digits(c) for c in CARDS if digits(c) in digits_only_runs(text_) or c in text_]
    return sent + list(card_numbers_in(text_))


def digits_only_runs(text_: str) -> str:
    return "".join(c if c.isdigit() else " " for c in text_)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("payment_method", CARDS[0]),
        ("drawer", f"card {CARDS[1]} please"),
        ("note", CARDS[2]),  # a field the API does not even know
        ("amount", int(CARDS[0])),  # a number, not text
        ("lines", [str(uuid.uuid4()), CARDS[1]]),
    ],
)
async def test_a_card_number_in_any_field_is_refused_without_being_echoed(
    restaurant, field: str, value: Any
) -> None:
    order = restaurant.order(1000)
    body: dict[str, Any] = {"order_id": order["id"], "amount": 1000, "method": "card",
                            "payment_method": "pm_card_visa", field: value}  # fmt: skip

    response = await restaurant.client.post(
        "/api/v1/payments",
        json=body,
        headers={**restaurant.cashier(), "Idempotency-Key": str(uuid.uuid4())},
    )

    assert response.status_code == 422
    assert "card number" in response.json()["detail"]
    assert not leaks(response.text)
    assert (await restaurant.bill(order))["items"] == []


async def test_refund_reasons_and_drawer_notes_refuse_card_numbers_too(restaurant) -> None:
    payment = await restaurant.paid(restaurant.order(1000), 1000)
    session = await restaurant.open_drawer("front")

    refund = await restaurant.refund(payment, 100, reason=f"refund to {CARDS[0]}")
    paid_out = await restaurant.client.post(
        f"/api/v1/cash-drawers/{session['id']}/paid-out",
        json={"amount": 100, "reason": CARDS[1]},
        headers=restaurant.cashier(),
    )

    assert refund.status_code == paid_out.status_code == 422
    assert not leaks(refund.text + paid_out.text)


async def test_no_card_number_in_any_table_log_line_or_event_after_card_payments(
    restaurant, database, bus
) -> None:
    with captured_logs() as logs:
        order = restaurant.order(3000, 2000)
        await restaurant.paid(order, 3000, tip=200)
        await restaurant.pay(order, 2000, payment_method="pm_card_chargeDeclined")
        refused = await restaurant.pay(order, 2000, payment_method=CARDS[0])
        card = await restaurant.paid(order, 2000, payment_method="pm_card_mastercard")
        await restaurant.refund(card, 500)
    assert refused.status_code == 422

    async with database.unit_of_work() as uow:
        tables = [
            str(row)
            for table in Base.metadata.sorted_tables
            for row in await uow.session.execute(text(f"SELECT * FROM {table.name}"))
        ]
    events = [
        str(e)
        for kind in ("completed", "failed", "refunded")
        for e in await bus.events(f"payment.{kind}")
    ]
    log_lines = [str(line) for line in logs.lines()]

    assert any(order["id"] in row for row in tables)  # the grep reads the real rows
    assert any("pm_card_mastercard" in line or "payment_completed" in line for line in log_lines)
    assert not leaks("\n".join(tables))
    assert not leaks("\n".join(log_lines))
    assert not leaks("\n".join(events))

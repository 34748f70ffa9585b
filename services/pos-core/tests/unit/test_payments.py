"""When an order counts as paid, and when paying it also closes it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pos_core.domain.orders import OrderStatus, OrderType
from pos_core.domain.payments import CompletedPayment, covers


def payment(amount: int, *, order_total: int, paid_total: int) -> CompletedPayment:
    return CompletedPayment(
        payment_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        method="card",
        amount=amount,
        tip=0,
        currency="EUR",
        order_total=order_total,
        paid_total=paid_total,
        taken_by="cashier-1",
        completed_at=datetime(2026, 12, 10, 20, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("recorded", "paid_total", "paid"),
    [
        (2000, 2000, False),  # the first of three parts
        (4000, 4000, False),
        (6135, 6135, True),  # the third
        (2135, 6135, True),  # the third, arrived before the other two
        (6135, 2000, True),  # the first, arrived last
        (6000, 6000, False),
    ],
)
def test_an_order_is_paid_when_what_was_paid_covers_its_total(
    recorded: int, paid_total: int, paid: bool
) -> None:
    last = payment(100, order_total=6135, paid_total=paid_total)
    assert covers(6135, recorded=recorded, payment=last) is paid


def test_the_payment_services_figure_counts_only_against_the_same_total() -> None:
    # Reckoned against another total (a copy out of step): only what pos-core saw counts.
    odd = payment(500, order_total=500, paid_total=500)
    assert not covers(6135, recorded=500, payment=odd)
    assert covers(500, recorded=500, payment=odd)


@pytest.mark.parametrize(
    ("type", "setting", "closes"),
    [
        (OrderType.DINE_IN, True, True),
        (OrderType.DINE_IN, False, False),
        (OrderType.TAKEOUT, True, False),
        (OrderType.DELIVERY, True, False),
    ],
)
def test_only_a_dine_in_order_closes_once_paid_and_only_if_the_restaurant_says_so(
    make, type: OrderType, setting: bool, closes: bool
) -> None:
    order = make.order(status=OrderStatus.PLACED, type=type)
    assert order.closes_once_paid(close_when_paid=setting) is closes

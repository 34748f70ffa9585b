"""A payment's checks against its order, cash tender and rounding, and its ledger entries."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from pos_payment.domain.errors import (
    AmountExceedsBalance,
    InvalidInput,
    LinesAlreadyPaid,
    OrderCancelled,
    OrderLinesUnknown,
    OrderNotPlaced,
)
from pos_payment.domain.ledger import EntryKind, payment_entries
from pos_payment.domain.orders import Order, OrderStatus
from pos_payment.domain.payments import (
    Method,
    OrderAccount,
    Payment,
    PaymentRequest,
    PaymentStatus,
    cash_tender,
    check_payment,
    refunded_status,
)

STEAK, WINE, COFFEE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
NOW = datetime(2026, 11, 25, 19, 30, tzinfo=UTC)


def order(status: OrderStatus = OrderStatus.PLACED) -> Order:
    return Order(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        status=status,
        currency="EUR",
        total=2450,
        tax=200,
        lines={STEAK: 1200, WINE: 800, COFFEE: 450},
        placed_by="server-1",
    )


def request(the_order: Order, amount: int, *lines: uuid.UUID) -> PaymentRequest:
    return PaymentRequest(order_id=the_order.id, amount=amount, method=Method.CARD, lines=lines)


def test_the_balance_is_the_total_less_payments_and_pending_ones_reserve_part_of_it() -> None:
    bill = order()
    account = OrderAccount(paid=1000, pending=450)

    check_payment(bill, account, request(bill, 1000))
    with pytest.raises(AmountExceedsBalance) as refused:
        check_payment(bill, account, request(bill, 1001))

    assert (account.balance(bill), account.payable(bill)) == (1450, 1000)
    assert refused.value.extra == {"balance": 1450, "pending": 450, "payable": 1000,
                                   "currency": "EUR"}  # fmt: skip
    assert "1450 EUR" in refused.value.detail


@pytest.mark.parametrize(
    ("status", "error"),
    [(OrderStatus.CANCELLED, OrderCancelled), (OrderStatus.OPEN, OrderNotPlaced)],
)
def test_a_cancelled_or_open_order_takes_no_money(status: OrderStatus, error: type) -> None:
    bill = order(status)
    with pytest.raises(error):
        check_payment(bill, OrderAccount(), request(bill, 100))


@pytest.mark.parametrize("status", [OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.CLOSED])
def test_money_is_taken_against_a_placed_paid_or_closed_order(status: OrderStatus) -> None:
    bill = order(status)
    check_payment(bill, OrderAccount(), request(bill, 100))


def test_paying_by_items_takes_their_total_once() -> None:
    bill = order()

    check_payment(bill, OrderAccount(), request(bill, 1650, STEAK, COFFEE))
    with pytest.raises(LinesAlreadyPaid):
        check_payment(bill, OrderAccount(paid_lines=frozenset({STEAK})), request(bill, 1200, STEAK))
    with pytest.raises(InvalidInput, match="lines' total, 1650"):
        check_payment(bill, OrderAccount(), request(bill, 1600, STEAK, COFFEE))
    with pytest.raises(InvalidInput, match="Not lines of this order"):
        check_payment(bill, OrderAccount(), request(bill, 100, uuid.uuid4()))


@pytest.mark.parametrize(
    ("amount", "tip", "tendered", "unit", "expected"),
    [
        (2135, 0, 3000, 1, (0, 2135, 3000, 865)),
        (2135, 0, None, 1, (0, 2135, 2135, 0)),
        (2133, 0, None, 5, (2, 2135, 2135, 0)),
        (2132, 100, 2500, 5, (-2, 2230, 2500, 270)),
    ],
)
def test_cash_rounds_the_amount_adds_the_tip_and_gives_change(
    amount: int, tip: int, tendered: int | None, unit: int, expected: tuple[int, ...]
) -> None:
    tender = cash_tender(amount=amount, tip=tip, tendered=tendered, unit=unit)
    assert (tender.rounding, tender.due, tender.tendered, tender.change) == expected


def test_cash_tendered_below_what_is_due_is_refused() -> None:
    with pytest.raises(InvalidInput, match="2135 due"):
        cash_tender(amount=2133, tip=0, tendered=2133, unit=5)


@pytest.fixture
def cash_payment(new_payment) -> Callable[..., Payment]:
    """A pending cash payment of 2133 CHF, a 150 tip and 2 of rounding, unless `fields` differ."""

    def cash(**fields: Any) -> Payment:
        values: dict[str, Any] = {
            "method": Method.CASH,
            "status": PaymentStatus.PENDING,
            "amount": 2133,
            "tip": 150,
            "currency": "CHF",
            "rounding": 2,
            "drawer_session_id": uuid.uuid4(),
        }
        return new_payment(**(values | fields))

    return cash


def test_a_completed_payment_adds_its_amount_tip_and_rounding_to_the_ledger(cash_payment) -> None:
    taken = cash_payment()

    entries = payment_entries(taken, at=NOW)

    assert [(e.kind, e.amount, e.staff_id) for e in entries] == [
        (EntryKind.PAYMENT, 2133, "cashier-1"),
        (EntryKind.TIP, 150, "server-1"),
        (EntryKind.ROUNDING, 2, "cashier-1"),
    ]
    assert {e.drawer_session_id for e in entries} == {taken.drawer_session_id}
    assert taken.charged == 2285


def test_no_tip_no_rounding_means_one_entry_and_a_tip_without_a_server_goes_to_the_taker(
    cash_payment,
) -> None:
    assert [e.kind for e in payment_entries(cash_payment(tip=0, rounding=0), at=NOW)] == [
        EntryKind.PAYMENT
    ]
    tip = payment_entries(cash_payment(served_by=None, rounding=0), at=NOW)[1]
    assert (tip.kind, tip.staff_id) == (EntryKind.TIP, "cashier-1")


def test_refunds_make_a_payment_partially_then_fully_refunded(cash_payment) -> None:
    taken = cash_payment(amount=1000, tip=100)

    assert refunded_status(taken, 0) is PaymentStatus.COMPLETED
    assert refunded_status(taken, 500) is PaymentStatus.PARTIALLY_REFUNDED
    assert refunded_status(taken, 1100) is PaymentStatus.REFUNDED


def test_paying_by_items_needs_the_orders_lines() -> None:
    known_by_its_total_only = Order(
        uuid.uuid4(), uuid.uuid4(), OrderStatus.PAID, "EUR", total=1000, tax=0
    )

    with pytest.raises(OrderLinesUnknown):
        check_payment(
            known_by_its_total_only, OrderAccount(), request(known_by_its_total_only, 500, STEAK)
        )

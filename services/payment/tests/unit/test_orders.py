"""payment's copy of an order learns from events in any order and never goes back."""

from __future__ import annotations

import uuid

from pos_payment.domain.orders import Order, OrderStatus

ORDER, TENANT, LINE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def news(status: OrderStatus, **known: object) -> Order:
    return Order(id=ORDER, tenant_id=TENANT, status=status, **known)  # type: ignore[arg-type]


def test_a_later_status_wins_and_an_earlier_one_arriving_late_changes_nothing() -> None:
    placed = news(
        OrderStatus.PLACED, currency="EUR", total=1000, tax=90, lines={LINE: 1000}, placed_by="w"
    )
    paid = news(OrderStatus.PAID, currency="EUR", total=1000, tax=90)

    assert placed.merged_with(paid).status is OrderStatus.PAID
    assert paid.merged_with(placed) == placed.merged_with(paid)
    assert paid.merged_with(placed).lines == {LINE: 1000}
    assert paid.merged_with(placed).placed_by == "w"


def test_a_cancellation_before_placement_has_no_money_fields_and_keeps_the_ones_known() -> None:
    cancelled = news(OrderStatus.CANCELLED)
    placed = news(OrderStatus.PLACED, currency="EUR", total=500, tax=0, lines={LINE: 500})

    merged = placed.merged_with(cancelled)

    assert merged.status is OrderStatus.CANCELLED
    assert (merged.total, merged.currency) == (500, "EUR")
    assert cancelled.merged_with(placed).status is OrderStatus.CANCELLED

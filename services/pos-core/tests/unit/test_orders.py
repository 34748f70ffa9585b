"""The order aggregate: items while open, one currency, the placing lease, stock lines."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from pos_core.domain.errors import OrderBeingPlaced, OrderNotOpen, Unprocessable
from pos_core.domain.orders import OrderStatus
from pos_core.domain.stock import Reservation, StockLine
from pos_kit.errors import NotFound

LEASE = timedelta(seconds=10)


def test_totals_follow_the_items(make) -> None:
    pizza, cola = make.pizza(), make.product("Cola", 350, tax_rate_bps=2000)
    order = make.order(make.item(pizza, 2, modifiers=("Large", "Extra cheese")), make.item(cola, 3))
    totals = order.totals
    assert (totals.subtotal, totals.tax, totals.total) == (4350, 540, 4890)
    assert order.currency == "EUR"


def test_items_of_another_currency_are_refused(make) -> None:
    order = make.order(make.item(make.product()))
    with pytest.raises(Unprocessable, match="priced in USD"):
        order.add_item(make.item(make.product(currency="USD")), make.NOW)


def test_removing_the_last_item_forgets_the_currency(make) -> None:
    order = make.order(make.item(make.product()))
    order.remove_item(order.items[0].id, make.NOW)
    assert order.items == []
    assert order.currency is None
    with pytest.raises(NotFound):
        order.remove_item(uuid.uuid4(), make.NOW)


@pytest.mark.parametrize(
    "status", [OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.CLOSED, OrderStatus.CANCELLED]
)
def test_items_change_only_while_open(make, status: OrderStatus) -> None:
    order = make.order(make.item(make.product()), status=status)
    with pytest.raises(OrderNotOpen) as raised:
        order.add_item(make.item(make.product()), make.NOW)
    assert raised.value.extra["current_status"] == status.value
    with pytest.raises(OrderNotOpen):
        order.remove_item(order.items[0].id, make.NOW)


def test_items_are_frozen_while_the_order_is_being_placed(make) -> None:
    order = make.order(make.item(make.product()))
    order.begin_placing(make.NOW, LEASE)
    with pytest.raises(OrderBeingPlaced) as raised:
        order.add_item(make.item(make.product()), make.NOW)
    assert raised.value.headers["Retry-After"] == "10"
    with pytest.raises(OrderBeingPlaced):
        order.begin_placing(make.NOW, LEASE)
    # The lease lapses on its own (a process that died mid-placement) ...
    order.add_item(make.item(make.product()), make.NOW + LEASE)
    # ... or is lifted when the attempt ends.
    order.begin_placing(make.NOW + LEASE, LEASE)
    order.end_placing()
    order.add_item(make.item(make.product()), make.NOW + LEASE)


def test_an_empty_order_cannot_be_placed(make) -> None:
    with pytest.raises(Unprocessable):
        make.order().begin_placing(make.NOW, LEASE)


def test_placing_reserves_quantities_summed_per_product(make) -> None:
    soup, bread = make.product("Soup", 600), make.product("Bread", 200)
    order = make.order(make.item(soup, 2), make.item(bread, 1), make.item(soup, 3))
    lines = order.begin_placing(make.NOW, LEASE)
    assert sorted((line.product_id, line.quantity) for line in lines) == sorted(
        [(soup.id, 5), (bread.id, 1)]
    )
    order.place(reservation_id="r-7", now=make.NOW, by="w")
    assert order.placing_until is None
    assert order.reservation_to_settle == "r-7"


def test_a_reservation_covers_the_order_only_with_the_same_lines(make) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    held = Reservation("r", "held", (StockLine(a, 2), StockLine(b, 1)))
    assert held.covers_exactly([StockLine(b, 1), StockLine(a, 2)])
    assert not held.covers_exactly([StockLine(a, 2)])
    assert not held.covers_exactly([StockLine(a, 3), StockLine(b, 1)])
    assert Reservation("r", "held", None).covers_exactly([StockLine(a, 1)])
    assert not Reservation("r", "released", None).is_held


@pytest.mark.parametrize("guests", [0, 51, -3])
def test_guests_are_between_1_and_50(make, guests: int) -> None:
    with pytest.raises(Unprocessable):
        make.order(guests=guests)

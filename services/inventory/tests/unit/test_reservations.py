"""Reservation rules without I/O: all lines or none, short lines, 86'd items, life cycle."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pos_inventory.domain.errors import InsufficientStock, InvalidInput, ProductUnavailable
from pos_inventory.domain.menu import Product
from pos_inventory.domain.reservations import (
    RequestedLine,
    Reservation,
    ReservationLine,
    ReservationStatus,
    check_lines,
    hold_stock,
)
from pos_inventory.domain.stock import StockLevel
from pos_kit.errors import Conflict

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TENANT = uuid.uuid4()


def a_product(name: str, *, track_stock: bool = True, available: bool = True) -> Product:
    return Product(
        id=uuid.uuid4(),
        tenant_id=TENANT,
        name=name,
        description="",
        price=500,
        currency="EUR",
        category_id=None,
        sku=None,
        tax_rate_bps=0,
        tags=(),
        allergens=(),
        available=available,
        track_stock=track_stock,
        modifier_groups=(),
        created_at=NOW,
        updated_at=NOW,
    )


class Menu:
    """Products and their (locked) stock rows, as the use case hands them to the domain."""

    def __init__(self) -> None:
        self.products: dict[uuid.UUID, Product] = {}
        self.levels: dict[uuid.UUID, StockLevel] = {}

    def add(self, name: str, on_hand: int | None = None, **kw: Any) -> Product:
        product = a_product(name, track_stock=on_hand is not None, **kw)
        self.products[product.id] = product
        if on_hand is not None:
            self.levels[product.id] = StockLevel(TENANT, product.id, on_hand, 0, None, NOW)
        return product

    def hold(self, *lines: tuple[Product, int]) -> tuple[ReservationLine, ...]:
        requested = [RequestedLine(p.id, q) for p, q in lines]
        return hold_stock(requested, self.products, self.levels, NOW)


def test_every_line_is_held_when_all_are_in_stock() -> None:
    menu = Menu()
    pizza, beer, bread = menu.add("Pizza", 5), menu.add("Beer", 10), menu.add("Bread")
    held = menu.hold((pizza, 2), (beer, 3), (bread, 50))
    assert [(ln.quantity, ln.tracked) for ln in held] == [(2, True), (3, True), (50, False)]
    assert menu.levels[pizza.id].reserved == 2
    assert menu.levels[beer.id].reserved == 3


def test_one_short_line_holds_nothing_and_every_short_line_is_named() -> None:
    menu = Menu()
    pizza, beer, wine = menu.add("Pizza", 5), menu.add("Beer", 1), menu.add("Wine", 0)
    with pytest.raises(InsufficientStock) as refused:
        menu.hold((pizza, 2), (beer, 2), (wine, 1))
    assert refused.value.status == 409
    assert refused.value.extra["short_lines"] == [
        {"product_id": str(beer.id), "name": "Beer", "requested": 2, "available": 1},
        {"product_id": str(wine.id), "name": "Wine", "requested": 1, "available": 0},
    ]
    assert "Beer" in refused.value.detail
    assert "Wine" in refused.value.detail
    assert all(level.reserved == 0 for level in menu.levels.values())


def test_an_86d_item_is_refused_even_when_untracked() -> None:
    menu = Menu()
    soup = menu.add("Soup of the day", available=False)
    pizza = menu.add("Pizza", 5)
    with pytest.raises(ProductUnavailable, match="Soup of the day"):
        menu.hold((pizza, 1), (soup, 1))
    assert menu.levels[pizza.id].reserved == 0


def test_an_unknown_product_is_named_by_its_line() -> None:
    menu = Menu()
    pizza = menu.add("Pizza", 5)
    stranger = uuid.uuid4()
    with pytest.raises(InvalidInput) as refused:
        hold_stock(
            [RequestedLine(pizza.id, 1), RequestedLine(stranger, 1)],
            menu.products,
            menu.levels,
            NOW,
        )
    assert refused.value.extra["errors"][0]["field"] == "body.lines.1.product_id"
    assert refused.value.extra["unknown_product_ids"] == [str(stranger)]


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "body.lines"),
        ([(0, 0)], "body.lines.0.quantity"),
        ([(0, -1)], "body.lines.0.quantity"),
        ([(0, 1001)], "body.lines.0.quantity"),
        ([(0, 1), (1, 1), (0, 2)], "body.lines.2.product_id"),
    ],
)
def test_bad_lines_are_refused_naming_the_line(lines: list[tuple[int, int]], field: str) -> None:
    ids = [uuid.uuid4(), uuid.uuid4()]
    with pytest.raises(InvalidInput) as refused:
        check_lines([RequestedLine(ids[i], q) for i, q in lines])
    assert refused.value.extra["errors"][0]["field"] == field


def a_reservation(expires_in: timedelta = timedelta(minutes=30)) -> Reservation:
    return Reservation(
        id=uuid.uuid4(),
        tenant_id=TENANT,
        order_id=uuid.uuid4(),
        status=ReservationStatus.HELD,
        lines=(ReservationLine(uuid.uuid4(), 2, True),),
        created_at=NOW,
        expires_at=NOW + expires_in,
    )


def test_commit_is_idempotent_and_final() -> None:
    r = a_reservation()
    assert r.commit(NOW)
    assert not r.commit(NOW)
    assert r.status is ReservationStatus.COMMITTED
    with pytest.raises(Conflict, match="committed"):
        r.release(NOW)


def test_release_is_idempotent_and_a_released_one_cannot_be_committed() -> None:
    r = a_reservation()
    assert r.release(NOW)
    assert not r.release(NOW)
    with pytest.raises(Conflict):
        r.commit(NOW)


def test_a_hold_expires_at_its_time_and_cannot_be_committed_after() -> None:
    r = a_reservation(timedelta(minutes=30))
    assert not r.expire(NOW + timedelta(minutes=29))
    with pytest.raises(Conflict, match="expired"):
        r.commit(NOW + timedelta(minutes=30))
    assert r.expire(NOW + timedelta(minutes=30))
    assert r.status is ReservationStatus.EXPIRED
    assert not r.release(NOW + timedelta(hours=1))  # already given back
    with pytest.raises(Conflict):
        r.commit(NOW + timedelta(hours=1))


def test_a_repeat_is_the_same_request_whatever_the_order_of_its_lines() -> None:
    r = a_reservation()
    line = r.lines[0]
    assert r.asks_for([RequestedLine(line.product_id, 2)])
    assert not r.asks_for([RequestedLine(line.product_id, 3)])


def test_only_a_held_hold_in_its_time_or_a_committed_one_answers_a_repeat_as_it_is() -> None:
    held = a_reservation(timedelta(minutes=30))
    assert held.is_live(NOW + timedelta(minutes=29))
    assert not held.is_live(NOW + timedelta(minutes=30))  # past its time: about to expire
    committed = a_reservation()
    committed.commit(NOW)
    assert committed.is_live(NOW + timedelta(days=1))
    released = a_reservation()
    released.release(NOW)
    assert not released.is_live(NOW)
    expired = a_reservation(timedelta(minutes=30))
    expired.expire(NOW + timedelta(minutes=30))
    assert not expired.is_live(NOW + timedelta(minutes=30))


@pytest.mark.parametrize("given_back", ["release", "expire"])
def test_a_released_or_expired_reservation_is_held_again_with_new_lines_and_times(
    given_back: str,
) -> None:
    r = a_reservation(timedelta(minutes=30))
    gone = NOW + timedelta(minutes=45)
    assert getattr(r, given_back)(gone)
    assert r.released_at == gone
    lines = (ReservationLine(uuid.uuid4(), 1, True), ReservationLine(uuid.uuid4(), 4, False))
    later = NOW + timedelta(hours=1)
    r.hold_again(lines, later, later + timedelta(minutes=30))
    assert r.status is ReservationStatus.HELD
    assert r.lines == lines
    assert (r.created_at, r.expires_at) == (later, later + timedelta(minutes=30))
    assert (r.committed_at, r.released_at) == (None, None)
    assert r.is_live(later)
    # From here on it is an ordinary hold: it commits, and cannot be held a second time.
    with pytest.raises(Conflict, match="held"):
        r.hold_again(lines, later, later + timedelta(minutes=30))
    assert r.commit(later)


def test_a_committed_reservation_is_never_held_again() -> None:
    r = a_reservation()
    r.commit(NOW)
    lines = (ReservationLine(uuid.uuid4(), 1, True),)
    with pytest.raises(Conflict, match="committed"):
        r.hold_again(lines, NOW, NOW + timedelta(minutes=30))
    assert r.status is ReservationStatus.COMMITTED
    assert r.lines != lines

"""The order's status machine: every legal move, and every illegal one answered with a 409."""

from __future__ import annotations

import itertools

import pytest

from pos_core.domain.errors import IllegalTransition
from pos_core.domain.orders import (
    TRANSITIONS,
    OrderStatus,
    can_transition,
    ensure_transition,
)

S = OrderStatus
LEGAL = {
    (S.OPEN, S.PLACED),
    (S.OPEN, S.CANCELLED),
    (S.PLACED, S.PAID),
    (S.PLACED, S.CLOSED),
    (S.PLACED, S.CANCELLED),
    (S.PAID, S.CLOSED),
}
ALL_PAIRS = list(itertools.product(OrderStatus, OrderStatus))
ACTIONS = {S.PLACED: "place", S.PAID: "pay", S.CLOSED: "close", S.CANCELLED: "cancel"}


def test_the_table_holds_exactly_the_legal_moves() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == LEGAL
    assert set(TRANSITIONS) == set(OrderStatus)


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_legal_moves_are_allowed(current: OrderStatus, target: OrderStatus) -> None:
    assert can_transition(current, target)
    ensure_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"), [p for p in ALL_PAIRS if p not in LEGAL], ids=lambda s: s.value
)
def test_illegal_moves_raise_a_409_naming_the_current_status(
    current: OrderStatus, target: OrderStatus
) -> None:
    assert not can_transition(current, target)
    with pytest.raises(IllegalTransition) as raised:
        ensure_transition(current, target)
    assert raised.value.status == 409
    assert raised.value.extra["current_status"] == current.value


@pytest.mark.parametrize(
    ("current", "target"),
    [p for p in ALL_PAIRS if p[1] is not S.OPEN],
    ids=lambda s: s.value,
)
def test_the_order_moves_only_along_the_table(
    make, current: OrderStatus, target: OrderStatus
) -> None:
    order = make.order(make.item(make.product()), status=current)
    act = getattr(order, ACTIONS[target])
    kwargs = {"now": make.NOW, "by": "waiter-2"}
    if target is S.PLACED:
        kwargs["reservation_id"] = "r-9"
    if (current, target) in LEGAL:
        act(**kwargs)
        assert order.status is target
    else:
        with pytest.raises(IllegalTransition) as raised:
            act(**kwargs)
        assert raised.value.extra["current_status"] == current.value
        assert order.status is current


def test_each_move_stamps_who_and_when(make) -> None:
    order = make.order(make.item(make.product()))
    order.place(reservation_id="r-1", now=make.NOW, by="w")
    order.pay(now=make.NOW, by="c")
    order.close(now=make.NOW, by="m")
    assert (order.placed_by, order.paid_by, order.closed_by) == ("w", "c", "m")
    assert order.placed_at == order.paid_at == order.closed_at == make.NOW
    assert order.reservation_id == "r-1"
    assert order.reservation_to_settle == "r-1"

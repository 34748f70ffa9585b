"""Table seating rules: orders occupy and free tables, shared tables, staff marks, moves."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from pos_kit.errors import Conflict
from pos_restaurant.domain.errors import InvalidValue
from pos_restaurant.domain.floor_plan import (
    Placement,
    SeatingReason,
    Table,
    TableShape,
    TableStatus,
    move_order,
)

NOW = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
PLACED = SeatingReason.ORDER_PLACED
CLOSED = SeatingReason.ORDER_CLOSED


def a_table(name: str = "T1", tenant: uuid.UUID | None = None) -> Table:
    return Table.set_up(
        tenant_id=tenant or uuid.uuid4(),
        floor_id=uuid.uuid4(),
        name=name,
        seats=4,
        shape=TableShape.ROUND,
        placement=Placement(x=1, y=2, width=2, height=2),
        now=NOW,
    )


def later(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def test_a_new_table_is_free_without_orders() -> None:
    table = a_table()
    assert table.status is TableStatus.FREE
    assert table.current_order_id is None


def test_a_placed_order_occupies_a_free_table_and_says_what_changed() -> None:
    table, order = a_table(), uuid.uuid4()
    change = table.seat_order(order, now=later(1), reason=PLACED)
    assert change is not None
    assert table.status is TableStatus.OCCUPIED
    assert table.current_order_id == order
    assert (change.previous_status, change.status) == (TableStatus.FREE, TableStatus.OCCUPIED)
    assert (change.previous_order_id, change.current_order_id) == (None, order)
    assert change.reason is PLACED
    assert change.table_id == table.id


def test_the_same_order_placed_again_changes_nothing() -> None:
    table, order = a_table(), uuid.uuid4()
    table.seat_order(order, now=later(1), reason=PLACED)
    assert table.seat_order(order, now=later(2), reason=PLACED) is None
    assert table.order_ids == (order,)


def test_a_second_order_shares_the_table_and_the_first_stays_current() -> None:
    table, first, second = a_table(), uuid.uuid4(), uuid.uuid4()
    table.seat_order(first, now=later(1), reason=PLACED)
    change = table.seat_order(second, now=later(2), reason=PLACED)
    assert change is not None
    assert change.previous_status is change.status is TableStatus.OCCUPIED
    assert change.current_order_id == first
    assert change.order_ids == (first, second)


def test_a_shared_table_stays_occupied_until_its_last_order_ends() -> None:
    table, first, second = a_table(), uuid.uuid4(), uuid.uuid4()
    table.seat_order(first, now=later(1), reason=PLACED)
    table.seat_order(second, now=later(2), reason=PLACED)

    change = table.release_order(first, now=later(3), reason=CLOSED)
    assert change is not None
    assert table.status is TableStatus.OCCUPIED
    assert (change.previous_order_id, change.current_order_id) == (first, second)

    change = table.release_order(second, now=later(4), reason=SeatingReason.ORDER_CANCELLED)
    assert change is not None
    assert table.status is TableStatus.FREE
    assert table.current_order_id is None
    assert change.reason is SeatingReason.ORDER_CANCELLED


def test_an_order_that_is_not_at_the_table_does_not_free_it() -> None:
    table = a_table()
    table.seat_order(uuid.uuid4(), now=later(1), reason=PLACED)
    assert table.release_order(uuid.uuid4(), now=later(2), reason=CLOSED) is None
    assert table.status is TableStatus.OCCUPIED


def test_staff_seat_guests_before_ordering_and_the_order_then_becomes_current() -> None:
    table, order = a_table(), uuid.uuid4()
    seated = table.mark_occupied(now=later(1))
    assert seated is not None
    assert seated.reason is SeatingReason.MARKED_BY_STAFF
    assert (table.status, table.current_order_id) == (TableStatus.OCCUPIED, None)
    placed = table.seat_order(order, now=later(2), reason=PLACED)
    assert placed is not None
    assert table.current_order_id == order
    # When that order closes, the guests have gone: the table is free.
    table.release_order(order, now=later(3), reason=CLOSED)
    assert table.status is TableStatus.FREE


def test_staff_clearing_a_table_drops_its_orders_and_a_clear_table_reports_no_change() -> None:
    table = a_table()
    table.seat_order(uuid.uuid4(), now=later(1), reason=PLACED)
    change = table.mark_free(now=later(2))
    assert change is not None
    assert (table.status, table.order_ids) == (TableStatus.FREE, ())
    assert table.mark_free(now=later(3)) is None


def test_an_occupied_table_cannot_be_removed() -> None:
    table = a_table()
    table.ensure_removable()
    table.mark_occupied(now=later(1))
    with pytest.raises(Conflict):
        table.ensure_removable()


def test_a_move_frees_the_source_and_occupies_the_target_with_the_order() -> None:
    tenant, order = uuid.uuid4(), uuid.uuid4()
    source, target = a_table("T1", tenant), a_table("T2", tenant)
    source.seat_order(order, now=later(1), reason=PLACED)
    left, arrived = move_order(source, target, order_id=None, now=later(5))
    assert (source.status, target.status) == (TableStatus.FREE, TableStatus.OCCUPIED)
    assert target.current_order_id == order
    assert left.reason is arrived.reason is SeatingReason.ORDER_MOVED
    assert (left.previous_order_id, arrived.current_order_id) == (order, order)


def test_a_move_needs_an_occupied_source_and_a_free_target() -> None:
    tenant = uuid.uuid4()
    free_one, free_two, busy = a_table("A", tenant), a_table("B", tenant), a_table("C", tenant)
    busy.seat_order(uuid.uuid4(), now=later(1), reason=PLACED)
    with pytest.raises(Conflict, match="free"):
        move_order(free_one, free_two, order_id=None, now=later(2))
    other_busy = a_table("D", tenant)
    other_busy.seat_order(uuid.uuid4(), now=later(1), reason=PLACED)
    with pytest.raises(Conflict, match="occupied"):
        move_order(busy, other_busy, order_id=None, now=later(2))
    with pytest.raises(Conflict):
        move_order(busy, busy, order_id=None, now=later(2))
    # Nothing moved on a refusal.
    assert busy.status is other_busy.status is TableStatus.OCCUPIED


def test_one_order_of_a_shared_table_can_move_away_and_the_rest_stay() -> None:
    tenant, first, second = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    source, target = a_table("T1", tenant), a_table("T2", tenant)
    source.seat_order(first, now=later(1), reason=PLACED)
    source.seat_order(second, now=later(2), reason=PLACED)
    left, _ = move_order(source, target, order_id=second, now=later(3))
    assert source.order_ids == (first,)
    assert left.status is TableStatus.OCCUPIED
    assert target.order_ids == (second,)
    with pytest.raises(Conflict, match="not seated"):
        move_order(source, a_table("T3", tenant), order_id=uuid.uuid4(), now=later(4))


def test_guests_seated_without_an_order_can_move_too() -> None:
    tenant = uuid.uuid4()
    source, target = a_table("T1", tenant), a_table("T2", tenant)
    source.mark_occupied(now=later(1))
    left, arrived = move_order(source, target, order_id=None, now=later(2))
    assert (source.status, target.status) == (TableStatus.FREE, TableStatus.OCCUPIED)
    assert arrived.current_order_id is None
    assert left.reason is SeatingReason.ORDER_MOVED


@pytest.mark.parametrize("seats", [0, 51])
def test_a_table_seats_one_to_fifty(seats: int) -> None:
    with pytest.raises(InvalidValue):
        Table.set_up(
            tenant_id=uuid.uuid4(),
            floor_id=uuid.uuid4(),
            name="T",
            seats=seats,
            shape=TableShape.SQUARE,
            placement=Placement(x=0, y=0, width=1, height=1),
            now=NOW,
        )


def test_rearranging_keeps_the_seating_and_validates_the_placement() -> None:
    table = a_table()
    order = uuid.uuid4()
    table.seat_order(order, now=later(1), reason=PLACED)
    table.rearrange(now=later(2), name="Window 1", x=10, shape=TableShape.RECTANGLE)
    assert (table.name, table.placement.x, table.placement.y) == ("Window 1", 10, 2)
    assert table.current_order_id == order
    with pytest.raises(InvalidValue):
        table.rearrange(now=later(3), width=0)
    assert table.placement.width == 2

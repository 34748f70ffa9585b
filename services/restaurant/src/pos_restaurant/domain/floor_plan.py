"""Floors and tables as the floor plan draws them, and who is seated at a table.

A table is `free` or `occupied`. It is occupied while at least one open order is
seated at it, or when staff mark it occupied (guests seated, nothing ordered yet).
Several open orders may share a table (two parties, or a second check): the
table stays occupied until the last of them closes, and `current_order_id` is the
first of them still open. Every change of a table's seating (its status or the
orders at it) yields a `SeatingChange`, which the use case announces as the
`table.status_changed` event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum

from pos_kit.errors import Conflict
from pos_kit.mapping import build
from pos_restaurant.domain.errors import InvalidValue

MAX_FLOOR_NAME = 100
MAX_TABLE_NAME = 50
MIN_SEATS, MAX_SEATS = 1, 50
MAX_SORT_ORDER = 10_000
# Floor-plan units (grid cells of the plan the front end draws); the plan is at most
# this wide and high, and so is a table.
MAX_COORDINATE = 10_000
MIN_SIZE, MAX_SIZE = 1, 1_000


class TableStatus(StrEnum):
    FREE = "free"
    OCCUPIED = "occupied"


class TableShape(StrEnum):
    ROUND = "round"
    SQUARE = "square"
    RECTANGLE = "rectangle"


class SeatingReason(StrEnum):
    """Why a table's seating changed; carried in `table.status_changed`."""

    ORDER_PLACED = "order_placed"
    ORDER_CLOSED = "order_closed"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_MOVED = "order_moved"
    MARKED_BY_STAFF = "marked_by_staff"


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""Marks a field an edit leaves as it is."""


def _name(field_name: str, value: str, limit: int) -> str:
    value = value.strip()
    if not 1 <= len(value) <= limit:
        raise InvalidValue(field_name, f"The name needs 1 to {limit} characters.")
    return value


def _within(field_name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidValue(field_name, f"Must be between {low} and {high}; got {value}.")
    return value


@dataclass
class Floor:
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    sort_order: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def lay_out(cls, *, tenant_id: uuid.UUID, name: str, sort_order: int, now: datetime) -> Floor:
        return cls(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            name=_name("name", name, MAX_FLOOR_NAME),
            sort_order=_within("sort_order", sort_order, 0, MAX_SORT_ORDER),
            created_at=now,
            updated_at=now,
        )

    def edit(
        self, *, now: datetime, name: str | _Keep = KEEP, sort_order: int | _Keep = KEEP
    ) -> None:
        new_name = self.name if name is KEEP else _name("name", name, MAX_FLOOR_NAME)
        new_order = (
            self.sort_order
            if sort_order is KEEP
            else _within("sort_order", sort_order, 0, MAX_SORT_ORDER)
        )
        self.name, self.sort_order, self.updated_at = new_name, new_order, now


@dataclass(frozen=True)
class Seating:
    """An open order seated at a table, since when."""

    order_id: uuid.UUID
    seated_at: datetime


@dataclass(frozen=True)
class SeatingChange:
    """What changed at one table; the data of `table.status_changed`."""

    table_id: uuid.UUID
    floor_id: uuid.UUID
    table_name: str
    status: TableStatus
    previous_status: TableStatus
    current_order_id: uuid.UUID | None
    previous_order_id: uuid.UUID | None
    order_ids: tuple[uuid.UUID, ...]
    reason: SeatingReason
    changed_at: datetime


@dataclass(frozen=True)
class Placement:
    """Where a table stands on its floor plan and how big it is drawn."""

    x: int
    y: int
    width: int
    height: int

    def __post_init__(self) -> None:
        _within("x", self.x, 0, MAX_COORDINATE)
        _within("y", self.y, 0, MAX_COORDINATE)
        _within("width", self.width, MIN_SIZE, MAX_SIZE)
        _within("height", self.height, MIN_SIZE, MAX_SIZE)


@dataclass
class Table:
    id: uuid.UUID
    tenant_id: uuid.UUID
    floor_id: uuid.UUID
    name: str
    seats: int
    shape: TableShape
    placement: Placement
    status: TableStatus
    created_at: datetime
    updated_at: datetime
    seatings: list[Seating] = field(default_factory=list)

    @classmethod
    def set_up(
        cls,
        *,
        tenant_id: uuid.UUID,
        floor_id: uuid.UUID,
        name: str,
        seats: int,
        shape: TableShape,
        placement: Placement,
        now: datetime,
    ) -> Table:
        return cls(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            floor_id=floor_id,
            name=_name("name", name, MAX_TABLE_NAME),
            seats=_within("seats", seats, MIN_SEATS, MAX_SEATS),
            shape=shape,
            placement=placement,
            status=TableStatus.FREE,
            created_at=now,
            updated_at=now,
        )

    @property
    def order_ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(s.order_id for s in self.seatings)

    @property
    def current_order_id(self) -> uuid.UUID | None:
        """The first order seated here that is still open."""
        return self.seatings[0].order_id if self.seatings else None

    def rearrange(
        self,
        *,
        now: datetime,
        floor_id: uuid.UUID | _Keep = KEEP,
        name: str | _Keep = KEEP,
        seats: int | _Keep = KEEP,
        shape: TableShape | _Keep = KEEP,
        x: int | _Keep = KEEP,
        y: int | _Keep = KEEP,
        width: int | _Keep = KEEP,
        height: int | _Keep = KEEP,
    ) -> None:
        """Change the table's place in the floor plan; its seating stays as it is."""
        here = self.placement
        placement = Placement(
            x=here.x if x is KEEP else x,
            y=here.y if y is KEEP else y,
            width=here.width if width is KEEP else width,
            height=here.height if height is KEEP else height,
        )
        new_name = self.name if name is KEEP else _name("name", name, MAX_TABLE_NAME)
        new_seats = self.seats if seats is KEEP else _within("seats", seats, MIN_SEATS, MAX_SEATS)
        if floor_id is not KEEP:
            self.floor_id = floor_id
        if shape is not KEEP:
            self.shape = shape
        self.name, self.seats, self.placement, self.updated_at = (
            new_name,
            new_seats,
            placement,
            now,
        )

    def ensure_removable(self) -> None:
        if self.status is TableStatus.OCCUPIED:
            raise Conflict(
                f"Table {self.name} is occupied; free it (or close its orders) before removing it."
            )

    # --- seating -------------------------------------------------------------------

    def seat_order(
        self, order_id: uuid.UUID, *, now: datetime, reason: SeatingReason
    ) -> SeatingChange | None:
        """An order is placed at (or moved to) this table. None if it is already here."""
        if order_id in self.order_ids:
            return None
        return self._change(
            [*self.seatings, Seating(order_id, now)], TableStatus.OCCUPIED, now, reason
        )

    def release_order(
        self, order_id: uuid.UUID, *, now: datetime, reason: SeatingReason
    ) -> SeatingChange | None:
        """An order here closed, was cancelled or moved away. None if it was not here.

        The table is free once its last order is gone, even if staff had marked it
        occupied by hand: the guests of that order have left.
        """
        if order_id not in self.order_ids:
            return None
        remaining = [s for s in self.seatings if s.order_id != order_id]
        status = TableStatus.OCCUPIED if remaining else TableStatus.FREE
        return self._change(remaining, status, now, reason)

    def mark_free(
        self, *, now: datetime, reason: SeatingReason = SeatingReason.MARKED_BY_STAFF
    ) -> SeatingChange | None:
        """Staff clear the table: the guests left, whatever orders were still open."""
        return self._change([], TableStatus.FREE, now, reason)

    def mark_occupied(
        self,
        *,
        now: datetime,
        order_id: uuid.UUID | None = None,
        reason: SeatingReason = SeatingReason.MARKED_BY_STAFF,
    ) -> SeatingChange | None:
        """Staff seat guests here, with or without an order already open for them.

        An order given joins the orders already seated here (it becomes current if
        it is the only one).
        """
        seatings = list(self.seatings)
        if order_id is not None and order_id not in self.order_ids:
            seatings.append(Seating(order_id, now))
        return self._change(seatings, TableStatus.OCCUPIED, now, reason)

    def _change(
        self,
        seatings: list[Seating],
        status: TableStatus,
        now: datetime,
        reason: SeatingReason,
    ) -> SeatingChange | None:
        before_status, before_current, before_orders = (
            self.status,
            self.current_order_id,
            self.order_ids,
        )
        self.seatings, self.status = seatings, status
        if (self.status, self.order_ids) == (before_status, before_orders):
            return None
        self.updated_at = now
        # The floor, status and orders as the table has them now.
        return build(
            SeatingChange,
            self,
            table_id=self.id,
            table_name=self.name,
            previous_status=before_status,
            previous_order_id=before_current,
            reason=reason,
            changed_at=now,
        )


def move_order(
    source: Table, target: Table, *, order_id: uuid.UUID | None, now: datetime
) -> tuple[SeatingChange, SeatingChange]:
    """Guests change tables, taking their order with them.

    The source must be occupied and the target free (a move never seats two parties
    together by accident). Without `order_id` the source's current order moves; a
    table that is occupied without an order moves its guests all the same.
    """
    if source.id == target.id:
        raise Conflict("The order is already at this table; pick another table.")
    if source.status is not TableStatus.OCCUPIED:
        raise Conflict(f"Table {source.name} is free: there is nothing to move.")
    if target.status is not TableStatus.FREE:
        raise Conflict(f"Table {target.name} is occupied; pick a free table.")
    moving = order_id if order_id is not None else source.current_order_id
    moved = SeatingReason.ORDER_MOVED
    if moving is None:
        # Seated by hand, nothing ordered yet: the guests move, the source is free.
        left = source.mark_free(now=now, reason=moved)
        arrived = target.mark_occupied(now=now, reason=moved)
    else:
        if moving not in source.order_ids:
            raise Conflict(f"Order {moving} is not seated at table {source.name}.")
        left = source.release_order(moving, now=now, reason=moved)
        arrived = target.seat_order(moving, now=now, reason=moved)
    # Both tables changed by construction: the source was occupied, the target free.
    assert left is not None
    assert arrived is not None
    return left, arrived

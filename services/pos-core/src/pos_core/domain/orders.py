"""An order, its items and its status machine.

    open -> placed -> paid -> closed
    placed -> closed            (staff close it before it is paid in full)
    open | placed -> cancelled

An order becomes paid when the payment service's payments cover its total
(`payment.completed`, see `use_cases/settlement.py`); nobody marks it paid by hand.

Items are added and removed only while the order is open, and not while a
placement is under way (the placing lease, see `begin_placing`): the stock held
for the order must match its items. Each item carries the product's name,
price, tax rate and chosen modifiers as they were when it was added.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from pos_core.domain.errors import (
    IllegalTransition,
    OrderBeingPlaced,
    OrderNotOpen,
    ProductUnavailable,
    Unprocessable,
)
from pos_core.domain.menu import ChosenModifier, Product, choose_modifiers
from pos_core.domain.money import PricedLine, Totals, line_amount, line_tax, totals_of
from pos_core.domain.stock import StockLine
from pos_kit.errors import NotFound
from pos_kit.mapping import build

MIN_QUANTITY, MAX_QUANTITY = 1, 100
MIN_GUESTS, MAX_GUESTS = 1, 50
MAX_NOTES_LENGTH = 500
MAX_MODIFIERS_PER_ITEM = 30
# A long banquet is a few dozen lines; a bound keeps one order (and its event) small.
MAX_ITEMS_PER_ORDER = 200


class OrderType(StrEnum):
    DINE_IN = "dine_in"
    TAKEOUT = "takeout"
    DELIVERY = "delivery"


class OrderStatus(StrEnum):
    OPEN = "open"
    PLACED = "placed"
    PAID = "paid"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ReservationStatus(StrEnum):
    """What pos-core last knew of the stock reservation inventory holds for the order."""

    HELD = "held"
    COMMITTED = "committed"
    RELEASED = "released"


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.OPEN: frozenset({OrderStatus.PLACED, OrderStatus.CANCELLED}),
    OrderStatus.PLACED: frozenset({OrderStatus.PAID, OrderStatus.CLOSED, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.CLOSED}),
    OrderStatus.CLOSED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def ensure_transition(current: OrderStatus, target: OrderStatus) -> None:
    if not can_transition(current, target):
        raise IllegalTransition(current_status=current.value, requested=target.value)


def check_quantity(quantity: int) -> None:
    if not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
        raise Unprocessable(f"A quantity must be between {MIN_QUANTITY} and {MAX_QUANTITY}.")


def check_guests(guests: int | None) -> None:
    if guests is not None and not MIN_GUESTS <= guests <= MAX_GUESTS:
        raise Unprocessable(f"Guests must be between {MIN_GUESTS} and {MAX_GUESTS}.")


@dataclass(frozen=True)
class OrderItem:
    """One line of an order, priced as the menu stood when it was added. Never changes."""

    id: uuid.UUID
    product_id: uuid.UUID
    name: str
    base_price: int
    currency: str
    tax_rate_bps: int
    quantity: int
    notes: str | None
    modifiers: tuple[ChosenModifier, ...]
    added_at: datetime
    added_by: str

    @classmethod
    def from_product(
        cls,
        product: Product,
        *,
        quantity: int,
        notes: str | None,
        option_ids: list[uuid.UUID],
        now: datetime,
        by: str,
    ) -> OrderItem:
        check_quantity(quantity)
        if notes is not None and len(notes) > MAX_NOTES_LENGTH:
            raise Unprocessable(f"Notes are limited to {MAX_NOTES_LENGTH} characters.")
        if len(option_ids) > MAX_MODIFIERS_PER_ITEM:
            raise Unprocessable(f"At most {MAX_MODIFIERS_PER_ITEM} modifiers an item.")
        if not product.available:
            raise ProductUnavailable(product_id=str(product.id), name=product.name)
        chosen = choose_modifiers(product, option_ids)
        # The name, currency and tax rate as the product has them now.
        item = build(
            cls,
            product,
            id=uuid.uuid4(),
            product_id=product.id,
            base_price=product.price,
            quantity=quantity,
            notes=notes or None,
            modifiers=chosen,
            added_at=now,
            added_by=by,
        )
        if item.unit_price < 0:
            raise Unprocessable(
                f"{product.name} with these modifiers would cost less than nothing."
            )
        return item

    @property
    def unit_price(self) -> int:
        """The product's price plus its chosen modifiers' deltas, tax excluded."""
        return self.base_price + sum(m.price_delta for m in self.modifiers)

    @property
    def amount(self) -> int:
        return line_amount(
            base_price=self.base_price,
            modifier_deltas=(m.price_delta for m in self.modifiers),
            quantity=self.quantity,
        )

    @property
    def tax(self) -> int:
        return line_tax(self.amount, self.tax_rate_bps)

    @property
    def total(self) -> int:
        return self.amount + self.tax

    @property
    def priced(self) -> PricedLine:
        return PricedLine(amount=self.amount, tax_rate_bps=self.tax_rate_bps, tax=self.tax)


@dataclass
class Order:
    id: uuid.UUID
    tenant_id: uuid.UUID
    number: int
    type: OrderType
    status: OrderStatus
    table_id: uuid.UUID | None
    guests: int | None
    currency: str | None
    created_at: datetime
    created_by: str
    items: list[OrderItem] = field(default_factory=list)
    placed_at: datetime | None = None
    placed_by: str | None = None
    paid_at: datetime | None = None
    paid_by: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None
    reservation_id: str | None = None
    reservation_status: ReservationStatus | None = None
    # Set while a placement talks to inventory; items are frozen until it ends or expires.
    placing_until: datetime | None = None

    @classmethod
    def open_new(
        cls,
        *,
        tenant_id: uuid.UUID,
        number: int,
        type: OrderType,
        table_id: uuid.UUID | None,
        guests: int | None,
        now: datetime,
        by: str,
    ) -> Order:
        check_guests(guests)
        return cls(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            number=number,
            type=type,
            status=OrderStatus.OPEN,
            table_id=table_id,
            guests=guests,
            currency=None,
            created_at=now,
            created_by=by,
        )

    @property
    def totals(self) -> Totals:
        return totals_of(item.priced for item in self.items)

    def is_being_placed(self, now: datetime) -> bool:
        return self.placing_until is not None and self.placing_until > now

    def _ensure_items_may_change(self, now: datetime) -> None:
        if self.status is not OrderStatus.OPEN:
            raise OrderNotOpen(
                f"Items can change only while the order is open; it is {self.status.value}.",
                current_status=self.status.value,
            )
        if self.is_being_placed(now):
            raise self._being_placed(now, "Its items cannot change now.")

    def _being_placed(self, now: datetime, consequence: str) -> OrderBeingPlaced:
        assert self.placing_until is not None
        wait = max(1, math.ceil((self.placing_until - now).total_seconds()))
        return OrderBeingPlaced(
            f"The order is being placed right now. {consequence}",
            current_status=self.status.value,
            headers={"Retry-After": str(wait)},
        )

    def add_item(self, item: OrderItem, now: datetime) -> None:
        self._ensure_items_may_change(now)
        if len(self.items) >= MAX_ITEMS_PER_ORDER:
            raise Unprocessable(f"An order holds at most {MAX_ITEMS_PER_ORDER} items.")
        if self.currency is not None and item.currency != self.currency:
            raise Unprocessable(
                f"{item.name} is priced in {item.currency}, this order in {self.currency}."
            )
        self.currency = item.currency
        self.items.append(item)

    def remove_item(self, item_id: uuid.UUID, now: datetime) -> OrderItem:
        for item in self.items:
            if item.id == item_id:
                self._ensure_items_may_change(now)
                self.items.remove(item)
                if not self.items:
                    self.currency = None
                return item
        raise NotFound("This order has no such item.")

    def stock_lines(self) -> list[StockLine]:
        """What inventory must hold for this order: quantities summed per product."""
        counts: Counter[uuid.UUID] = Counter()
        for item in self.items:
            counts[item.product_id] += item.quantity
        return [StockLine(pid, qty) for pid, qty in sorted(counts.items(), key=lambda p: str(p[0]))]

    def begin_placing(self, now: datetime, lease: timedelta) -> list[StockLine]:
        """Freeze the items for the stock reservation; returns the lines to reserve."""
        ensure_transition(self.status, OrderStatus.PLACED)
        if not self.items:
            raise Unprocessable("An order without items cannot be placed.")
        if self.is_being_placed(now):
            raise self._being_placed(now, "Wait for that attempt to finish.")
        self.placing_until = now + lease
        return self.stock_lines()

    def end_placing(self) -> None:
        self.placing_until = None

    def place(self, *, reservation_id: str, now: datetime, by: str) -> None:
        ensure_transition(self.status, OrderStatus.PLACED)
        if not self.items:
            raise Unprocessable("An order without items cannot be placed.")
        self.status = OrderStatus.PLACED
        self.placed_at, self.placed_by = now, by
        self.reservation_id = reservation_id
        self.reservation_status = ReservationStatus.HELD
        self.placing_until = None

    def pay(self, *, now: datetime, by: str) -> None:
        ensure_transition(self.status, OrderStatus.PAID)
        self.status = OrderStatus.PAID
        self.paid_at, self.paid_by = now, by

    def closes_once_paid(self, *, close_when_paid: bool) -> bool:
        """Whether paying this order in full also closes it: a dine-in order, in a restaurant
        that frees its tables as soon as the bill is settled (`close_when_paid`)."""
        return self.type is OrderType.DINE_IN and close_when_paid

    def close(self, *, now: datetime, by: str) -> None:
        ensure_transition(self.status, OrderStatus.CLOSED)
        self.status = OrderStatus.CLOSED
        self.closed_at, self.closed_by = now, by

    def cancel(self, *, now: datetime, by: str) -> None:
        ensure_transition(self.status, OrderStatus.CANCELLED)
        self.status = OrderStatus.CANCELLED
        self.cancelled_at, self.cancelled_by = now, by
        self.placing_until = None

    @property
    def reservation_to_settle(self) -> str | None:
        """The reservation inventory still holds for this order, if pos-core knows of one."""
        if self.reservation_status is ReservationStatus.HELD:
            return self.reservation_id
        return None

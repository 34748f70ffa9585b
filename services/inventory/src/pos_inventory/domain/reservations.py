"""Reservations: stock held for one order, all lines or none, until committed or released."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pos_inventory.domain.errors import InsufficientStock, InvalidInput, ProductUnavailable
from pos_inventory.domain.menu import Product
from pos_inventory.domain.stock import StockLevel
from pos_kit.errors import Conflict

MAX_LINE_QUANTITY = 1000
MAX_LINES = 100


class ReservationStatus(StrEnum):
    HELD = "held"
    COMMITTED = "committed"  # the order went through: stock left on hand
    RELEASED = "released"  # the order was cancelled: stock given back
    EXPIRED = "expired"  # nobody committed or released in time: stock given back


@dataclass(frozen=True)
class RequestedLine:
    product_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class ReservationLine:
    product_id: uuid.UUID
    quantity: int
    tracked: bool  # stock was held for it (the product tracked stock when reserved)


@dataclass(frozen=True)
class ShortLine:
    product_id: uuid.UUID
    name: str
    requested: int
    available: int


def check_lines(lines: Sequence[RequestedLine]) -> None:
    """The shape of a request: some lines, sane quantities, each product once."""
    if not lines:
        raise InvalidInput("A reservation needs at least one line.", field="body.lines")
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"At most {MAX_LINES} lines.", field="body.lines")
    seen: set[uuid.UUID] = set()
    for i, line in enumerate(lines):
        if not 1 <= line.quantity <= MAX_LINE_QUANTITY:
            raise InvalidInput(
                f"Line {i}: quantity is between 1 and {MAX_LINE_QUANTITY}.",
                field=f"body.lines.{i}.quantity",
            )
        if line.product_id in seen:
            raise InvalidInput(
                f"Line {i}: product {line.product_id} appears twice; "
                "send one line per product with the total quantity.",
                field=f"body.lines.{i}.product_id",
            )
        seen.add(line.product_id)


def hold_stock(
    lines: Sequence[RequestedLine],
    products: Mapping[uuid.UUID, Product],
    levels: Mapping[uuid.UUID, StockLevel],
    now: datetime,
) -> tuple[ReservationLine, ...]:
    """Hold every line or none: refuse unknown, 86'd and short lines before touching stock.

    `levels` are the stock rows of the tracked products, locked by the caller.
    """
    check_lines(lines)
    unknown = [(i, ln) for i, ln in enumerate(lines) if ln.product_id not in products]
    if unknown:
        ids = ", ".join(str(ln.product_id) for _, ln in unknown)
        raise InvalidInput(
            f"No such product on this menu: {ids}. Nothing was reserved.",
            errors=[
                {
                    "field": f"body.lines.{i}.product_id",
                    "message": "no such product",
                    "type": "value_error",
                }
                for i, _ in unknown
            ],
            unknown_product_ids=[str(ln.product_id) for _, ln in unknown],
        )
    off_menu = [products[ln.product_id] for ln in lines if not products[ln.product_id].available]
    if off_menu:
        raise ProductUnavailable(off_menu)
    short = []
    for line in lines:
        product = products[line.product_id]
        if not product.track_stock:
            continue
        level = levels.get(line.product_id)
        available = level.available if level else 0
        if line.quantity > available:
            short.append(ShortLine(product.id, product.name, line.quantity, available))
    if short:
        raise InsufficientStock(short)
    held = []
    for line in lines:
        tracked = products[line.product_id].track_stock
        if tracked:
            levels[line.product_id].hold(line.quantity, now)
        held.append(ReservationLine(line.product_id, line.quantity, tracked))
    return tuple(held)


@dataclass
class Reservation:
    id: uuid.UUID
    tenant_id: uuid.UUID
    order_id: uuid.UUID
    status: ReservationStatus
    lines: tuple[ReservationLine, ...]
    created_at: datetime
    expires_at: datetime
    committed_at: datetime | None = None
    released_at: datetime | None = None

    def is_due(self, now: datetime) -> bool:
        return self.status is ReservationStatus.HELD and now >= self.expires_at

    def is_live(self, now: datetime) -> bool:
        """Whether a repeated request for the order is answered with this reservation as it is.

        Held (and not past its time) or committed: yes. Released, expired, or a hold past its
        time: its stock is (or is about to be) given back, so a repeat holds afresh instead.
        """
        if self.status is ReservationStatus.COMMITTED:
            return True
        return self.status is ReservationStatus.HELD and not self.is_due(now)

    def hold_again(
        self, lines: Sequence[ReservationLine], now: datetime, expires_at: datetime
    ) -> None:
        """A fresh hold for an order whose stock was given back: new lines, new times.

        Only from released or expired: a held or committed reservation still has its stock
        (held or sold), and holding it again would count those units twice.
        """
        if self.status not in (ReservationStatus.RELEASED, ReservationStatus.EXPIRED):
            raise Conflict(
                f"This reservation is {self.status.value}; only a released or expired one "
                "can be held again."
            )
        self.status = ReservationStatus.HELD
        self.lines = tuple(lines)
        self.created_at = now
        self.expires_at = expires_at
        self.committed_at = None
        self.released_at = None

    def asks_for(self, lines: Sequence[RequestedLine]) -> bool:
        """Whether a repeated request is the same one (same products and quantities)."""
        return sorted((ln.product_id, ln.quantity) for ln in self.lines) == sorted(
            (ln.product_id, ln.quantity) for ln in lines
        )

    def commit(self, now: datetime) -> bool:
        """True if this call committed it; False if it already was (idempotent)."""
        if self.status is ReservationStatus.COMMITTED:
            return False
        if self.status is ReservationStatus.HELD and self.is_due(now):
            raise Conflict("This reservation expired and its stock was given back; reserve again.")
        if self.status is not ReservationStatus.HELD:
            raise Conflict(
                f"This reservation was {self.status.value}; its stock was given back "
                "and it cannot be committed. Reserve again."
            )
        self.status = ReservationStatus.COMMITTED
        self.committed_at = now
        return True

    def release(self, now: datetime) -> bool:
        """True if this call released it; False if the stock was already given back."""
        if self.status in (ReservationStatus.RELEASED, ReservationStatus.EXPIRED):
            return False
        if self.status is ReservationStatus.COMMITTED:
            raise Conflict("This reservation was committed; its stock is sold, not held.")
        self.status = ReservationStatus.RELEASED
        self.released_at = now
        return True

    def expire(self, now: datetime) -> bool:
        """True if the hold ran out now and its stock must be given back."""
        if not self.is_due(now):
            return False
        self.status = ReservationStatus.EXPIRED
        self.released_at = now
        return True

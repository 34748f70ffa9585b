"""Stock of a tracked menu item: on hand, held for open orders, and the low-stock alarm.

The invariant is 0 <= reserved <= on_hand, so `available` (on hand minus reserved)
is never negative and a hold can never promise what is not there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pos_inventory.domain.errors import InvalidInput
from pos_kit.errors import Conflict

MAX_ON_HAND = 1_000_000


class AdjustmentReason(StrEnum):
    RECEIVED = "received"  # a delivery came in
    WASTE = "waste"  # spoiled, dropped, comped
    COUNT = "count"  # a stock count set the number
    CORRECTION = "correction"  # fixing a mistake
    SALE = "sale"  # a committed reservation; recorded by the service, not by people


# What staff may record by hand; sales come from committed reservations only.
MANUAL_REASONS = (
    AdjustmentReason.RECEIVED,
    AdjustmentReason.WASTE,
    AdjustmentReason.COUNT,
    AdjustmentReason.CORRECTION,
)


@dataclass(frozen=True)
class StockWentLow:
    """Available stock fell to or below the threshold (raised once per crossing)."""

    product_id: uuid.UUID
    available: int
    threshold: int


@dataclass
class StockLevel:
    tenant_id: uuid.UUID
    product_id: uuid.UUID
    on_hand: int
    reserved: int
    low_stock_threshold: int | None
    updated_at: datetime
    events: list[StockWentLow] = field(default_factory=list, compare=False, repr=False)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def is_low(self) -> bool:
        return self.low_stock_threshold is not None and self.available <= self.low_stock_threshold

    def count(self, on_hand: int, threshold: int | None, now: datetime) -> int:
        """Set what is on hand (and the threshold); returns the change in on hand."""
        was_low = self.is_low
        if not 0 <= on_hand <= MAX_ON_HAND:
            raise InvalidInput(f"on_hand is between 0 and {MAX_ON_HAND}.", field="body.on_hand")
        if threshold is not None and not 0 <= threshold <= MAX_ON_HAND:
            raise InvalidInput(
                f"low_stock_threshold is between 0 and {MAX_ON_HAND}.",
                field="body.low_stock_threshold",
            )
        self._ensure_covers_holds(on_hand)
        delta = on_hand - self.on_hand
        self.on_hand = on_hand
        self.low_stock_threshold = threshold
        self._changed(was_low, now)
        return delta

    def adjust(self, delta: int, reason: AdjustmentReason, now: datetime) -> None:
        """Record a delivery, waste, count or correction as a change of on hand."""
        was_low = self.is_low
        if reason not in MANUAL_REASONS:
            raise InvalidInput(f"'{reason}' is not a reason staff may give.", field="body.reason")
        if delta == 0:
            raise InvalidInput(
                "An adjustment changes the stock: delta is not 0.", field="body.delta"
            )
        if reason is AdjustmentReason.RECEIVED and delta < 0:
            raise InvalidInput("A delivery adds stock: delta must be positive.", field="body.delta")
        if reason is AdjustmentReason.WASTE and delta > 0:
            raise InvalidInput("Waste removes stock: delta must be negative.", field="body.delta")
        after = self.on_hand + delta
        if after < 0:
            raise Conflict(f"Only {self.on_hand} on hand; cannot remove {-delta}.")
        if after > MAX_ON_HAND:
            raise InvalidInput(f"On hand would exceed {MAX_ON_HAND}.", field="body.delta")
        self._ensure_covers_holds(after)
        self.on_hand = after
        self._changed(was_low, now)

    def hold(self, quantity: int, now: datetime) -> None:
        """Reserve for an order; the caller has checked `available` for all lines first."""
        was_low = self.is_low
        if not 0 < quantity <= self.available:
            raise Conflict(f"Cannot hold {quantity}: {self.available} available.")
        self.reserved += quantity
        self._changed(was_low, now)

    def give_back(self, quantity: int, now: datetime) -> None:
        """A released or expired hold: the units are free again."""
        self.reserved -= min(quantity, self.reserved)
        self.updated_at = now

    def sell(self, quantity: int, now: datetime) -> None:
        """A committed hold: the units leave on hand and are no longer reserved."""
        quantity = min(quantity, self.reserved)
        self.reserved -= quantity
        self.on_hand -= quantity
        self.updated_at = now

    def _ensure_covers_holds(self, on_hand: int) -> None:
        if on_hand < self.reserved:
            raise Conflict(
                f"{self.reserved} are held for open orders; on hand cannot go below that. "
                "Commit or release those orders first."
            )

    def _changed(self, was_low: bool, now: datetime) -> None:
        self.updated_at = now
        if self.is_low and not was_low and self.low_stock_threshold is not None:
            self.events.append(
                StockWentLow(self.product_id, self.available, self.low_stock_threshold)
            )


@dataclass(frozen=True)
class Adjustment:
    """One line of a product's stock audit trail."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    product_id: uuid.UUID
    delta: int
    reason: AdjustmentReason
    note: str | None
    on_hand_after: int
    created_at: datetime
    created_by: str
    reservation_id: uuid.UUID | None = None

    @classmethod
    def of_change(
        cls,
        level: StockLevel,
        delta: int,
        reason: AdjustmentReason,
        *,
        note: str | None,
        by: str,
        at: datetime,
        reservation_id: uuid.UUID | None = None,
    ) -> Adjustment:
        """The trail's line for a change of `delta` just made to `level`."""
        return cls(
            id=uuid.uuid4(),
            tenant_id=level.tenant_id,
            product_id=level.product_id,
            delta=delta,
            reason=reason,
            note=note,
            on_hand_after=level.on_hand,
            created_at=at,
            created_by=by,
            reservation_id=reservation_id,
        )

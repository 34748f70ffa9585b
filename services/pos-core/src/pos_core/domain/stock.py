"""Stock held for an order: the lines pos-core asks inventory to reserve, and its answer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class StockLine:
    product_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class Reservation:
    """Inventory's hold on stock for one order (one per order: inventory keys it on order_id)."""

    id: str
    status: str
    lines: tuple[StockLine, ...] | None  # None when inventory did not echo them

    @property
    def is_held(self) -> bool:
        return self.status == "held"

    def covers_exactly(self, lines: list[StockLine]) -> bool:
        """Whether the hold matches `lines` (summed per product); unknown lines count as a match."""
        if self.lines is None:
            return True
        held: dict[uuid.UUID, int] = {}
        for line in self.lines:
            held[line.product_id] = held.get(line.product_id, 0) + line.quantity
        return held == {line.product_id: line.quantity for line in lines}

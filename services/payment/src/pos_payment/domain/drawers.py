"""Cash drawers: a session from the counted float to the counted close, and its variance.

While a session is open, cash payments, tips, rounding, refunds and paid-ins/outs
go through it as ledger entries; what the drawer should hold is the float plus
their sum. Closing records what was counted and the variance (counted - expected):
negative is cash missing, positive cash over.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from pos_payment.domain.errors import DrawerSessionClosed, InvalidInput
from pos_payment.domain.ledger import EntryKind, LedgerEntry
from pos_payment.domain.payments import Method

MAX_DRAWER_NAME = 40


class CashMovement(StrEnum):
    """Cash in or out of a drawer that is no payment: change from the safe, a supplier paid."""

    PAID_IN = "paid_in"
    PAID_OUT = "paid_out"


@dataclass(frozen=True)
class DrawerSession:
    id: uuid.UUID
    tenant_id: uuid.UUID
    drawer: str
    currency: str
    opening_float: int
    opened_by: str
    opened_at: datetime
    closed_by: str | None = None
    closed_at: datetime | None = None
    counted: int | None = None
    variance: int | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def expected(self, movements: int) -> int:
        """The cash the drawer should hold: the float and the sum of its ledger entries."""
        return self.opening_float + movements

    def closed(self, *, counted: int, movements: int, by: str, at: datetime) -> DrawerSession:
        self.ensure_open()
        return replace(
            self,
            closed_by=by,
            closed_at=at,
            counted=counted,
            variance=counted - self.expected(movements),
        )

    def ensure_open(self) -> None:
        if not self.is_open:
            raise DrawerSessionClosed()

    def movement(
        self, kind: CashMovement, *, amount: int, reason: str, by: str, at: datetime
    ) -> LedgerEntry:
        """The ledger entry of cash paid into or out of the drawer."""
        self.ensure_open()
        if amount <= 0:
            raise InvalidInput("A paid-in or paid-out amount is positive.", field="body.amount")
        inward = kind is CashMovement.PAID_IN
        return LedgerEntry(
            id=uuid.uuid4(),
            tenant_id=self.tenant_id,
            kind=EntryKind.CASH_IN if inward else EntryKind.CASH_OUT,
            amount=amount if inward else -amount,
            currency=self.currency,
            created_at=at,
            staff_id=by,
            method=Method.CASH,
            drawer_session_id=self.id,
            reason=reason,
        )

    def ensure_takes(self, currency: str) -> None:
        """A drawer holds one currency: its sums would mean nothing otherwise."""
        if currency != self.currency:
            raise InvalidInput(
                f"The drawer '{self.drawer}' holds {self.currency}, not {currency}.",
                field="body.drawer",
            )

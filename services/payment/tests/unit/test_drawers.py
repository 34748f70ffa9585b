"""A drawer session: what it should hold, the variance at the close, paid in and out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pos_payment.domain.drawers import CashMovement, DrawerSession
from pos_payment.domain.errors import DrawerSessionClosed, InvalidInput
from pos_payment.domain.ledger import EntryKind

NOW = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)


def session() -> DrawerSession:
    return DrawerSession(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        drawer="front",
        currency="EUR",
        opening_float=10_000,
        opened_by="manager-1",
        opened_at=NOW,
    )


def test_the_variance_is_counted_less_expected() -> None:
    closed = session().closed(counted=12_330, movements=2335, by="manager-2", at=NOW)

    assert (closed.variance, closed.counted, closed.closed_by) == (-5, 12_330, "manager-2")
    assert not closed.is_open
    with pytest.raises(DrawerSessionClosed):
        closed.closed(counted=0, movements=0, by="m", at=NOW)


def test_paid_in_is_positive_paid_out_negative_and_both_need_an_open_session() -> None:
    open_ = session()

    paid_in = open_.movement(CashMovement.PAID_IN, amount=500, reason="coins", by="c", at=NOW)
    paid_out = open_.movement(CashMovement.PAID_OUT, amount=300, reason="milk", by="c", at=NOW)

    assert (paid_in.kind, paid_in.amount) == (EntryKind.CASH_IN, 500)
    assert (paid_out.kind, paid_out.amount) == (EntryKind.CASH_OUT, -300)
    assert paid_out.drawer_session_id == open_.id
    with pytest.raises(InvalidInput):
        open_.movement(CashMovement.PAID_IN, amount=0, reason="x", by="c", at=NOW)
    closed = open_.closed(counted=0, movements=0, by="m", at=NOW)
    with pytest.raises(DrawerSessionClosed):
        closed.movement(CashMovement.PAID_IN, amount=1, reason="x", by="c", at=NOW)


def test_a_drawer_holds_one_currency() -> None:
    with pytest.raises(InvalidInput, match="holds EUR"):
        session().ensure_takes("CHF")

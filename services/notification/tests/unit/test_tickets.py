"""Ticket rules: opened by a placed order, bumped once, cancelled only while open."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from pos_notification.domain.errors import TicketNotOpen
from pos_notification.domain.tickets import KitchenTicket, PlacedOrder, TicketLine, TicketStatus

NOW = datetime(2026, 11, 25, 19, 30, tzinfo=UTC)


def a_ticket(placed_minutes_ago: int = 4) -> KitchenTicket:
    order = PlacedOrder(
        order_id=uuid.uuid4(),
        order_type="dine_in",
        table_id=uuid.uuid4(),
        guests=2,
        lines=(TicketLine(uuid.uuid4(), "Risotto", 2, "no cheese", ("truffle",)),),
        placed_at=NOW - timedelta(minutes=placed_minutes_ago),
        placed_by="waiter-1",
    )
    return KitchenTicket.for_placed_order(tenant_id=uuid.uuid4(), order=order, now=NOW)


def test_a_placed_order_opens_a_ticket_with_its_lines() -> None:
    ticket = a_ticket()
    assert ticket.status is TicketStatus.OPEN
    assert ticket.lines[0].modifiers == ("truffle",)
    assert ticket.age_seconds(NOW) == 240


def test_age_never_goes_negative_when_clocks_disagree() -> None:
    ticket = a_ticket(placed_minutes_ago=-1)
    assert ticket.age_seconds(NOW) == 0


def test_bumping_records_who_and_when_and_only_once() -> None:
    ticket = a_ticket()
    ticket.bump(by="cook-7", now=NOW)
    assert ticket.status is TicketStatus.BUMPED
    assert (ticket.bumped_by, ticket.bumped_at) == ("cook-7", NOW)
    with pytest.raises(TicketNotOpen) as refused:
        ticket.bump(by="cook-8", now=NOW)
    assert refused.value.status == 409
    assert refused.value.extra == {"current_status": "bumped"}
    assert ticket.bumped_by == "cook-7"


def test_a_cancelled_ticket_cannot_be_bumped() -> None:
    ticket = a_ticket()
    assert ticket.cancel(now=NOW)
    with pytest.raises(TicketNotOpen) as refused:
        ticket.bump(by="cook", now=NOW)
    assert refused.value.extra == {"current_status": "cancelled"}


def test_cancelling_only_changes_an_open_ticket() -> None:
    ticket = a_ticket()
    ticket.bump(by="cook", now=NOW)
    assert not ticket.cancel(now=NOW)
    assert ticket.status is TicketStatus.BUMPED
    assert ticket.cancelled_at is None


def test_an_order_cancelled_before_placing_holds_its_place_as_cancelled() -> None:
    ticket = KitchenTicket.cancelled_unplaced(
        tenant_id=uuid.uuid4(), order_id=uuid.uuid4(), now=NOW
    )
    assert ticket.status is TicketStatus.CANCELLED
    assert ticket.lines == ()
    assert not ticket.cancel(now=NOW)
    with pytest.raises(TicketNotOpen):
        ticket.bump(by="cook", now=NOW)

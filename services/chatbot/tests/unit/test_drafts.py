"""Draft rules: lines checked against the menu item, and a draft's life from open to accepted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from pos_chatbot.domain.drafts import Draft, DraftStatus, draft_to_build, line_for
from pos_chatbot.domain.errors import DraftLocked, InvalidChoice, SoldOut
from pos_chatbot.domain.menu import Menu

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


def line(item: Any, *options: uuid.UUID, quantity: int = 1) -> Any:
    return line_for(item, line_id=uuid.uuid4(), quantity=quantity, option_ids=options, notes=None)


def test_a_line_is_priced_with_its_options(dish_named: Any) -> None:
    lemonade = dish_named("Fresh lemonade")
    large = lemonade.modifier_groups[0].options[1]
    added = line(lemonade, large.id, quantity=2)
    assert (added.unit_price, added.line_total) == (700, 1400)
    assert [o.name for o in added.options] == ["Large"]


def test_choices_are_checked_against_the_items_groups(dish_named: Any) -> None:
    lemonade = dish_named("Fresh lemonade")
    regular, large = lemonade.modifier_groups[0].options
    with pytest.raises(InvalidChoice, match="at least 1 of Size"):
        line(lemonade)
    with pytest.raises(InvalidChoice, match="at most 1 of Size"):
        line(lemonade, regular.id, large.id)
    with pytest.raises(InvalidChoice, match="has no choice"):
        line(lemonade, uuid.uuid4())
    with pytest.raises(InvalidChoice, match="once"):
        line(lemonade, large.id, large.id)


def test_a_sold_out_item_or_a_silly_quantity_makes_no_line(dish_named: Any) -> None:
    with pytest.raises(SoldOut):
        line(dish_named("Sea bass"))
    with pytest.raises(InvalidChoice, match="quantity"):
        line(dish_named("Fries"), quantity=0)


def test_a_draft_goes_from_open_to_submitted_to_accepted(bistro: Menu, dish_named: Any) -> None:
    draft = Draft(uuid.uuid4()).with_line(line(dish_named("Fries")))
    submitted = draft.submitted(NOW)
    order_id = uuid.uuid4()
    accepted = submitted.accepted(order_id=order_id, by="waiter-1", at=NOW)

    assert submitted.status is DraftStatus.SUBMITTED
    assert (accepted.status, accepted.order_id) == (DraftStatus.ACCEPTED, order_id)
    with pytest.raises(DraftLocked, match="with staff"):
        submitted.with_line(line(dish_named("Burrata")))
    with pytest.raises(DraftLocked):
        draft.accepted(order_id=order_id, by="waiter-1", at=NOW)


def test_an_empty_draft_is_not_sent_and_after_an_order_a_new_one_starts(dish_named: Any) -> None:
    with pytest.raises(InvalidChoice, match="at least one line"):
        Draft(uuid.uuid4()).submitted(NOW)
    accepted = (
        Draft(uuid.uuid4())
        .with_line(line(dish_named("Fries")))
        .submitted(NOW)
        .accepted(order_id=uuid.uuid4(), by="w", at=NOW)
    )
    fresh_id = uuid.uuid4()
    assert draft_to_build(accepted, fresh_id) == Draft(fresh_id)
    assert draft_to_build(None, fresh_id) == Draft(fresh_id)

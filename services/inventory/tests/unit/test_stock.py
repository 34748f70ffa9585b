"""Stock arithmetic without I/O: available, holds, sales, counts, adjustments, low-stock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pos_inventory.domain.errors import InvalidInput
from pos_inventory.domain.stock import AdjustmentReason, StockLevel, StockWentLow
from pos_kit.errors import Conflict

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def a_level(on_hand: int = 10, reserved: int = 0, threshold: int | None = None) -> StockLevel:
    return StockLevel(uuid.uuid4(), uuid.uuid4(), on_hand, reserved, threshold, NOW)


def test_available_is_on_hand_minus_what_is_held() -> None:
    level = a_level(10)
    level.hold(3, NOW)
    assert (level.on_hand, level.reserved, level.available) == (10, 3, 7)
    level.sell(3, NOW)
    assert (level.on_hand, level.reserved, level.available) == (7, 0, 7)
    level.hold(2, NOW)
    level.give_back(2, NOW)
    assert (level.on_hand, level.reserved, level.available) == (7, 0, 7)


def test_a_hold_beyond_what_is_available_is_refused() -> None:
    level = a_level(5, reserved=4)
    with pytest.raises(Conflict):
        level.hold(2, NOW)
    assert level.reserved == 4


def test_a_count_cannot_go_below_what_is_held_for_open_orders() -> None:
    level = a_level(10, reserved=6)
    with pytest.raises(Conflict, match="6 are held"):
        level.count(5, None, NOW)
    assert level.count(6, None, NOW) == -4
    assert level.available == 0


@pytest.mark.parametrize(
    ("delta", "reason"),
    [
        (0, AdjustmentReason.CORRECTION),
        (-1, AdjustmentReason.RECEIVED),
        (3, AdjustmentReason.WASTE),
        (5, AdjustmentReason.SALE),  # sales come from committed reservations only
    ],
)
def test_adjustments_follow_the_sign_of_their_reason(delta: int, reason: AdjustmentReason) -> None:
    level = a_level(10)
    with pytest.raises(InvalidInput):
        level.adjust(delta, reason, NOW)
    assert level.on_hand == 10


def test_adjustments_change_on_hand_but_never_below_zero_or_below_holds() -> None:
    level = a_level(10, reserved=2)
    level.adjust(12, AdjustmentReason.RECEIVED, NOW)
    level.adjust(-4, AdjustmentReason.WASTE, NOW)
    level.adjust(-1, AdjustmentReason.CORRECTION, NOW)
    assert level.on_hand == 17
    with pytest.raises(Conflict):
        level.adjust(-16, AdjustmentReason.WASTE, NOW)  # would leave 1 for 2 held
    with pytest.raises(Conflict):
        a_level(3).adjust(-4, AdjustmentReason.WASTE, NOW)


def test_going_low_is_raised_once_when_the_threshold_is_crossed_downward() -> None:
    level = a_level(10, threshold=3)
    level.hold(6, NOW)  # available 4: not low yet
    assert level.events == []
    level.hold(1, NOW)  # available 3: at the threshold counts as low
    assert level.events == [StockWentLow(level.product_id, 3, 3)]
    level.hold(2, NOW)  # still low: no second alarm
    assert len(level.events) == 1


def test_going_low_again_after_a_restock_raises_again() -> None:
    level = a_level(4, threshold=3)
    level.adjust(-1, AdjustmentReason.WASTE, NOW)
    level.adjust(10, AdjustmentReason.RECEIVED, NOW)  # back above: not an alarm
    level.count(2, 3, NOW)
    assert [e.available for e in level.events] == [3, 2]


def test_raising_the_threshold_above_the_level_counts_as_going_low() -> None:
    level = a_level(5)
    level.count(5, 10, NOW)
    assert level.events == [StockWentLow(level.product_id, 5, 10)]


def test_without_a_threshold_nothing_is_ever_low() -> None:
    level = a_level(2)
    level.hold(2, NOW)
    assert not level.is_low
    assert level.events == []

"""The in-process wake-up of kitchen streams: per restaurant, and all of them at shutdown."""

from __future__ import annotations

from pos_notification.use_cases.feed import FeedSignal


def test_a_write_wakes_only_that_restaurants_streams() -> None:
    signal = FeedSignal()
    with signal.listen("a") as ours, signal.listen("b") as theirs:
        signal.notify("a")
        assert ours.is_set()
        assert not theirs.is_set()
        assert signal.listeners == 2
    assert signal.listeners == 0


def test_closing_wakes_every_stream_and_says_so() -> None:
    signal = FeedSignal()
    with signal.listen("a") as one, signal.listen("b") as other:
        signal.close()
        assert one.is_set()
        assert other.is_set()
        assert signal.closed

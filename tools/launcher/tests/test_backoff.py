"""Restart delays: 1 s doubling to 30 s, back to 1 s after a run that lasted."""

from __future__ import annotations

from pos_launcher.process import Backoff


def test_delays_double_up_to_the_maximum() -> None:
    backoff = Backoff(initial=1, maximum=30, reset_after=60)

    delays = [backoff.delay_after(uptime=0.5) for _ in range(7)]

    assert delays == [1, 2, 4, 8, 16, 30, 30]


def test_a_long_enough_run_resets_the_delay() -> None:
    backoff = Backoff(initial=1, maximum=30, reset_after=60)
    for _ in range(4):
        backoff.delay_after(uptime=1)

    assert backoff.delay_after(uptime=61) == 1
    assert backoff.delay_after(uptime=1) == 2

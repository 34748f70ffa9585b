"""Waiting, without an event loop, for what a system does in its own time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], within: float = 30.0, every: float = 0.3) -> T:
    """`check()` once it is truthy, or its last (falsy) value after `within` seconds.

    For tests that drive a running system from outside (`tests/e2e`); a test inside the
    service's event loop waits with `pos_kit.events.testing.wait_until`.
    """
    deadline = time.monotonic() + within
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)

"""Looking again at a placement that failed to record: only a database outage is "cannot tell".

Anything else (a bug, a missing order) is not swallowed: it reaches the caller as it is,
rather than passing for "not placed" and giving the stock back on a guess.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, ProgrammingError

from pos_core.use_cases import lifecycle
from pos_core.use_cases.caller import Caller
from pos_kit.errors import NotFound

CALLER = Caller(tenant_id=uuid.uuid4(), subject="waiter-1", role="waiter", token="token")


class StepsOnly:
    """A unit of work whose steps run and commit nothing: the order's read is stubbed."""

    session = None

    @asynccontextmanager
    async def step(self) -> AsyncIterator[None]:
        yield None


class Warnings:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def warning(self, event: str, **fields: Any) -> None:
        self.events.append((event, fields))


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> Warnings:
    recorder = Warnings()
    monkeypatch.setattr(lifecycle, "log", recorder)
    return recorder


def reading_the_order_raises(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    async def load_order(*args: Any, **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr(lifecycle, "load_order", load_order)


async def placed_on() -> bool:
    order_lifecycle = lifecycle.OrderLifecycle(inventory=None, placing_lease=timedelta(seconds=5))
    return await order_lifecycle._placed_on(StepsOnly(), CALLER, uuid.uuid4(), "r-1")


@pytest.mark.parametrize(
    "outage",
    [
        OperationalError("SELECT", {}, Exception("server closed the connection")),
        InterfaceError("SELECT", {}, Exception("connection is closed")),
        DBAPIError("SELECT", {}, Exception("reset"), connection_invalidated=True),
        ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=["operational", "interface", "invalidated", "refused"],
)
async def test_a_database_outage_counts_as_not_placed_and_is_logged(
    monkeypatch, warnings, outage
) -> None:
    reading_the_order_raises(monkeypatch, outage)
    assert await placed_on() is False
    [(event, fields)] = warnings.events
    assert event == "placement_not_rechecked"
    assert fields["error"] == repr(outage)


@pytest.mark.parametrize(
    "unexpected",
    [
        ProgrammingError("SELECT", {}, Exception('column "placed_at" does not exist')),
        NotFound("No such order."),
        RuntimeError("a bug"),
        DBAPIError("SELECT", {}, Exception("value out of range")),
    ],
    ids=["programming", "not-found", "bug", "data-error"],
)
async def test_any_other_error_is_not_swallowed(monkeypatch, warnings, unexpected) -> None:
    reading_the_order_raises(monkeypatch, unexpected)
    with pytest.raises(type(unexpected)) as raised:
        await placed_on()
    assert raised.value is unexpected
    assert warnings.events == []

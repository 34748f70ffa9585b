"""FastAPI dependencies for infrastructure: the request's unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pos_kit.db import Database


async def _unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.database
    async with database.unit_of_work() as session:
        yield session
    # Committed: wake the outbox relay so the events of this change go out now,
    # not at its next poll.
    relay = getattr(request.app.state, "outbox_relay", None)
    if relay is not None:
        relay.notify()


# scope="function": the commit happens before the response is sent, so a client
# never sees a 201 for a change that then fails to commit.
DbSession = Annotated[AsyncSession, Depends(_unit_of_work, scope="function")]

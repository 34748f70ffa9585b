"""FastAPI dependencies for infrastructure: the request's unit of work, and the app's use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from pos_kit.db import Database
from pos_kit.uow import UnitOfWork

T = TypeVar("T")


async def _request_unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    database: Database = request.app.state.database
    async with database.unit_of_work() as uow:
        yield uow


# scope="function": the commit happens before the response is sent, so a client
# never sees a 201 for a change that then fails to commit.
UoW = Annotated[UnitOfWork, Depends(_request_unit_of_work, scope="function")]


def app_state(kind: type[T], name: str = "use_cases") -> Callable[[Request], Awaitable[T]]:
    """A dependency handing routers what the app built at start-up (`app.state.<name>`).

    A service writes `UseCases = Annotated[OrderUseCases, Depends(app_state(OrderUseCases))]`.
    """

    # async, as every dependency on the request path: FastAPI runs a plain `def` in a
    # worker thread, a hand-off that cost about a tenth of a service's CPU per request.
    async def from_state(request: Request) -> T:
        value = getattr(request.app.state, name)
        if not isinstance(value, kind):
            raise TypeError(f"app.state.{name} is {type(value).__name__}, not {kind.__name__}")
        return value

    return from_state

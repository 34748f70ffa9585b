"""The unit of work: one piece of work against a service's database, and what waits for its commit.

Every request, event handler and background job works through one `UnitOfWork`:

- Repositories are built on `uow.session`; use cases never commit. Whoever opened the
  unit of work (the request's `UoW` dependency, the event consumer, a job's
  `database.unit_of_work()`) commits once at the end, or rolls everything back.
- `uow.on_commit(callback)` runs `callback` after the commit and never after a
  rollback: the outbox relay's nudge, a wake-up of the kitchen's live feed, anything
  that would find nothing if it ran before the data is visible.
- A use case that must call another service between two changes (placing an order
  reserves stock at inventory) writes each change in its own `async with uow.step():`.
  A step commits when its block ends, and no transaction is open between steps, so
  no lock or connection is held while the other service answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pos_kit.errors import ProblemError

log = structlog.get_logger(__name__)

AfterCommit = Callable[[], None]


class TransactionOpen(RuntimeError):
    """A step began while a transaction was open: a remote call could end up inside it."""


class UnitOfWork:
    """A session opened on first use, the commit at the end, and the after-commit hooks."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        when_events_commit: Sequence[AfterCommit] = (),
    ) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None
        self._after_commit: list[AfterCommit] = []
        self._when_events_commit = tuple(when_events_commit)

    @property
    def session(self) -> AsyncSession:
        """The session repositories run their SQL on; it opens a transaction when first used."""
        if self._session is None:
            self._session = self._sessions()
        return self._session

    @property
    def in_transaction(self) -> bool:
        return self._session is not None and self._session.in_transaction()

    @property
    def dialect(self) -> str:
        """`postgresql` or `sqlite`: for the few statements the two write differently."""
        return self.session.get_bind().dialect.name

    def on_commit(self, callback: AfterCommit) -> None:
        """Run `callback` once the current transaction has committed; drop it on a rollback."""
        if callback not in self._after_commit:
            self._after_commit.append(callback)

    def events_recorded(self) -> None:
        """The outbox got rows in this transaction: wake its relay once they are committed."""
        for callback in self._when_events_commit:
            self.on_commit(callback)

    @asynccontextmanager
    async def step(self) -> AsyncIterator[AsyncSession]:
        """One step of a multi-step use case: its own transaction, committed as the block ends.

        An exception rolls the step back (see `end`) and goes on to the caller.
        """
        if self.in_transaction:
            raise TransactionOpen(
                "a step must begin with no transaction open; finish the work before it first"
            )
        # Rows loaded by an earlier step may have changed while no transaction was open
        # (that is the point of a step): read them afresh, never from the identity map.
        self.session.expire_all()
        try:
            yield self.session
        except BaseException as exc:
            await self.end(exc)
            raise
        await self.end()

    async def end(self, error: BaseException | None = None) -> None:
        """Commit, or roll back because of `error`.

        A `ProblemError` that says `commit_changes` commits all the same: the failure is
        the answer, and what was recorded on the way (a failed login attempt, a revoked
        token family) must stay.
        """
        if error is None or (isinstance(error, ProblemError) and error.commit_changes):
            await self.commit()
        else:
            await self.rollback()

    async def commit(self) -> None:
        """Commit what is pending (nothing: no-op) and run the after-commit hooks."""
        if self._session is not None and self._session.in_transaction():
            try:
                await self._session.commit()
            except BaseException:
                # A failed commit leaves the transaction open; end it, so the use case
                # can go on with a compensating step.
                await self.rollback()
                raise
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            try:
                hook()
            except Exception:
                # The data is committed; a hook is a wake-up, and its failure must not turn
                # a change that happened into an error answer.
                log.exception("after_commit_hook_failed", hook=repr(hook))

    async def rollback(self) -> None:
        self._after_commit.clear()
        if self._session is not None:
            await self._session.rollback()

    async def close(self) -> None:
        self._after_commit.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

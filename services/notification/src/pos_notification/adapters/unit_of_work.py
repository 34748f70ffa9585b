"""Work that must wait for the unit of work's commit: waking streams and the dispatcher."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Call `callback` once this session's transaction has committed; never on a rollback.

    A reader woken before the commit would find nothing and go back to sleep, so
    the wake-up belongs after it. The callback runs on the event loop's thread.
    """

    def fire(_: Session) -> None:
        callback()

    event.listen(session.sync_session, "after_commit", fire, once=True)

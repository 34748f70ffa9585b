"""The base of payment's repositories: pos-kit's, plus taking SQLite's write lock up front."""

from __future__ import annotations

from sqlalchemy import text

from pos_kit.repository import Repository


class BaseRepository(Repository):
    async def take_write_lock(self) -> None:
        """SQLite: take the database's one write lock before this transaction reads.

        The driver begins a transaction at the first write only, so a read-then-write
        would otherwise decide on a snapshot another writer may change. PostgreSQL locks
        the rows the transaction reads instead (`SELECT ... FOR UPDATE`).
        """
        if self.dialect == "sqlite":
            await self.session.execute(text("UPDATE orders SET status = status WHERE 1 = 0"))

"""The base of payment's repositories: pos-kit's, plus taking SQLite's write lock up front
and inserting a row unless its key is taken."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import text

from pos_kit.repository import Repository, rowcount


class BaseRepository(Repository):
    async def insert_unless_taken(self, table: type[Any], values: Mapping[str, Any]) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING; False if a unique key or index had the row already.

        One statement, never check-then-insert: of two requests inserting the same key at
        once, exactly one inserts, and the other waits for it and then inserts nothing.
        """
        result = await self.session.execute(
            self.insert(table).values(**values).on_conflict_do_nothing()
        )
        return rowcount(result) == 1

    async def take_write_lock(self) -> None:
        """SQLite: take the database's one write lock before this transaction reads.

        The driver begins a transaction at the first write only, so a read-then-write
        would otherwise decide on a snapshot another writer may change. PostgreSQL locks
        the rows the transaction reads instead (`SELECT ... FOR UPDATE`).
        """
        if self.dialect == "sqlite":
            await self.session.execute(text("UPDATE orders SET status = status WHERE 1 = 0"))

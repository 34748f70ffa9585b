"""The base of inventory's repositories: pos-kit's, plus taking SQLite's write lock up front."""

from __future__ import annotations

from sqlalchemy import text

from pos_kit.repository import Repository


class InventoryRepository(Repository):
    async def take_write_lock(self) -> None:
        """SQLite: take the database's one write lock now, before this transaction reads.

        The driver begins a transaction only at the first write, so a read-then-write
        would otherwise decide on a snapshot another writer may have changed. PostgreSQL
        locks the rows it reads instead (SELECT ... FOR UPDATE).
        """
        if self.dialect == "sqlite":
            await self.session.execute(
                text("UPDATE stock_levels SET reserved = reserved WHERE 1 = 0")
            )

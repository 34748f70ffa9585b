"""The kitchen feed: each tenant's entries, numbered in commit order, read after a number."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select

from pos_kit.mapping import build
from pos_kit.repository import Repository, rowcount
from pos_notification.adapters.tables import KitchenFeedPositionRow, KitchenFeedRow
from pos_notification.domain.feed import FeedEntry, FeedKind


class FeedRepository(Repository):
    async def append(
        self, *, tenant_id: uuid.UUID, kind: FeedKind, payload: str, now: datetime
    ) -> int:
        """Add an entry with the tenant's next number; returns the number.

        Taking the number locks the tenant's position row until the commit, so a
        tenant's entries commit in number order and a reader that has seen n never
        later finds a smaller number appear behind it.
        """
        p = KitchenFeedPositionRow
        statement = (
            self.insert(p)
            .values(tenant_id=tenant_id, last_seq=1)
            .on_conflict_do_update(index_elements=[p.tenant_id], set_={"last_seq": p.last_seq + 1})
            .returning(p.last_seq)
        )
        seq = int((await self.session.execute(statement)).scalar_one())
        self.session.add(
            KitchenFeedRow(
                tenant_id=tenant_id, seq=seq, kind=kind.value, payload=payload, created_at=now
            )
        )
        await self.session.flush()
        return seq

    async def last_seq(self, tenant_id: uuid.UUID) -> int:
        found = await self.session.scalar(
            select(KitchenFeedPositionRow.last_seq).where(
                KitchenFeedPositionRow.tenant_id == tenant_id
            )
        )
        return int(found or 0)

    async def entries_after(
        self, *, tenant_id: uuid.UUID, after: int, limit: int
    ) -> list[FeedEntry]:
        f = KitchenFeedRow
        rows = await self.session.scalars(
            select(f).where(f.tenant_id == tenant_id, f.seq > after).order_by(f.seq).limit(limit)
        )
        return [build(FeedEntry, r) for r in rows]

    async def purge(self, *, before: datetime) -> int:
        """Across tenants (housekeeping): forget entries older than `before`."""
        result = await self.session.execute(
            delete(KitchenFeedRow).where(KitchenFeedRow.created_at < before)
        )
        return rowcount(result)

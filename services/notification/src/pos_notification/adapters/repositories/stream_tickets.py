"""Stream tickets, kept as hashes: issued, looked up by hash, spent once, forgotten."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values, rowcount
from pos_notification.adapters.tables import StreamTicketRow
from pos_notification.domain.feed import StreamGrant


@dataclass(frozen=True)
class StreamTicketState:
    grant: StreamGrant
    expires_at: datetime
    used_at: datetime | None


class StreamTicketRepository(Repository):
    async def add(
        self, *, grant: StreamGrant, ticket_hash: str, now: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            StreamTicketRow(
                id=uuid.uuid4(),
                **column_values(grant, StreamTicketRow),
                ticket_hash=ticket_hash,
                created_at=now,
                expires_at=expires_at,
            )
        )
        await self.session.flush()

    async def find(self, ticket_hash: str) -> StreamTicketState | None:
        """The only lookup without a tenant: the ticket is what names the tenant."""
        row = await self.session.scalar(
            select(StreamTicketRow).where(StreamTicketRow.ticket_hash == ticket_hash)
        )
        if row is None:
            return None
        return build(StreamTicketState, row, grant=build(StreamGrant, row))

    async def use(self, ticket_hash: str, now: datetime) -> bool:
        """Spend the ticket; False if it was spent or expired meanwhile."""
        result = await self.session.execute(
            update(StreamTicketRow)
            .where(
                StreamTicketRow.ticket_hash == ticket_hash,
                StreamTicketRow.used_at.is_(None),
                StreamTicketRow.expires_at > now,
            )
            .values(used_at=now)
        )
        return rowcount(result) == 1

    async def purge(self, *, before: datetime) -> int:
        """Across tenants (housekeeping): forget tickets that expired before `before`."""
        result = await self.session.execute(
            delete(StreamTicketRow).where(StreamTicketRow.expires_at < before)
        )
        return rowcount(result)

"""The drawer sessions' SQL: open one (one open per drawer), find, close, list."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update

from pos_kit.mapping import build
from pos_kit.pagination import PageRequest, Slice
from pos_kit.repository import Repository, column_values, rowcount
from pos_payment.adapters.tables import DrawerSessionRow
from pos_payment.domain.drawers import DrawerSession


class DrawerRepository(Repository):
    async def open(self, session: DrawerSession) -> bool:
        """Insert an open session; False if the drawer has one open already (the unique index)."""
        return await self.insert_once(DrawerSessionRow, column_values(session, DrawerSessionRow))

    async def get(self, *, tenant_id: uuid.UUID, session_id: uuid.UUID) -> DrawerSession | None:
        row = await self.session.scalar(
            select(DrawerSessionRow).where(
                DrawerSessionRow.tenant_id == tenant_id, DrawerSessionRow.id == session_id
            )
        )
        return _session(row) if row else None

    async def lock(self, *, tenant_id: uuid.UUID, session_id: uuid.UUID) -> DrawerSession | None:
        """The session, locked: a close cannot count it while cash goes in, nor the reverse."""
        row = await self.session.scalar(
            select(DrawerSessionRow)
            .where(DrawerSessionRow.tenant_id == tenant_id, DrawerSessionRow.id == session_id)
            .with_for_update()
        )
        return _session(row) if row else None

    async def lock_open(self, *, tenant_id: uuid.UUID) -> list[DrawerSession]:
        """The open sessions, locked (see `lock`), by drawer name."""
        rows = await self.session.scalars(
            select(DrawerSessionRow)
            .where(DrawerSessionRow.tenant_id == tenant_id, DrawerSessionRow.closed_at.is_(None))
            .order_by(DrawerSessionRow.drawer)
            .with_for_update()
        )
        return [_session(row) for row in rows]

    async def close(self, session: DrawerSession) -> bool:
        """Record the count and variance of an open session; False if it was closed already."""
        result = await self.session.execute(
            update(DrawerSessionRow)
            .where(
                DrawerSessionRow.tenant_id == session.tenant_id,
                DrawerSessionRow.id == session.id,
                DrawerSessionRow.closed_at.is_(None),
            )
            .values(
                closed_by=session.closed_by,
                closed_at=session.closed_at,
                counted=session.counted,
                variance=session.variance,
            )
        )
        return rowcount(result) == 1

    async def list_page(
        self, *, tenant_id: uuid.UUID, open_only: bool, page: PageRequest
    ) -> Slice[DrawerSession]:
        query = select(DrawerSessionRow).where(DrawerSessionRow.tenant_id == tenant_id)
        if open_only:
            query = query.where(DrawerSessionRow.closed_at.is_(None))
        found = await self.keyset_page(
            query,
            key=[DrawerSessionRow.opened_at, DrawerSessionRow.id],
            page=page,
            descending=True,
        )
        return found.map(_session)

    async def closed_between(
        self, *, tenant_id: uuid.UUID, start: datetime, end: datetime
    ) -> list[DrawerSession]:
        rows = await self.session.scalars(
            select(DrawerSessionRow).where(
                DrawerSessionRow.tenant_id == tenant_id,
                DrawerSessionRow.closed_at >= start,
                DrawerSessionRow.closed_at < end,
            )
        )
        return [_session(row) for row in rows]


def _session(row: DrawerSessionRow) -> DrawerSession:
    return build(DrawerSession, row)

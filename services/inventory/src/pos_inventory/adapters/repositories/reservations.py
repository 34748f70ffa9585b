"""Reservations' SQL: one row per order, its lines, and the expiry sweep's search."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update

from pos_inventory.adapters.tables import ReservationLineRow, ReservationRow
from pos_inventory.domain.reservations import Reservation, ReservationLine, ReservationStatus
from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values


class ReservationRepository(Repository):
    async def add(self, reservation: Reservation, *, created_by: str) -> bool:
        """Insert the reservation first thing: a concurrent one for the same order waits here.

        False when a reservation for the order exists already (or a concurrent request
        committed one while this insert waited on it).
        """
        await self.take_write_lock(ReservationRow)
        return await self.insert_once(
            ReservationRow(**column_values(reservation, ReservationRow, created_by=created_by))
        )

    async def add_lines(self, reservation: Reservation) -> None:
        self.session.add_all(
            ReservationLineRow(
                **column_values(
                    line,
                    ReservationLineRow,
                    reservation_id=reservation.id,
                    tenant_id=reservation.tenant_id,
                    position=i,
                )
            )
            for i, line in enumerate(reservation.lines)
        )
        await self.session.flush()

    async def replace_hold(self, reservation: Reservation, *, created_by: str) -> None:
        """Write a fresh hold over a released or expired reservation (its row locked).

        The row stays (one per order), with the new status, times and creator; its lines
        are replaced by the new ones.
        """
        await self._update(
            reservation,
            **column_values(
                reservation,
                ReservationRow,
                exclude=("id", "tenant_id", "order_id"),
                created_by=created_by,
            ),
        )
        await self.session.execute(
            delete(ReservationLineRow)
            .where(
                ReservationLineRow.tenant_id == reservation.tenant_id,
                ReservationLineRow.reservation_id == reservation.id,
            )
            # Drop the old lines from the session too: a new line may reuse a key (same product).
            .execution_options(synchronize_session="evaluate")
        )
        await self.add_lines(reservation)

    async def _load(self, row: ReservationRow) -> Reservation:
        lines = await self.session.scalars(
            select(ReservationLineRow)
            .where(
                ReservationLineRow.tenant_id == row.tenant_id,
                ReservationLineRow.reservation_id == row.id,
            )
            .order_by(ReservationLineRow.position)
        )
        return build(Reservation, row, lines=tuple(build(ReservationLine, ln) for ln in lines))

    async def get(
        self, *, tenant_id: uuid.UUID, reservation_id: uuid.UUID, for_update: bool = False
    ) -> Reservation | None:
        if for_update:
            await self.take_write_lock(ReservationRow)
        query = select(ReservationRow).where(
            ReservationRow.tenant_id == tenant_id, ReservationRow.id == reservation_id
        )
        if for_update:
            query = query.with_for_update()
        row = await self.session.scalar(query.execution_options(populate_existing=True))
        return await self._load(row) if row else None

    async def by_order(self, *, tenant_id: uuid.UUID, order_id: uuid.UUID) -> Reservation | None:
        row = await self.session.scalar(
            select(ReservationRow)
            .where(ReservationRow.tenant_id == tenant_id, ReservationRow.order_id == order_id)
            .execution_options(populate_existing=True)
        )
        return await self._load(row) if row else None

    async def next_due(self, now: datetime) -> Reservation | None:
        """One held reservation past its expiry, locked; the sweep is the one cross-tenant query.

        SKIP LOCKED: several processes sweep side by side without waiting on each other,
        and a reservation being committed right now is left to that commit.
        """
        await self.take_write_lock(ReservationRow)
        row = await self.session.scalar(
            select(ReservationRow)
            .where(
                ReservationRow.status == ReservationStatus.HELD.value,
                ReservationRow.expires_at <= now,
            )
            .order_by(ReservationRow.expires_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return await self._load(row) if row else None

    async def save_status(self, reservation: Reservation) -> None:
        await self._update(
            reservation,
            status=reservation.status.value,
            committed_at=reservation.committed_at,
            released_at=reservation.released_at,
        )

    async def _update(self, reservation: Reservation, **values: object) -> None:
        await self.session.execute(
            update(ReservationRow)
            .where(
                ReservationRow.tenant_id == reservation.tenant_id,
                ReservationRow.id == reservation.id,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )

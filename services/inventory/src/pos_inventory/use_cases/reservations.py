"""Reservation use cases: hold stock for an order, commit it, release it, let it expire."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import structlog
from prometheus_client import Counter

from pos_inventory.adapters.repositories import (
    AdjustmentRepository,
    ProductRepository,
    ReservationRepository,
    StockRepository,
)
from pos_inventory.domain.errors import ReservationExpired, ReservationMismatch
from pos_inventory.domain.reservations import (
    RequestedLine,
    Reservation,
    ReservationLine,
    ReservationStatus,
    check_lines,
    hold_stock,
)
from pos_inventory.domain.stock import Adjustment, AdjustmentReason
from pos_inventory.use_cases.found import found
from pos_inventory.use_cases.stock import save_level
from pos_kit import context
from pos_kit.clock import utcnow
from pos_kit.errors import ProblemError
from pos_kit.uow import UnitOfWork

log = structlog.get_logger(__name__)

RESERVATIONS = Counter(
    "pos_inventory_reservations_total",
    "Reservation outcomes: held, refused (short, unavailable), committed, released, expired,"
    " commit_after_release (an order paid after its hold was given back).",
    ["outcome"],
)


@dataclass
class Reservations:
    ttl: timedelta

    async def reserve(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        actor: str,
        order_id: uuid.UUID,
        lines: Sequence[RequestedLine],
    ) -> tuple[Reservation, bool]:
        """Hold stock for every line, or for none. Returns the reservation and whether it holds
        stock because of this call (new, or held again).

        Idempotent on the order: a repeat while the reservation is held or committed returns
        it and holds nothing more. Once released or expired, a repeat holds afresh (the same
        reservation, with the lines asked now).
        """
        check_lines(lines)
        reservations = ReservationRepository(uow.session)
        existing = await reservations.by_order(tenant_id=tenant_id, order_id=order_id)
        if existing is not None:
            return await self._repeat(uow, existing, lines, actor)

        now = utcnow()
        reservation = Reservation(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            order_id=order_id,
            status=ReservationStatus.HELD,
            lines=(),
            created_at=now,
            expires_at=now + self.ttl,
        )
        # First, so that a concurrent request for the same order waits right here.
        if not await reservations.add(reservation, created_by=actor):
            existing = await reservations.by_order(tenant_id=tenant_id, order_id=order_id)
            if existing is None:  # pragma: no cover - the clash says it exists
                raise RuntimeError(f"order {order_id} clashed with a reservation not found")
            return await self._repeat(uow, existing, lines, actor)

        reservation.lines = await self._hold(uow, reservation, lines, now)
        await reservations.add_lines(reservation)
        RESERVATIONS.labels("held").inc()
        log.info("reservation_held", reservation_id=str(reservation.id), order_id=str(order_id))
        return reservation, True

    async def _hold(
        self,
        uow: UnitOfWork,
        reservation: Reservation,
        lines: Sequence[RequestedLine],
        now: datetime,
        *,
        expire_first: bool = False,
    ) -> tuple[ReservationLine, ...]:
        """Lock the stock rows (in product id order), hold every line or refuse, and save.

        `expire_first`: `reservation` is a hold past its time; give its stock back in this
        same transaction before holding, so the units it held count as free. Its stock rows
        are locked together with the new lines' rows, in one ordered statement, so that no
        lock is ever taken out of product id order.
        """
        tenant_id = reservation.tenant_id
        products = await ProductRepository(uow.session).get_many(
            tenant_id=tenant_id, product_ids=[ln.product_id for ln in lines]
        )
        stock = StockRepository(uow.session)
        tracked = [p.id for p in products.values() if p.track_stock]
        stale = [ln.product_id for ln in reservation.lines if ln.tracked] if expire_first else []
        levels = await stock.lock(tenant_id=tenant_id, product_ids=[*tracked, *stale])
        if expire_first:
            await self._expire(uow, reservation, now)
            levels = await stock.lock(tenant_id=tenant_id, product_ids=tracked)
        try:
            held = hold_stock(lines, products, levels, now)
        except ProblemError as exc:
            RESERVATIONS.labels(exc.type_slug).inc()
            log.info(
                "reservation_refused", order_id=str(reservation.order_id), reason=exc.type_slug
            )
            raise
        for line in held:
            if line.tracked:
                await save_level(uow, levels[line.product_id], products[line.product_id])
        return held

    async def _repeat(
        self,
        uow: UnitOfWork,
        existing: Reservation,
        lines: Sequence[RequestedLine],
        actor: str,
    ) -> tuple[Reservation, bool]:
        """A request for an order that has a reservation already."""
        if existing.is_live(utcnow()):
            if not existing.asks_for(lines):
                raise ReservationMismatch()
            return existing, False
        # Released, expired, or past its time: lock it, then decide on what it is now (a
        # concurrent request may have held it again, or committed it, while this one waited).
        locked = await self._locked(uow, existing.tenant_id, existing.id)
        now = utcnow()
        if locked.is_live(now):
            if not locked.asks_for(lines):
                raise ReservationMismatch()
            return locked, False
        held = await self._hold(uow, locked, lines, now, expire_first=locked.is_due(now))
        locked.hold_again(held, now, now + self.ttl)
        await ReservationRepository(uow.session).replace_hold(locked, created_by=actor)
        RESERVATIONS.labels("held").inc()
        log.info(
            "reservation_held_again",
            reservation_id=str(locked.id),
            order_id=str(locked.order_id),
        )
        return locked, True

    async def get(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, reservation_id: uuid.UUID
    ) -> Reservation:
        reservations = ReservationRepository(uow.session)
        reservation = await reservations.get(tenant_id=tenant_id, reservation_id=reservation_id)
        return await self._settle_expiry(uow, found(reservation, "reservation"))

    async def _locked(
        self, uow: UnitOfWork, tenant_id: uuid.UUID, reservation_id: uuid.UUID
    ) -> Reservation:
        reservation = await ReservationRepository(uow.session).get(
            tenant_id=tenant_id, reservation_id=reservation_id, for_update=True
        )
        return found(reservation, "reservation")

    async def commit(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        actor: str,
        reservation_id: uuid.UUID,
    ) -> Reservation:
        """The order went through: held units leave on hand. Committing twice is harmless."""
        reservation = await self._locked(uow, tenant_id, reservation_id)
        now = utcnow()
        if await self._expire(uow, reservation, now):
            raise ReservationExpired()
        if not reservation.commit(now):
            return reservation
        await self._sell(uow, reservation, actor, now)
        return reservation

    async def _sell(
        self, uow: UnitOfWork, reservation: Reservation, actor: str, now: datetime
    ) -> None:
        """Take a locked reservation's committed lines off hand, with their audit lines."""
        tracked = [ln for ln in reservation.lines if ln.tracked]
        levels = await StockRepository(uow.session).lock(
            tenant_id=reservation.tenant_id, product_ids=[ln.product_id for ln in tracked]
        )
        stock, trail = StockRepository(uow.session), AdjustmentRepository(uow.session)
        for line in tracked:
            level = levels.get(line.product_id)
            if level is None:  # pragma: no cover - a held line always has its row
                continue
            level.sell(line.quantity, now)
            await stock.save(level)
            await trail.add(
                Adjustment.of_change(
                    level,
                    -line.quantity,
                    AdjustmentReason.SALE,
                    note=f"Order {reservation.order_id}",
                    by=actor,
                    at=now,
                    reservation_id=reservation.id,
                )
            )
        await ReservationRepository(uow.session).save_status(reservation)
        RESERVATIONS.labels("committed").inc()
        log.info("reservation_committed", reservation_id=str(reservation.id))

    async def release(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, reservation_id: uuid.UUID
    ) -> Reservation:
        """The order was cancelled: held units are free again. Releasing twice is harmless."""
        reservation = await self._locked(uow, tenant_id, reservation_id)
        now = utcnow()
        if await self._expire(uow, reservation, now):
            return reservation  # the expiry gave the stock back already
        if reservation.release(now):
            await self._give_back(uow, reservation, now, outcome="released")
        return reservation

    async def settle_order(
        self,
        uow: UnitOfWork,
        *,
        tenant_id: uuid.UUID,
        order_id: uuid.UUID,
        reservation_id: uuid.UUID | None,
        sold: bool,
        actor: str,
    ) -> Reservation | None:
        """Settle an order's hold from pos-core's word that it was paid or closed (`sold`) or
        cancelled; never raises for the state the reservation is in, since no retry of the
        event could change that state.

        The reservation is the tenant's one for `order_id`; a `reservation_id` other than
        its id names something else, and nothing is done. Sold: a held reservation is
        committed, a committed one stays so; one already given back (released, or expired,
        also right now) is left alone with the warning `reservation_commit_after_release`
        (the sale is real, on hand is then corrected by a stock count). Cancelled: a held
        reservation is released, a given-back one stays so, and a committed one stays sold
        with the warning `reservation_release_after_commit` (a refund matter).
        Returns the reservation as it is now, or None when there was none to settle.
        """
        found = await ReservationRepository(uow.session).by_order(
            tenant_id=tenant_id, order_id=order_id
        )
        if found is None:
            log.info("order_without_reservation", order_id=str(order_id))
            return None
        if reservation_id is not None and found.id != reservation_id:
            log.warning(
                "order_reservation_mismatch",
                order_id=str(order_id),
                reservation_id=str(reservation_id),
                order_reservation_id=str(found.id),
            )
            return None
        # Locked first, then its stock rows in product order, as commit and release do.
        reservation = await self._locked(uow, tenant_id, found.id)
        now = utcnow()
        expired_now = await self._expire(uow, reservation, now)
        status = reservation.status
        if sold:
            if status is ReservationStatus.HELD:
                reservation.commit(now)
                await self._sell(uow, reservation, actor, now)
            elif status is not ReservationStatus.COMMITTED:
                RESERVATIONS.labels("commit_after_release").inc()
                log.warning(
                    "reservation_commit_after_release",
                    reservation_id=str(reservation.id),
                    order_id=str(order_id),
                    status=status.value,
                    expired_now=expired_now,
                )
        elif status is ReservationStatus.HELD:
            reservation.release(now)
            await self._give_back(uow, reservation, now, outcome="released")
        elif status is ReservationStatus.COMMITTED:
            log.warning(
                "reservation_release_after_commit",
                reservation_id=str(reservation.id),
                order_id=str(order_id),
            )
        return reservation

    async def _settle_expiry(self, uow: UnitOfWork, reservation: Reservation) -> Reservation:
        """Expire a hold found past its time, even if the sweeper has not come by yet."""
        if not reservation.is_due(utcnow()):
            return reservation
        locked = await self._locked(uow, reservation.tenant_id, reservation.id)
        await self._expire(uow, locked, utcnow())
        return locked

    async def _expire(self, uow: UnitOfWork, reservation: Reservation, now: datetime) -> bool:
        """Give back a locked reservation's stock if its time ran out; True if it did now."""
        if not reservation.expire(now):
            return False
        await self._give_back(uow, reservation, now, outcome="expired")
        return True

    async def _give_back(
        self,
        uow: UnitOfWork,
        reservation: Reservation,
        now: datetime,
        *,
        outcome: Literal["released", "expired"],
    ) -> None:
        """Free a released or expired reservation's held units and save it; counted and logged
        (`reservation_released` / `reservation_expired`) as its `outcome`."""
        tracked = [ln for ln in reservation.lines if ln.tracked]
        stock = StockRepository(uow.session)
        levels = await stock.lock(
            tenant_id=reservation.tenant_id, product_ids=[ln.product_id for ln in tracked]
        )
        for line in tracked:
            level = levels.get(line.product_id)
            if level is not None:
                level.give_back(line.quantity, now)
                await stock.save(level)
        await ReservationRepository(uow.session).save_status(reservation)
        RESERVATIONS.labels(outcome).inc()
        log.info(f"reservation_{outcome}", reservation_id=str(reservation.id))

    async def expire_next_due(self, uow: UnitOfWork) -> bool:
        """Give back the stock of one hold past its time, of any restaurant; False if none is.

        The sweeper calls it once per unit of work, so each transaction locks one
        reservation and then its stock rows in product order, exactly like commit and
        release do: no deadlock between them.
        """
        now = utcnow()
        reservation = await ReservationRepository(uow.session).next_due(now)
        if reservation is None:
            return False
        context.bind_tenant(str(reservation.tenant_id))
        return await self._expire(uow, reservation, now)

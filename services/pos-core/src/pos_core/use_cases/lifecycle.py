"""Moving an order through its life: place, close, cancel, and settling its stock hold.

These use cases talk to inventory around a state change, so they write each change
in its own step of the request's unit of work (`uow.step()`): a step commits as it
ends, no transaction is open while inventory answers, and each knows whether its
commit succeeded before it acts on inventory. See the README's "Placing an order".

Placing (inventory first, then the order):
  1. freeze the items under a placing lease (a step);
  2. reserve the stock at inventory, keyed on the order id (safe to retry), with
     no transaction open, as pos-core itself (its own token for the restaurant: inventory
     lets no member of staff hold stock);
  3. in a new step: still open -> placed + `order.placed` in the outbox; cancelled
     meanwhile -> release the hold; placed meanwhile -> keep it (it is the same
     hold: inventory keys it on the order id).
  If step 3 cannot commit, the hold is released, best effort, unless the order
  turns out to be placed on it after all.

Close and cancel change the order first and then commit or release the hold (as
pos-core itself too), best effort: a table can be closed and a waiter can cancel
while inventory (or auth) is down. A hold left behind expires at inventory, and the
events carry the reservation id for inventory to settle it from the event stream. Paying is not
here: the payment service's payments settle an order (`settlement.py`).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy.exc import DBAPIError

from pos_core.adapters.inventory import InventoryClient
from pos_core.adapters.repositories import OrderRepository
from pos_core.domain import events
from pos_core.domain.errors import IllegalTransition, ItemsChangedWhilePlacing, ReservationNotHeld
from pos_core.domain.orders import Order, OrderStatus, ReservationStatus
from pos_core.domain.stock import Reservation
from pos_core.use_cases.caller import Caller, load_order
from pos_core.use_cases.order_events import record_order_event
from pos_kit.clock import utcnow
from pos_kit.db import database_unavailable
from pos_kit.errors import ProblemError
from pos_kit.uow import UnitOfWork

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class _Placement:
    """How step 3 of a placement ended: the order, or a problem to answer and what to undo."""

    order: Order
    problem: ProblemError | None = None
    release_hold: bool = False


@dataclass
class OrderLifecycle:
    inventory: InventoryClient
    placing_lease: timedelta

    async def place(self, uow: UnitOfWork, *, caller: Caller, order_id: uuid.UUID) -> Order:
        # 1. Freeze the items while their stock is reserved; committed before inventory is asked.
        async with uow.step():
            repo = OrderRepository(uow.session)
            order = await load_order(repo, caller, order_id, for_update=True)
            lines = order.begin_placing(utcnow(), self.placing_lease)
            await repo.save(order)

        # 2. Reserve the stock. No transaction is open here.
        try:
            # With pos-core's own token for the restaurant, not the caller's.
            reservation = await self.inventory.reserve(
                tenant_id=caller.tenant_id, order_id=order.id, lines=lines
            )
            if not reservation.is_held:
                raise ReservationNotHeld(
                    f"Inventory answered with a reservation that is {reservation.status}, not held;"
                    " the order is still open.",
                    current_status=OrderStatus.OPEN.value,
                )
        except Exception:
            await self._end_placing(uow, caller, order_id)
            raise

        # 3. Record the placement.
        try:
            outcome = await self._record_placement(uow, caller, order_id, reservation)
        except Exception:
            # The stock is held but the order could not say so: give it back (unless the
            # order turns out to be placed on this very hold after all) and unfreeze it.
            if not await self._placed_on(uow, caller, order_id, reservation.id):
                await self._settle_quietly(uow, caller, order_id, reservation.id, release=True)
                await self._end_placing(uow, caller, order_id)
            raise
        if outcome.release_hold:
            await self._settle_quietly(uow, caller, order_id, reservation.id, release=True)
        if outcome.problem is not None:
            raise outcome.problem
        log.info(
            "order_placed",
            order_id=str(order_id),
            order_number=outcome.order.number,
            reservation_id=reservation.id,
        )
        return outcome.order

    async def _record_placement(
        self, uow: UnitOfWork, caller: Caller, order_id: uuid.UUID, reservation: Reservation
    ) -> _Placement:
        async with uow.step():
            repo = OrderRepository(uow.session)
            order = await load_order(repo, caller, order_id, for_update=True)
            refused = IllegalTransition(
                current_status=order.status.value, requested=OrderStatus.PLACED.value
            )
            if order.status is OrderStatus.CANCELLED:
                # Cancelled while inventory was reserving: that stock must not stay held.
                return _Placement(order, problem=refused, release_hold=True)
            if order.status is not OrderStatus.OPEN:
                # Placed by a concurrent attempt, necessarily on this same hold: keep it.
                return _Placement(order, problem=refused)
            if not reservation.covers_exactly(order.stock_lines()):
                order.end_placing()
                await repo.save(order)
                changed = ItemsChangedWhilePlacing(current_status=order.status.value)
                return _Placement(order, problem=changed, release_hold=True)
            order.place(reservation_id=reservation.id, now=utcnow(), by=caller.subject)
            await repo.save(order)
            await record_order_event(uow, order, events.ORDER_PLACED, events.order_placed(order))
        return _Placement(order)

    async def _end_placing(self, uow: UnitOfWork, caller: Caller, order_id: uuid.UUID) -> None:
        """Lift the placing lease after a failed attempt (best effort: it lapses anyway)."""
        try:
            async with uow.step():
                repo = OrderRepository(uow.session)
                order = await load_order(repo, caller, order_id, for_update=True)
                if order.status is OrderStatus.OPEN and order.placing_until is not None:
                    order.end_placing()
                    await repo.save(order)
        except (DBAPIError, OSError) as exc:
            if not database_unavailable(exc):
                raise
            log.warning("placing_lease_not_lifted", order_id=str(order_id), error=repr(exc))

    async def _placed_on(
        self, uow: UnitOfWork, caller: Caller, order_id: uuid.UUID, reservation_id: str
    ) -> bool:
        """Whether the order is placed on this hold after all (its commit got through).

        False too when the database cannot say: the hold is then given back, and the
        order, if it did get placed, keeps a reservation id inventory no longer holds.
        """
        try:
            async with uow.step():
                order = await load_order(OrderRepository(uow.session), caller, order_id)
        except (DBAPIError, OSError) as exc:
            if not database_unavailable(exc):
                raise
            log.warning(
                "placement_not_rechecked",
                order_id=str(order_id),
                reservation_id=reservation_id,
                error=repr(exc),
            )
            return False
        return order.reservation_id == reservation_id and order.status is not OrderStatus.OPEN

    async def close(self, uow: UnitOfWork, *, caller: Caller, order_id: uuid.UUID) -> Order:
        async with self._changing(uow, caller, order_id) as (order, previous):
            order.close(now=utcnow(), by=caller.subject)
            closed = events.order_closed(order, previous_status=previous)
            await record_order_event(uow, order, events.ORDER_CLOSED, closed)
        log.info("order_closed", order_id=str(order.id), order_number=order.number)
        return await self._settle(uow, caller, order, release=False)

    async def cancel(self, uow: UnitOfWork, *, caller: Caller, order_id: uuid.UUID) -> Order:
        async with self._changing(uow, caller, order_id) as (order, previous):
            order.cancel(now=utcnow(), by=caller.subject)
            cancelled = events.order_cancelled(order, previous_status=previous)
            await record_order_event(uow, order, events.ORDER_CANCELLED, cancelled)
        log.info("order_cancelled", order_id=str(order.id), previous_status=previous)
        return await self._settle(uow, caller, order, release=True)

    @asynccontextmanager
    async def _changing(
        self, uow: UnitOfWork, caller: Caller, order_id: uuid.UUID
    ) -> AsyncIterator[tuple[Order, str]]:
        """The order under its row lock and the status it had, in a step of its own; what the
        block changes is saved as it ends, and commits with the events it recorded."""
        async with uow.step():
            repo = OrderRepository(uow.session)
            order = await load_order(repo, caller, order_id, for_update=True)
            yield order, order.status.value
            await repo.save(order)

    async def _settle(
        self, uow: UnitOfWork, caller: Caller, order: Order, *, release: bool
    ) -> Order:
        """Commit or release the order's stock hold after the order changed (best effort)."""
        reservation_id = order.reservation_to_settle
        if reservation_id is None:
            return order
        settled = await self._settle_quietly(uow, caller, order.id, reservation_id, release=release)
        if settled is not None:
            order.reservation_status = settled
        return order

    async def _settle_quietly(
        self,
        uow: UnitOfWork,
        caller: Caller,
        order_id: uuid.UUID,
        reservation_id: str,
        *,
        release: bool,
    ) -> ReservationStatus | None:
        verb = "release" if release else "commit"
        try:
            if release:
                await self.inventory.release(reservation_id, tenant_id=caller.tenant_id)
            else:
                await self.inventory.commit(reservation_id, tenant_id=caller.tenant_id)
        except ProblemError as exc:
            # The hold expires at inventory; the order's events let inventory settle it too.
            log.warning(
                "reservation_not_settled",
                verb=verb,
                order_id=str(order_id),
                reservation_id=reservation_id,
                error=exc.detail,
            )
            return None
        status = ReservationStatus.RELEASED if release else ReservationStatus.COMMITTED
        try:
            async with uow.step():
                await OrderRepository(uow.session).record_reservation_status(
                    tenant_id=caller.tenant_id,
                    order_id=order_id,
                    reservation_id=reservation_id,
                    status=status,
                )
        except (DBAPIError, OSError) as exc:
            if not database_unavailable(exc):
                raise
            log.warning("reservation_status_not_recorded", order_id=str(order_id), error=repr(exc))
        return status

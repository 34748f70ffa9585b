"""payment's background jobs: the card reconciler and the purge of old Idempotency-Keys.

Each process runs both; they coordinate through the database (a reconciler round
is claimed with a compare-and-set, a purge is idempotent), so several processes
of the service can run side by side.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

import structlog

from pos_kit import context
from pos_kit.clock import utcnow
from pos_kit.db import Database
from pos_kit.events.worker import PeriodicJob
from pos_kit.uow import UnitOfWork
from pos_payment.adapters.repositories import (
    IdempotencyKeyRepository,
    PaymentRepository,
    PendingCheck,
    RefundRepository,
)
from pos_payment.use_cases.cards import CardDesk

log = structlog.get_logger(__name__)

# Pending payments and refunds asked about per round at most.
BATCH = 100
# After this many unanswered questions a pending payment needs a person (a runbook case).
UNRESOLVED_AFTER_CHECKS = 8


class Recheck(Protocol):
    async def __call__(
        self, uow: UnitOfWork, check: PendingCheck, *, next_at: datetime
    ) -> None: ...


class CardReconciler(PeriodicJob):
    """Asks the processor again about card payments and refunds left pending.

    A request that did not hear from the processor in time leaves its payment pending
    and answers 202. This job asks again, with the payment's own idempotency key, so
    the processor can only replay the first outcome (never charge again); then it
    completes or fails the payment exactly as the request would have.
    """

    def __init__(
        self,
        database: Database,
        cards: CardDesk,
        *,
        interval: float,
        first_after: timedelta,
        backoff_max: timedelta,
    ) -> None:
        super().__init__(name="card-reconciler", interval=interval)
        self.database = database
        self.cards = cards
        self.first_after = first_after
        self.backoff_max = backoff_max

    async def run_once(self) -> int:
        now = utcnow()
        async with self.database.unit_of_work() as uow:
            payments = await PaymentRepository(uow.session).due_for_check(now=now, limit=BATCH)
            refunds = await RefundRepository(uow.session).due_for_check(now=now, limit=BATCH)
        for check in payments:
            await self._ask(check, self.cards.recheck_payment, now, "payment")
        for check in refunds:
            await self._ask(check, self.cards.recheck_refund, now, "refund")
        return len(payments) + len(refunds)

    async def _ask(self, check: PendingCheck, recheck: Recheck, now: datetime, what: str) -> None:
        with context.request_context(tenant_id=str(check.tenant_id)):
            if check.checks >= UNRESOLVED_AFTER_CHECKS:
                log.error(f"card_{what}_unresolved", id=str(check.id), checks=check.checks)
            try:
                async with self.database.unit_of_work() as uow:
                    await recheck(uow, check, next_at=self._next_check(now, check.checks))
            except Exception:
                # One payment's trouble must not hold up the others; it is asked again later.
                log.exception(f"card_{what}_recheck_failed", id=str(check.id))

    def _next_check(self, now: datetime, checks: int) -> datetime:
        return now + min(self.backoff_max, self.first_after * (1 << min(checks, 20)))


class IdempotencyKeyPurge(PeriodicJob):
    """Forgets Idempotency-Keys (and their stored answers) once past their retention."""

    def __init__(self, database: Database, *, retention: timedelta, interval: float) -> None:
        super().__init__(name="idempotency-key-purge", interval=interval)
        self.database = database
        self.retention = retention

    async def run_once(self) -> int:
        async with self.database.unit_of_work() as uow:
            return await IdempotencyKeyRepository(uow.session).purge(
                before=utcnow() - self.retention
            )

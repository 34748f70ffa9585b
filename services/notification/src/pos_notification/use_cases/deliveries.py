"""Sending what is due (webhook calls, e-mails): batches, attempts, and the waits between them."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from pos_kit.clock import utcnow
from pos_kit.db import Database
from pos_kit.events.worker import backoff_delay
from pos_kit.uow import UnitOfWork
from pos_notification.domain.deliveries import AttemptOutcome, DeliveryProgress, DeliveryStatus

Due = TypeVar("Due")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    backoff_initial_seconds: float
    backoff_max_seconds: float

    def retry_in(self, attempt: int) -> timedelta:
        """The wait after failed attempt number `attempt` (1, 2, ...): doubling, capped."""
        return timedelta(
            seconds=backoff_delay(attempt, self.backoff_initial_seconds, self.backoff_max_seconds)
        )

    def record(self, progress: DeliveryProgress, outcome: AttemptOutcome) -> None:
        """Count an attempt that came to `outcome` now, under this policy."""
        progress.record(
            outcome,
            now=utcnow(),
            max_attempts=self.max_attempts,
            retry_in=self.retry_in(progress.attempts + 1),
        )


def outcome_label(status: DeliveryStatus) -> str:
    """What an attempt came to, as the metrics count it: delivered, retry or failed."""
    return "retry" if status is DeliveryStatus.PENDING else status.value


@dataclass
class DueSends(ABC, Generic[Due]):
    """Sends what is due, in batches, outside any event's transaction, with retries.

    A batch is claimed in one unit of work under a lease (no other process takes it
    until the lease runs out), sent side by side with no transaction open, and each
    attempt is counted in another unit of work.
    """

    database: Database
    _: KW_ONLY
    retry: RetryPolicy
    batch_size: int
    lease: timedelta

    async def send_due(self) -> int:
        """Send what is due now; returns how many were tried."""
        now = utcnow()
        async with self.database.unit_of_work() as uow:
            due = await self._claim(uow, now=now, lease_until=now + self.lease)
        if not due:
            return 0
        results = await asyncio.gather(*(self._attempt(d) for d in due), return_exceptions=True)
        async with self.database.unit_of_work() as uow:
            for item, result in zip(due, results, strict=True):
                if isinstance(result, BaseException):
                    self._crashed(item, result)
                    result = AttemptOutcome.refused("internal error while sending")
                await self._count(uow, item, result)
        return len(due)

    @abstractmethod
    async def _claim(
        self, uow: UnitOfWork, *, now: datetime, lease_until: datetime
    ) -> Sequence[Due]:
        """Up to `batch_size` items due at `now`, leased to this process until `lease_until`."""

    @abstractmethod
    async def _attempt(self, item: Due) -> AttemptOutcome:
        """Send one item; what the receiver made of it."""

    @abstractmethod
    def _crashed(self, item: Due, error: BaseException) -> None:
        """Report an attempt that raised instead of answering (it counts as failed)."""

    @abstractmethod
    async def _count(self, uow: UnitOfWork, item: Due, outcome: AttemptOutcome) -> None:
        """Record the attempt in the item's progress (`retry.record`), and report it."""

"""The sweeper: a background loop in each process that gives back holds nobody settled in time."""

from __future__ import annotations

import structlog

from pos_inventory.use_cases.reservations import Reservations
from pos_kit import context
from pos_kit.db import Database
from pos_kit.events.worker import BackgroundWorker, backoff_delay, pause

log = structlog.get_logger(__name__)

# Holds expired per sweep at most, so that one sweep cannot run on without a pause.
SWEEP_LIMIT = 500


class ReservationSweeper(BackgroundWorker):
    def __init__(self, database: Database, reservations: Reservations, *, interval: float) -> None:
        super().__init__(name="reservation-sweeper")
        self.database = database
        self.reservations = reservations
        self.interval = interval

    async def run(self) -> None:
        failures = 0
        while not self.stopping:
            try:
                with self.job():
                    expired = await self.sweep()
            except Exception as exc:
                # A database blip must not end the sweeping; try again a little later.
                failures += 1
                delay = backoff_delay(failures, self.interval, 60.0)
                log.warning("reservation_sweep_failed", error=str(exc) or repr(exc), retry_in=delay)
                await pause(delay)
                continue
            failures = 0
            if expired:
                log.info("reservations_expired", count=expired)
            await pause(self.interval)

    async def sweep(self) -> int:
        """Give back every hold past its time (up to SWEEP_LIMIT), one unit of work each."""
        expired = 0
        for _ in range(SWEEP_LIMIT):
            with context.request_context():
                async with self.database.unit_of_work() as uow:
                    if not await self.reservations.expire_next_due(uow):
                        break
            expired += 1
        return expired

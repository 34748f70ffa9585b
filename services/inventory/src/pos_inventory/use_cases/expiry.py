"""The sweeper: a background loop in each process that gives back holds nobody settled in time."""

from __future__ import annotations

from pos_inventory.use_cases.reservations import Reservations
from pos_kit import context
from pos_kit.db import Database
from pos_kit.events.worker import PeriodicJob

# Holds expired per sweep at most, so that one sweep cannot run on without a pause.
SWEEP_LIMIT = 500


class ReservationSweeper(PeriodicJob):
    def __init__(self, database: Database, reservations: Reservations, *, interval: float) -> None:
        super().__init__(name="reservation-sweeper", interval=interval)
        self.database = database
        self.reservations = reservations

    async def run_once(self) -> int:
        """Give back every hold past its time (up to SWEEP_LIMIT), one unit of work each."""
        expired = 0
        for _ in range(SWEEP_LIMIT):
            with context.request_context():
                async with self.database.unit_of_work() as uow:
                    if not await self.reservations.expire_next_due(uow):
                        break
            expired += 1
        return expired

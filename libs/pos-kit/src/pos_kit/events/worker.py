"""Background loops: the life cycle every worker shares, and the periodic job.

`BackgroundWorker` is a loop that stops between jobs (the relay, the consumer);
`PeriodicJob` runs one piece of work every so often (a sweep of expired holds, a
purge, a reconciliation) and survives its failures.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import structlog

from pos_kit.context import request_context

log = structlog.get_logger(__name__)


def backoff_delay(attempt: int, initial: float, maximum: float) -> float:
    """Exponential and capped: `initial`, twice that, four times... never above `maximum`."""
    return float(min(maximum, initial * 2 ** min(max(attempt, 1) - 1, 32)))


async def pause(seconds: float, wake: asyncio.Event | None = None) -> None:
    """Sleep, or return early when `wake` is set (and clear it for the next pause)."""
    if wake is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wake.wait(), timeout=seconds)
    wake.clear()


class BackgroundWorker:
    """Runs `run()` as an asyncio task.

    `stop()` cancels the task at once while it is idle (connecting, polling, backing
    off), but lets a job in progress (a publish batch, a handler's transaction) finish,
    so a stop never leaves a half-done job to be repeated.
    """

    def __init__(self, *, name: str, stop_timeout: float = 10.0) -> None:
        self.name = name
        self._stop_timeout = stop_timeout
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._busy = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Start in the background; returns at once, whether or not NATS answers."""
        if self.running:
            return
        self._stopping = False
        self._task = asyncio.create_task(self._supervise(), name=self.name)

    async def stop(self) -> None:
        task = self._task
        if task is None:
            return
        self._stopping = True
        if not self._busy:
            task.cancel()
        _, pending = await asyncio.wait({task}, timeout=self._stop_timeout)
        if pending:
            log.warning("worker_stop_timeout", worker=self.name, timeout=self._stop_timeout)
            task.cancel()
            await asyncio.wait({task})
        self._task = None
        await self.close()

    @property
    def stopping(self) -> bool:
        return self._stopping

    @contextlib.contextmanager
    def job(self) -> Iterator[None]:
        """Mark a unit of work that `stop()` waits for instead of cutting."""
        self._busy = True
        try:
            yield
        finally:
            self._busy = False
            current = asyncio.current_task()
            if self._stopping and current is not None and current is self._task:
                # The job is done and a stop is waiting: end at the next await, exactly
                # as a stop that found the worker idle would have.
                current.cancel()

    async def run(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    async def close(self) -> None:
        """Release connections after the loop has ended."""

    async def _supervise(self) -> None:
        # The loops handle the failures they expect; anything else is a bug, but a
        # bug must not silently stop a service's events, so log it and go again.
        failures = 0
        while not self._stopping:
            try:
                await self.run()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                log.exception("worker_crashed", worker=self.name, failures=failures)
                await self.close()
                await asyncio.sleep(backoff_delay(failures, 0.5, 30.0))


class PeriodicJob(BackgroundWorker):
    """Runs `run_once` every `interval` seconds until stopped.

    A failure (the database away for a moment) is logged and tried again after a
    growing delay, never the end of the loop. `run_once` answers how many things it
    did, which is logged when there were any.
    """

    def __init__(self, *, name: str, interval: float, max_backoff: float = 60.0) -> None:
        super().__init__(name=name)
        self.interval = interval
        self.max_backoff = max_backoff

    async def run_once(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    async def run(self) -> None:
        failures = 0
        while not self.stopping:
            try:
                with self.job(), request_context():
                    done = await self.run_once()
            except Exception as exc:
                failures += 1
                delay = backoff_delay(failures, self.interval, self.max_backoff)
                log.warning(
                    "periodic_job_failed",
                    job=self.name,
                    error=str(exc) or repr(exc),
                    retry_in=delay,
                )
                await pause(delay)
                continue
            failures = 0
            if done:
                log.info("periodic_job_done", job=self.name, count=done)
            await pause(self.interval)

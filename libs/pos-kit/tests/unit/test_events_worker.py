"""The background life cycle, back-off and publish headers the relay and consumer share."""

from __future__ import annotations

import asyncio

import pytest

from pos_kit.events.relay import _headers
from pos_kit.events.worker import BackgroundWorker, backoff_delay, pause


def test_backoff_doubles_then_stays_at_the_cap() -> None:
    delays = [backoff_delay(attempt, 0.1, 1.0) for attempt in range(1, 8)]

    assert delays == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0])


def test_backoff_survives_a_very_long_outage() -> None:
    assert backoff_delay(10_000, 0.2, 30.0) == 30.0


async def test_pause_returns_early_when_woken_and_rearms() -> None:
    wake = asyncio.Event()
    wake.set()
    loop = asyncio.get_running_loop()

    started = loop.time()
    await pause(5.0, wake)
    assert loop.time() - started < 1.0
    assert not wake.is_set()

    started = loop.time()
    await pause(0.05, wake)
    assert loop.time() - started >= 0.04


def test_publish_headers_carry_msg_id_correlation_and_trace() -> None:
    payload = '{"correlationid":"corr-1","traceparent":"00-' + "a" * 32 + "-" + "b" * 16 + '-01"}'

    headers = _headers("evt-1", payload)

    assert headers["Nats-Msg-Id"] == "evt-1"
    assert headers["X-Correlation-ID"] == "corr-1"
    assert headers["traceparent"].startswith("00-aaaa")
    assert headers["Content-Type"] == "application/cloudevents+json"


def test_publish_headers_of_an_unreadable_row_still_carry_the_msg_id() -> None:
    assert _headers("evt-2", "not json") == {
        "Nats-Msg-Id": "evt-2",
        "Content-Type": "application/cloudevents+json",
    }


class Kitchen(BackgroundWorker):
    """A worker whose jobs take a while, recording what got finished."""

    def __init__(self, job_seconds: float) -> None:
        super().__init__(name="kitchen", stop_timeout=2.0)
        self.job_seconds = job_seconds
        self.finished = 0
        self.started = asyncio.Event()
        self.closed = False

    async def run(self) -> None:
        while not self.stopping:
            with self.job():
                self.started.set()
                await asyncio.sleep(self.job_seconds)
                self.finished += 1
            await asyncio.sleep(60)  # idle: a stop may cut this

    async def close(self) -> None:
        self.closed = True


async def test_stop_lets_a_job_in_progress_finish() -> None:
    worker = Kitchen(job_seconds=0.2)
    await worker.start()
    await worker.started.wait()

    loop = asyncio.get_running_loop()
    started = loop.time()
    await worker.stop()

    assert worker.finished == 1
    assert loop.time() - started < 1.0, "the stop ends right after the job, not at its timeout"
    assert worker.closed
    assert not worker.running


async def test_stop_cuts_an_idle_worker_at_once() -> None:
    worker = Kitchen(job_seconds=0.0)
    await worker.start()
    await worker.started.wait()
    await asyncio.sleep(0.01)
    loop = asyncio.get_running_loop()

    started = loop.time()
    await worker.stop()

    assert loop.time() - started < 0.5
    assert worker.finished == 1


class Clumsy(BackgroundWorker):
    def __init__(self) -> None:
        super().__init__(name="clumsy")
        self.runs = 0
        self.closes = 0

    async def run(self) -> None:
        self.runs += 1
        if self.runs == 1:
            raise RuntimeError("a bug")
        await asyncio.sleep(60)

    async def close(self) -> None:
        self.closes += 1


async def test_a_crashed_loop_is_restarted_after_releasing_its_connections() -> None:
    worker = Clumsy()
    await worker.start()
    for _ in range(100):
        if worker.runs == 2:
            break
        await asyncio.sleep(0.02)

    assert worker.runs == 2
    assert worker.closes == 1
    await worker.stop()

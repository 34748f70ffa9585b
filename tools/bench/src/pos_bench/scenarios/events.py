"""events: pos-core's outbox -> JetStream relay, its throughput and its commit-to-publish lag.

Throughput: N events are written straight into pos-core's outbox table in one bulk insert
(set-up, not measured), as if N transactions had just committed, and the suite times how
fast the relay drains them into the stream: (N - 1) / (stream time of the last - of the
first). A direct insert does not wake the relay (only the service's own commits do): it
sees them at its next poll (every 0.5 s), so the rate is timed from the first publish, and
the wait before it is reported apart. Notification consumes every event (`pos.events.>`)
while this runs, as it would in production; the probe events are purged from the stream
afterwards so it does not keep working on them.

Lag: orders placed at a steady rate through the gateway; for each `order.placed` event the
time the stream stored it minus the event's `time` (stamped in the placing transaction,
just before its commit): commit-to-publish, with the commit in it.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from pos_bench.loadgen import LoadResult
from pos_bench.results import Figure, ScenarioResult
from pos_bench.runner import Bench
from pos_bench.scenarios.common import STEADY_RATE, figure_of, order_load, ready_for_orders
from pos_bench.stats import Latencies
from pos_bench.system import asyncpg_dsn
from pos_kit.events.envelope import Event, subject_for

PROBE_TYPE = "bench.relay_probe"
PROBE_SUBJECTS = "pos.events.bench.>"
OUTBOX = "outbox"
SERVICE = "pos-core"
EVENTS = 20_000
LAG_RATE = STEADY_RATE
DRAIN_TIMEOUT = 180.0
RELAY_POLL_SECONDS = 0.5  # pos_kit.events.relay.OutboxRelay's default poll_interval
_COLUMNS = ("id", "tenant_id", "subject", "type", "payload", "created_at", "attempts")


def probe_rows(count: int, tenant_id: str) -> list[tuple[Any, ...]]:
    now = datetime.now(UTC)
    rows = []
    for index in range(count):
        event = Event.new(
            source="pos-bench",
            type=PROBE_TYPE,
            data={"n": index},
            tenant_id=tenant_id,
            correlation_id=str(uuid.uuid4()),
        )
        rows.append(
            (event.id, tenant_id, subject_for(PROBE_TYPE), PROBE_TYPE, event.to_json(), now, 0)
        )
    return rows


async def _insert_postgres(url: str, rows: list[tuple[Any, ...]]) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
    try:
        await connection.copy_records_to_table(OUTBOX, records=rows, columns=list(_COLUMNS))
    finally:
        await connection.close()


def _insert_sqlite(path: Path, rows: list[tuple[Any, ...]]) -> None:
    # SQLAlchemy's SQLite DateTime format; the relay never reads created_at anyway.
    text_rows = [(*r[:5], r[5].strftime("%Y-%m-%d %H:%M:%S.%f"), r[6]) for r in rows]
    connection = sqlite3.connect(path, timeout=60)
    try:
        with connection:
            connection.executemany(
                f"INSERT INTO {OUTBOX} ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                text_rows,
            )
    finally:
        connection.close()


async def run(bench: Bench, result: ScenarioResult) -> None:
    system = bench.require_system()
    assert bench.bus is not None
    count = bench.count(EVENTS)
    tenant = bench.tenants[0]
    result.settings = {
        "throughput": f"{count} events bulk-inserted into {SERVICE}'s outbox, drained by its "
        f"relay (batches of 100, polled every {RELAY_POLL_SECONDS:g} s when not woken)",
        "lag": f"order.placed events of orders placed at {LAG_RATE:g}/s for "
        f"{bench.seconds(15):g} s",
    }
    # -- throughput -------------------------------------------------------------------------
    follower = await bench.bus.follow(PROBE_SUBJECTS)
    try:
        rows = probe_rows(count, tenant.tenant_id)
        before = bench.cpu_snapshot()
        database_url = bench.database_url(SERVICE)
        if database_url is not None:
            await _insert_postgres(database_url, rows)
        else:
            await asyncio.to_thread(_insert_sqlite, system.sqlite_path(SERVICE), rows)
        committed = time.time()
        deadline = time.monotonic() + DRAIN_TIMEOUT
        # Polled: the stream says how many are waiting only when asked.
        while (waiting := await follower.waiting()) < count and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        after = bench.cpu_snapshot()
        stored = await follower.read(count)
    finally:
        await follower.close()
        await bench.bus.purge(PROBE_SUBJECTS)
    if len(stored) < 2:
        raise RuntimeError(f"only {len(stored)} of {count} probe events reached the stream")
    first, last = stored[0].stream_time, stored[-1].stream_time
    rate = (len(stored) - 1) / (last - first) if last > first else None
    usage = bench.usage_between(before, after)
    record = {
        "name": f"relay drain of {count} events",
        "unit": "event",
        "events_published": len(stored),
        "events_written": count,
        "publish_rate": None if rate is None else round(rate, 1),
        "first_publish_after_ms": round((first - committed) * 1000, 1),
        "drain_s": round(last - committed, 3),
        "cpu": usage.as_dict(len(stored), "event"),
        "breakdown": True,
    }
    result.details["throughput"] = record
    result.other_load_cores = max(result.other_load_cores, usage.foreign_cores)
    if waiting < count:
        result.notes.append(f"Only {waiting} of {count} events were published within "
                            f"{DRAIN_TIMEOUT:g} s.")  # fmt: skip
    print(
        f"  events: relay drained {len(stored)} events at {rate or 0:.0f}/s (first publish "
        f"{record['first_publish_after_ms']} ms after the insert; system CPU "
        f"{usage.as_dict(len(stored), 'event')['system_cpu_ms_per_event']} ms/event)",
        flush=True,
    )
    bench.run.add(
        Figure(
            "events.rate",
            "events: relay throughput, outbox -> JetStream",
            None if rate is None else round(rate, 1),
            "events/s",
            "higher",
            "calibration.insert_rps",
            note=f"timed from the first publish; the relay found the rows "
            f"{record['first_publish_after_ms']:.0f} ms after the insert, at its poll",
        )
    )
    # -- lag ---------------------------------------------------------------------------------
    await bench.quiesce(within=60)
    await bench.fresh_tokens()
    await ready_for_orders(bench, bench.tenants)
    tenants = {t.tenant_id for t in bench.tenants}
    follower = await bench.bus.follow("pos.events.order.placed")
    try:
        load, _ = await bench.measure(
            result,
            f"orders at {LAG_RATE:g}/s",
            lambda: order_load(
                bench, bench.tenants, rate=LAG_RATE, duration=bench.seconds(15), warmup=1.0
            ),
            unit="order",
        )
        expected = load.ok + round(LAG_RATE * 1.0)
        deadline = time.monotonic() + 20
        while await follower.waiting() < expected and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        stored = await follower.read(expected + 100, wait=2.0)
    finally:
        await follower.close()
    lag = Latencies()
    for message in stored:
        body = json.loads(message.data)
        if body.get("tenantid") not in tenants:
            continue
        event_time = datetime.fromisoformat(body["time"]).timestamp()
        lag.record(max(0.0, message.stream_time - event_time))
    lag_record = LoadResult("open", LAG_RATE, None, load.duration, lag.count, lag.count,
                            latencies=lag).as_dict()  # fmt: skip
    lag_record |= {"name": "commit -> publish lag", "unit": "event", "achieved_rate": LAG_RATE}
    result.loads.append(lag_record)
    summary = lag.summary()
    print(f"  events: lag p50 {summary.p50} ms, p99 {summary.p99} ms, max {summary.max} ms "
          f"over {summary.count} events", flush=True)  # fmt: skip
    for which in ("p50", "p99"):
        figure = figure_of(f"events.lag_{which}",
                           f"events: commit-to-publish lag {which} at {LAG_RATE:g} orders/s",
                           lag, which)  # fmt: skip
        _, orders_invalid = load.percentile(which)
        if orders_invalid:
            figure.note = f"while orders failed: {orders_invalid}"
        bench.run.add(figure)

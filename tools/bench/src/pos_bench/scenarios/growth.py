"""growth: place-order p99 with 10k, then 1M orders stored for the restaurant.

Set-up, not measured: past orders (closed or cancelled, three items each, spread over the
last year) are bulk-loaded straight into pos-core's PostgreSQL database with COPY, in the
shape its migrations define: the columns are read from the database itself, each row is
filled the way pos-core fills it (the item snapshot is copied from a real order placed
through the API), and the restaurant's order counter is moved past them. Then the tables
are analysed, as autovacuum would have, and orders are placed for that restaurant at a
steady rate. The figure is p99 with 1M stored divided by p99 with 10k.

SQLite is skipped: a million-row bulk load through SQLite's single writer would measure
the load, not the order path, and `make run`'s SQLite default is for one restaurant's
local trial, not for a year of a busy one.
"""

from __future__ import annotations

import asyncio
import contextlib
import operator
import random
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from pos_bench import api
from pos_bench.results import Figure, ScenarioResult
from pos_bench.runner import Bench, Skip
from pos_bench.scenarios.common import STEADY_RATE, latency_figure, order_load, ready_for_orders
from pos_bench.system import asyncpg_dsn

SERVICE = "pos-core"
SIZES = (10_000, 1_000_000)
RATE = STEADY_RATE
CHUNK = 20_000
# From this many orders on, secondary indexes are rebuilt once rather than kept up row by row.
BULK_INDEX_REBUILD = 100_000
CANCELLED_SHARE = 0.04
ORDER_TYPES = ("dine_in", "takeout", "delivery")


class Shape:
    """How to fill each column of a table, read from the live schema."""

    def __init__(self, table: str, columns: list[dict[str, Any]], fillers: frozenset[str]) -> None:
        self.table = table
        self.columns: list[str] = []
        missing = []
        for column in columns:
            name = column["column_name"]
            if name in fillers:
                self.columns.append(name)
            elif column["column_default"] is not None:
                continue  # the database fills it
            elif column["is_nullable"] == "YES":
                self.columns.append(name)  # a column this suite does not know: NULL
            else:
                missing.append(name)
        if missing:
            raise Skip(
                f"{table} has required columns this suite does not know how to fill: "
                f"{', '.join(missing)} (update pos_bench.scenarios.growth)"
            )
        # Columns this suite does not know, NULL in every row.
        self.nulls = {name: None for name in self.columns if name not in fillers}
        self._getter = operator.itemgetter(*self.columns)

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        if self.nulls:
            values.update(self.nulls)
        row: tuple[Any, ...] = self._getter(values)
        return row


async def _columns(connection: Any, table: str) -> list[dict[str, Any]]:
    rows = await connection.fetch(
        "SELECT column_name, is_nullable, column_default FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        table,
    )
    if not rows:
        raise Skip(f"pos-core's database has no table {table!r}")
    return [dict(r) for r in rows]


class Snapshot:
    """A real order of the restaurant, as pos-core stored it: what past orders look like."""

    def __init__(self, order: dict[str, Any], tenant_id: str) -> None:
        self.tenant_id = uuid.UUID(tenant_id)
        self.currency = order["currency"]
        self.created_by = order["created_by"]
        self.items = [
            (uuid.UUID(i["product_id"]), i["name"], i["base_price"], i["tax_rate_bps"])
            for i in order["items"]
        ]


def past_orders(
    snapshot: Snapshot, first_number: int, count: int, *, now: datetime
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """`count` finished orders, numbered from `first_number`, oldest first, over a year."""
    # Synthetic data, not security; seeded per restaurant and batch so ids never repeat.
    rng = random.Random(f"{snapshot.tenant_id}:{first_number}")  # noqa: S311
    span = timedelta(days=365).total_seconds()
    start = now - timedelta(days=365)
    who = snapshot.created_by
    for k in range(count):
        created = start + timedelta(seconds=span * (k + rng.random()) / max(count, 1))
        cancelled = rng.random() < CANCELLED_SHARE
        order_type = ORDER_TYPES[k % len(ORDER_TYPES)]
        order_id = uuid.UUID(int=rng.getrandbits(128))
        placed = created + timedelta(minutes=2)
        order = {
            "id": order_id,
            "tenant_id": snapshot.tenant_id,
            "number": first_number + k,
            "type": order_type,
            "status": "cancelled" if cancelled else "closed",
            "table_id": None,
            "guests": 2 if order_type == "dine_in" else None,
            "currency": snapshot.currency,
            "reservation_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "reservation_status": "released" if cancelled else "committed",
            "created_at": created,
            "created_by": who,
            "placed_at": placed,
            "placed_by": who,
            "paid_at": None if cancelled else placed + timedelta(minutes=40),
            "paid_by": None if cancelled else who,
            "closed_at": None if cancelled else placed + timedelta(minutes=45),
            "closed_by": None if cancelled else who,
            "cancelled_at": placed + timedelta(minutes=5) if cancelled else None,
            "cancelled_by": who if cancelled else None,
            "placing_until": None,
            "idempotency_key": None,
            "request_fingerprint": None,
        }
        items = [
            {
                "id": uuid.UUID(int=rng.getrandbits(128)),
                "tenant_id": snapshot.tenant_id,
                "order_id": order_id,
                "position": position,
                "product_id": product_id,
                "name": name,
                "base_price": price,
                "currency": snapshot.currency,
                "tax_rate_bps": tax,
                "quantity": 1,
                "notes": None,
                "modifiers": "[]",
                "added_at": created,
                "added_by": who,
            }
            for position, (product_id, name, price, tax) in enumerate(snapshot.items)
        ]
        yield order, items


async def bulk_load(url: str, snapshot: Snapshot, count: int, say: Callable[[str], None]) -> float:
    """COPY `count` past orders (and their items) for the restaurant; returns seconds taken."""
    started = time.monotonic()
    connection = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
    try:
        orders = Shape("orders", await _columns(connection, "orders"), _ORDER_FILLERS)
        items = Shape("order_items", await _columns(connection, "order_items"), _ITEM_FILLERS)
        last = await connection.fetchval(
            "SELECT last_number FROM order_counters WHERE tenant_id = $1", snapshot.tenant_id
        )
        first = int(last or 0) + 1
        now = datetime.now(UTC)
        # Set-up speed only, the shape stays: rows are consistent by construction, so the
        # foreign-key triggers are skipped, and a large load builds the secondary indexes
        # once at the end (from their own definitions) instead of row by row.
        with contextlib.suppress(asyncpg.PostgresError):
            await connection.execute("SET session_replication_role = replica")
        rebuild = await _drop_secondary_indexes(connection) if count >= BULK_INDEX_REBUILD else []
        generated = past_orders(snapshot, first, count, now=now)

        def build() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
            order_rows: list[tuple[Any, ...]] = []
            item_rows: list[tuple[Any, ...]] = []
            for order, lines in generated:
                order_rows.append(orders.row(order))
                item_rows.extend(items.row(line) for line in lines)
                if len(order_rows) >= CHUNK:
                    break
            return order_rows, item_rows

        # The next chunk is made in a thread while PostgreSQL takes the current one.
        done = 0
        upcoming = asyncio.create_task(asyncio.to_thread(build))
        while True:
            order_rows, item_rows = await upcoming
            if not order_rows:
                break
            upcoming = asyncio.create_task(asyncio.to_thread(build))
            await connection.copy_records_to_table(
                "orders", records=order_rows, columns=orders.columns
            )
            await connection.copy_records_to_table(
                "order_items", records=item_rows, columns=items.columns
            )
            done += len(order_rows)
            if done % 200_000 < CHUNK:
                say(f"  growth: {done:,} of {count:,} orders loaded")
        await connection.execute(
            "INSERT INTO order_counters (tenant_id, last_number) VALUES ($1, $2)"
            " ON CONFLICT (tenant_id) DO UPDATE"
            " SET last_number = GREATEST(order_counters.last_number, EXCLUDED.last_number)",
            snapshot.tenant_id,
            first + count - 1,
        )
        for definition in rebuild:
            await connection.execute(definition)
        await connection.execute("VACUUM ANALYZE orders")
        await connection.execute("VACUUM ANALYZE order_items")
    finally:
        await connection.close()
    return time.monotonic() - started


async def _drop_secondary_indexes(connection: Any) -> list[str]:
    """Drop the plain (non-constraint) indexes of the two tables; their definitions to rebuild."""
    rows = await connection.fetch(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i"
        " WHERE i.schemaname = 'public' AND i.tablename IN ('orders', 'order_items')"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
    )
    for row in rows:
        await connection.execute(f'DROP INDEX "{row["indexname"]}"')
    return [str(row["indexdef"]) for row in rows]


# The columns this suite fills, as pos-core's migrations (0001, 0002) define them; any other
# column of the live table is left NULL (or to its default), or the scenario is skipped.
_ORDER_FILLERS = frozenset(
    [
        "id",
        "tenant_id",
        "number",
        "type",
        "status",
        "table_id",
        "guests",
        "currency",
        "reservation_id",
        "reservation_status",
        "placing_until",
        "created_at",
        "created_by",
        "placed_at",
        "placed_by",
        "paid_at",
        "paid_by",
        "closed_at",
        "closed_by",
        "cancelled_at",
        "cancelled_by",
        "idempotency_key",
        "request_fingerprint",
    ]
)
_ITEM_FILLERS = frozenset(
    [
        "id",
        "tenant_id",
        "order_id",
        "position",
        "product_id",
        "name",
        "base_price",
        "currency",
        "tax_rate_bps",
        "quantity",
        "notes",
        "modifiers",
        "added_at",
        "added_by",
    ]
)


def size_label(size: int) -> str:
    """10_000 -> "10k", 1_000_000 -> "1M", 500 -> "500"."""
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return f"{size:,}"


async def stored_orders(url: str, tenant_id: str) -> int:
    connection = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM orders WHERE tenant_id = $1", uuid.UUID(tenant_id)
            )
        )
    finally:
        await connection.close()


async def run(bench: Bench, result: ScenarioResult) -> None:
    if bench.sqlite:
        raise Skip(__doc__.split("SQLite is skipped: ", 1)[1].strip().replace("\n", " "))
    url = bench.database_url(SERVICE)
    if url is None:
        raise Skip("pos-core's database URL is unknown")
    from pos_bench.runner import say

    gateway = bench.require_gateway()
    tenant = await api.sign_up(gateway, "Bench Growth Brasserie")
    await api.seed_menu(gateway, tenant)
    await ready_for_orders(bench, [tenant])
    sample = await api.call(
        gateway, "POST", "/api/v1/orders", "a sample order", 201,
        body=tenant.order_body(0), headers={**tenant.auth, "Content-Type": "application/json"},
    )  # fmt: skip
    snapshot = Snapshot(sample, tenant.tenant_id)
    duration, warmup = bench.seconds(20), bench.seconds(3)
    sizes = [bench.count(size) for size in SIZES]
    result.settings = {
        "restaurant": "its own, with the same menu",
        "stored": " then ".join(f"{size:,}" for size in sizes) + " past orders (3 items each)",
        "orders": f"{RATE:g}/s for {duration:g} s after {warmup:g} s warm-up, each size",
    }
    p99s: list[float | None] = []
    for size in sizes:
        have = await stored_orders(url, tenant.tenant_id)
        if size > have:
            seconds = await bulk_load(url, snapshot, size - have, say)
            result.details[f"load_{size}_s"] = round(seconds, 1)
            say(f"  growth: {size - have:,} orders loaded in {seconds:.0f}s (set-up, not measured)")
        await bench.quiesce(within=60)
        await bench.fresh_tokens([tenant])
        await ready_for_orders(bench, [tenant])
        label = f"{size_label(size)} stored"
        load, _ = await bench.measure(
            result,
            f"orders at {RATE:g}/s, {label}",
            lambda: order_load(bench, [tenant], rate=RATE, duration=duration, warmup=warmup),
            unit="order",
            breakdown=True,
        )
        key = "p99_10k" if size == sizes[0] else "p99_1m"
        figure = latency_figure(
            f"growth.{key}", f"growth: order p99 at {RATE:g}/s with {label}", load, "p99"
        )
        bench.run.add(figure)
        p99s.append(None if figure.invalid else figure.value)
    small, large = p99s
    bench.run.add(
        Figure(
            "growth.p99_ratio",
            "growth: p99 with the large store / with the small one",
            round(large / small, 3) if small and large else None,
            "x",
            "lower",
            invalid="" if small and large else "a p99 is missing or does not count",
        )
    )

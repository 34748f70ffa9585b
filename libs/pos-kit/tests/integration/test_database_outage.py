"""A database that refuses (full, away) is an outage to wait out: 503 with Retry-After.

Seen in the end-to-end suite: fifty payments at once met PostgreSQL's max_connections,
and the refusal (`53300 too many clients`) came out as a 500, which a client's retry
policy does not retry. Both refusals here are real: a role PostgreSQL lets no
connection in for, and a pool whose only connection is taken.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter

from pos_kit.app import create_service_app
from pos_kit.db import Database, database_unavailable
from pos_kit.settings import ServiceSettings
from pos_kit.testing.app import app_client
from pos_kit.testing.http import expect_problem
from pos_kit.testing.postgres import admin_engine, admin_url, fresh_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def refused_url() -> Iterator[str]:
    """A database URL whose role PostgreSQL admits no connection for, as when it is full."""
    role = f"pos_kit_no_room_{uuid.uuid4().hex[:8]}"
    admin = admin_engine()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 0'))
    try:
        yield sa.make_url(admin_url()).set(username=role).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


@pytest.fixture
async def full_database(refused_url: str) -> AsyncIterator[Database]:
    """A database that refuses every connection for want of room."""
    database = Database(refused_url)
    yield database
    await database.dispose()


@pytest.fixture
async def full_pool() -> AsyncIterator[Database]:
    """A database whose pool's one connection is held for the whole test."""
    with fresh_database(prefix="pos_kit_full_pool") as url:
        database = Database(url, pool_size=1, max_overflow=0, pool_timeout=0.2)
        async with database.engine.connect() as held:
            await held.execute(sa.text("SELECT 1"))
            yield database
        await database.dispose()


async def _first_failure(database: Database, statement: str = "SELECT 1") -> Exception:
    try:
        async with database.engine.connect() as conn:
            await conn.execute(sa.text(statement))
    except Exception as exc:  # what the driver and SQLAlchemy raise, whatever it is
        return exc
    raise AssertionError(f"the database ran {statement!r}")


async def test_postgresql_refusing_a_connection_for_want_of_room_is_an_outage(
    full_database: Database,
) -> None:
    refusal = await _first_failure(full_database)
    assert "too many connections" in str(refusal)
    assert database_unavailable(refusal)


async def test_a_pool_with_no_free_connection_is_an_outage(full_pool: Database) -> None:
    assert database_unavailable(await _first_failure(full_pool))


async def test_a_bad_statement_is_not_an_outage() -> None:
    with fresh_database(prefix="pos_kit_bad_sql") as url:
        database = Database(url)
        try:
            mistake = await _first_failure(database, "SELECT * FROM no_such_table")
        finally:
            await database.dispose()
    assert isinstance(mistake, sa.exc.DBAPIError)
    assert not database_unavailable(mistake)


async def _service_answer(database: Database) -> httpx.Response:
    router = APIRouter()

    @router.get("/api/v1/tickets")
    async def tickets() -> list[int]:
        async with database.engine.connect() as conn:
            return list((await conn.execute(sa.text("SELECT 1"))).scalars())

    app = create_service_app(
        settings=ServiceSettings(service_name="kitchen"), title="kitchen", routers=[router]
    )
    async with app_client(app) as client:
        return await client.get("/api/v1/tickets", headers={"X-Correlation-ID": "full-db-1"})


async def test_a_request_meeting_a_full_database_is_answered_503_with_retry_after(
    full_database: Database,
) -> None:
    answer = await _service_answer(full_database)
    problem = expect_problem(answer, 503)
    assert answer.headers["retry-after"] == "1"
    assert answer.headers["x-correlation-id"] == "full-db-1"
    assert problem["type"].endswith("/database-unavailable")
    assert problem["correlation_id"] == "full-db-1"


async def test_a_request_meeting_a_full_pool_is_answered_503(full_pool: Database) -> None:
    answer = await _service_answer(full_pool)
    expect_problem(answer, 503)
    assert answer.headers["retry-after"] == "1"


async def test_a_connection_the_server_dropped_costs_one_503_and_the_pool_recovers() -> None:
    """Connections are not pinged before use (a round trip per transaction): a dropped
    one fails the request that meets it, cleanly, and the pool starts afresh."""
    with fresh_database(prefix="pos_kit_dropped") as url:
        database = Database(url, pool_size=2, max_overflow=0)
        try:
            assert (await _service_answer(database)).status_code == 200
            admin = admin_engine()
            with admin.connect() as conn:
                dropped = conn.execute(
                    sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": sa.make_url(url).database},
                ).scalar_one()
            admin.dispose()
            assert dropped >= 1

            met_it = await _service_answer(database)
            expect_problem(met_it, 503)
            assert met_it.headers["retry-after"] == "1"
            assert (await _service_answer(database)).status_code == 200
        finally:
            await database.dispose()

"""Async SQLAlchemy: one engine per service, handing out units of work (see `pos_kit.uow`).

Use cases never commit. The request's unit of work commits once at the end (the
change and its outbox rows together) or rolls everything back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from pos_kit.uow import UnitOfWork

# One naming convention for every service's constraints, so that migrations name them
# the same on PostgreSQL and SQLite and a later migration can refer to them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata() -> MetaData:
    """The MetaData a service's declarative Base holds its tables in."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def async_url(url: str) -> str:
    """Accept the URLs people write (postgresql://, sqlite:///) and pick the async driver."""
    parsed = make_url(url)
    driver = {
        "postgresql": "postgresql+asyncpg",
        "postgres": "postgresql+asyncpg",
        "postgresql+psycopg2": "postgresql+asyncpg",
        "sqlite": "sqlite+aiosqlite",
    }.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    url = async_url(url)
    if is_sqlite(url):
        # A file on this host, not a server's connection budget: the driver's default
        # pool (a static one for :memory:, which takes no sizes) is right.
        kwargs.pop("pool_size", None)
        kwargs.pop("max_overflow", None)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:  # pragma: no cover - driver hook
            cursor = dbapi_conn.cursor()
            # WAL lets readers run beside the writer; foreign keys are off by default.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "savepoint")
        def _savepoint_inside_a_transaction(conn: Any, _: Any) -> None:
            # Python's sqlite3 begins a transaction only before a write, so a SAVEPOINT
            # that comes first (`Repository.unique`, `insert_once`) would open one of its
            # own, and releasing it would commit: a unit of work that then failed would
            # keep those rows. Begin first, so the unit of work decides.
            if not conn.connection.driver_connection.in_transaction:
                conn.exec_driver_sql("BEGIN")

        return engine
    # No ping before each checkout: it was a round trip per transaction (a twentieth
    # of a service's CPU on the order path). A connection the server dropped fails the
    # one statement that meets it (answered 503 with Retry-After, or an event retried)
    # and SQLAlchemy then discards every connection of that age; recycling after half
    # an hour keeps connections from outliving firewalls' idle timeouts.
    kwargs.setdefault("pool_pre_ping", False)
    kwargs.setdefault("pool_recycle", 1800)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_async_engine(url, **kwargs)


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means the database is away (an outage to wait out), not a bad statement."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, PoolTimeout):  # every connection busy: a wait, not a bad statement
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    # PostgreSQL refusing for want of room (class 53: too many connections, out of
    # memory or disk), a connection failure (08) or a shutdown in progress (57P0x).
    sqlstate = str(getattr(getattr(exc, "orig", None), "sqlstate", "") or "")
    if isinstance(exc, DBAPIError) and sqlstate.startswith(("53", "08", "57P0")):
        return True
    # Drivers raise these (refused, reset, timed out) before SQLAlchemy can wrap them.
    return isinstance(exc, OSError)


class Database:
    """Owns the engine and hands out sessions; one per service process."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = async_url(url)
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._when_events_commit: list[Callable[[], None]] = []

    def when_events_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` after every commit that recorded events (the outbox relay's nudge)."""
        self._when_events_commit.append(callback)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work: committed if the block succeeds, rolled back if it raises."""
        uow = UnitOfWork(self.sessions, when_events_commit=self._when_events_commit)
        try:
            yield uow
        except BaseException as exc:
            await uow.end(exc)
            raise
        else:
            await uow.end()
        finally:
            await uow.close()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
